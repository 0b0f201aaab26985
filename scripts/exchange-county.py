#!/usr/bin/env python3
"""A county-sized exchange file (format version 1) for the import benchmark.

Usage: scripts/exchange-county.py [PERSONS] > county.jsonl    (default 3700 persons: ~75,000 lines)

Deterministic (fixed seed), fictional; every text field is filler. About 11 contacts per person,
like the issue's county (3,700 persons, 42,000 contacts).
"""
import json
import random
import sys
from datetime import date, timedelta

rnd = random.Random(22)
persons_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 3700
out = sys.stdout


def line(obj):
    out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def day(d):
    return d.isoformat()


FIELDS = ["language", "school_childcare", "training_studies", "work", "housing", "health",
          "finances", "residence", "family", "participation", "daily_life"]
KINDS = ["home_visit", "office_hours", "office_appointment", "phone", "video_messenger",
         "accompaniment", "group"]
GIVEN = ["Ahmad", "Fatima", "Olena", "Mohammad", "Amina", "Yusuf", "Mariam", "Dawit", "Zahra", "Ali"]
FAMILY = ["Karimi", "Haddad", "Kovalenko", "Ahmadi", "Tesfay", "Yilmaz", "Hassan", "Rahimi"]

line({"kind": "meta", "format": "ankommen-exchange", "version": 1,
      "exported_at": "2026-11-21T09:00:00Z", "source": "scripts/exchange-county.py"})
munis = [f"0811{n:04d}" for n in range(1, 21)]
for a in munis:
    line({"kind": "municipality", "id": a, "name": f"Gemeinde {a[-3:]}"})
orgs = [("LRA", "county_office"), ("AWO", "provider"), ("CAR", "provider"), ("DIA", "provider"),
        ("DRK", "provider"), ("STA", "municipality")]
for oid, kind in orgs:
    o = {"kind": "organisation", "id": oid, "name": f"Organisation {oid}", "type": kind}
    if kind == "municipality":
        o["municipality"] = munis[0]
    line(o)
staff = []
for i, (oid, _) in enumerate(orgs):
    for t in range(2):
        line({"kind": "team", "id": f"T{oid}{t}", "organisation": oid, "name": f"Team {t + 1}"})
    served = munis[i * 3:(i + 1) * 3 + 2] or munis[:3]
    for s in range(6):
        sid = f"S{oid}{s}"
        roles = ["team_lead", "im"] if s == 0 else ["im"]
        line({"kind": "staff", "id": sid, "organisation": oid, "team": f"T{oid}{s % 2}",
              "display_name": f"Mitarbeiter:in {sid}", "roles": roles, "municipalities": served,
              "fte": rnd.choice([0.5, 0.75, 1.0])})
        staff.append((sid, oid, served))

# Households and persons: families of 1-4.
persons, households = [], []
p = 0
h = 0
while p < persons_wanted:
    h += 1
    sid, oid, served = rnd.choice(staff)
    ags = rnd.choice(served)
    size = min(rnd.choice([1, 1, 2, 3, 4]), persons_wanted - p)
    hid = f"H{h}" if size > 1 else None
    if hid:
        line({"kind": "household", "id": hid, "municipality": ags})
    members = []
    for m in range(size):
        p += 1
        pid = f"P{p}"
        child = m >= 2
        born = date(2010 if child else 1975, 1, 1) + timedelta(days=rnd.randrange(0, 5000))
        obj = {"kind": "person", "id": pid, "given_name": rnd.choice(GIVEN),
               "family_name": rnd.choice(FAMILY), "birth_date": day(born),
               "sex": rnd.choice(["f", "m"]), "nationality": rnd.choice(["SYR", "AFG", "UKR", "ERI"]),
               "languages": [{"code": rnd.choice(["ar", "fa", "uk", "ti"]), "level": "native"}],
               "german_level": rnd.choice(["none", "A1", "A2", "B1", "B2"]),
               "au_move_in": day(date(2019, 1, 1) + timedelta(days=rnd.randrange(0, 1500))),
               "target_group": rnd.choice(["follow_up_housing", "ukraine"])}
        if hid:
            obj["household"] = hid
            obj["relation"] = "head" if m == 0 else ("partner" if m == 1 else "child")
        line(obj)
        members.append(pid)
    households.append((members, sid, oid, ags))

for members, *_ in households:
    for pid in members:
        line({"kind": "consent", "id": f"CO{pid}", "person": pid, "text_version": "2024-1",
              "language": "de", "given_on": "2024-01-15", "form": "paper"})
        if rnd.random() < 0.3:
            line({"kind": "release", "id": f"RL{pid}", "person": pid,
                  "recipient": {"name": "Jobcenter", "category": "jobcenter"},
                  "data_categories": ["identity", "work"], "purpose": "Vermittlung in Arbeit",
                  "valid_from": "2024-02-01", "valid_until": "2026-02-01", "mutual": True})

c = g = st = r = k = o = rf = 0
for members, sid, oid, ags in households:
    c += 1
    cid = f"C{c}"
    opened = date(2021, 1, 1) + timedelta(days=rnd.randrange(0, 1200))
    status = rnd.choice(["active", "active", "active", "paused", "closed"])
    case = {"kind": "case", "id": cid, "organisation": oid, "municipality": ags, "assigned_to": sid,
            "persons": members, "opened_on": day(opened), "status": status}
    if status == "paused":
        case["pauses"] = [{"from": day(opened + timedelta(days=200)), "until": None}]
    if status == "closed":
        case["closed_on"] = day(opened + timedelta(days=400))
        case["closure_reason"] = "goals_reached"
        case["closure_note"] = "Abschluss nach Zielerreichung"
    line(case)
    for _ in range(rnd.randint(1, 4)):
        g += 1
        gid = f"G{g}"
        line({"kind": "goal", "id": gid, "case": cid, "field": rnd.choice(FIELDS),
              "text": "Ziel in den Worten der Person", "priority": rnd.randint(1, 3),
              "status": "open", "created_on": day(opened + timedelta(days=30))})
        for _ in range(rnd.randint(1, 4)):
            st += 1
            line({"kind": "step", "id": f"ST{st}", "goal": gid, "text": "Schritt",
                  "owner": rnd.choice(["client", "im"]), "due_on": day(opened + timedelta(days=90))})
    for n in range(rnd.randint(0, 2)):
        r += 1
        line({"kind": "review", "id": f"R{r}", "case": cid,
              "held_on": day(opened + timedelta(days=180 * (n + 1))), "summary": "Fortschreibung"})
    for n in range(rnd.randint(10, 26) * len(members) // 2 + 5):
        k += 1
        line({"kind": "contact", "id": f"K{k}", "case": cid, "persons": members[:1 + n % len(members)],
              "date": day(opened + timedelta(days=7 * n)), "minutes": rnd.choice([15, 30, 45, 60]),
              "contact_kind": rnd.choice(KINDS), "topics": rnd.sample(FIELDS, rnd.randint(0, 3)),
              "note": "Vertrauliche Notiz zum Gespräch"})
    for pid in members:
        if rnd.random() < 0.7:
            o += 1
            line({"kind": "outcome", "id": f"O{o}", "person": pid, "date": day(opened + timedelta(days=300)),
                  "type": "german_level", "level": rnd.choice(["A2", "B1", "B2"]), "certificate": True})
    if rnd.random() < 0.6:
        rf += 1
        line({"kind": "referral", "id": f"RF{rf}", "case": cid, "person": members[0],
              "service": {"name": "Migrationsberatung", "category": "migration_counselling"},
              "date": day(opened + timedelta(days=20)), "reason": "Familiennachzug", "result": "pending"})
