# Die Fallliste (Caseload) und die Fallseite: Filter, gespeicherte Filter, die 3-Jahres-Frist,
# Ruhen, Verlängerung, Abschluss, Wiedereröffnung, Umzug, Teilen und Übergabe.

## Fallliste

caseload-title = Fälle
caseload-new-client = Neue Klient:in aufnehmen
caseload-filter-label = Fälle filtern und suchen
caseload-search = Name oder Fallnummer
caseload-search-hint = Findet auch andere Schreibweisen (z. B. „Mueller“ für „Müller“) und die Schreibweise in der Originalschrift.
caseload-status = Status
caseload-status-open = offen (aktiv und ruhend)
caseload-status-active = aktiv
caseload-status-paused = ruhend
caseload-status-closed = abgeschlossen
caseload-status-all = alle
caseload-time-left = Restlaufzeit
caseload-time-left-warning = ab 30 Monaten (letztes halbes Jahr)
caseload-time-left-under3 = weniger als 3 Monate
caseload-time-left-overdue = überschritten
caseload-last-contact = Letzter Kontakt
caseload-last-contact-never = noch nie
caseload-last-contact-over30 = vor mehr als 30 Tagen
caseload-last-contact-over90 = vor mehr als 90 Tagen
caseload-sort = Sortieren nach
caseload-sort-name = Name
caseload-sort-number = Fallnummer
caseload-sort-time_left = Restlaufzeit
caseload-sort-last_contact = Letzter Kontakt
caseload-dir = Reihenfolge
caseload-dir-asc = aufsteigend
caseload-dir-desc = absteigend
caseload-reset = Filter zurücksetzen
caseload-saved-title = Gespeicherte Filter
caseload-saved-none = Sie haben noch keine Filter gespeichert.
caseload-saved-delete = Löschen
caseload-saved-name = Name für diesen Filter
caseload-saved-save = Diesen Filter speichern
caseload-saved-hint = Gespeichert werden nur die Filter, nie der Suchbegriff.
caseload-count = { $count ->
    [0] Keine Fälle
    [one] Ein Fall
   *[other] { $count } Fälle
}
caseload-empty = Sie haben noch keine Fälle.
caseload-empty-filtered = Keine Fälle passen zu diesen Filtern.
caseload-select = Auswählen
caseload-select-case = Fall { $number } auswählen
caseload-col-names = Name(n)
caseload-col-time-left = Restlaufzeit
caseload-col-last-contact = Letzter Kontakt
caseload-col-im = Integrationsmanager:in
caseload-handover-unseen = Übergabe: bitte lesen
caseload-out-of-target-group = außerhalb Zielgruppe
caseload-days-left = { $days ->
    [one] noch 1 Tag
   *[other] noch { $days } Tage
}
caseload-days-overdue = { $days ->
    [one] seit 1 Tag überschritten
   *[other] seit { $days } Tagen überschritten
}
caseload-reassign-title = Fälle übergeben
caseload-reassign-hint = Wählen Sie oben in der Tabelle die Fälle aus, die eine andere Integrationsmanager:in übernehmen soll. Die neue Integrationsmanager:in sieht Ihre Notiz zuerst, wenn sie den Fall öffnet.
caseload-reassign-to = Übergeben an
caseload-handover-note = Übergabenotiz
caseload-handover-note-hint = Was muss die neue Integrationsmanager:in zuerst wissen? Keine Gesundheitsdaten.
caseload-reassign-submit = Ausgewählte Fälle übergeben
caseload-flash-reassigned = { $count ->
    [0] Keine Fälle übergeben (sie waren bereits dort zugeordnet).
    [one] 1 Fall übergeben.
   *[other] { $count } Fälle übergeben.
}
caseload-flash-reassigned-short = Fälle übergeben.
caseload-flash-filter-saved = Der Filter wurde gespeichert.
caseload-flash-filter-deleted = Der Filter wurde gelöscht.

## Fallseite

case-title = Fall { $number }
case-back-to-caseload = Zurück zur Fallliste
case-number = Fallnummer
case-facts = Angaben zum Fall
case-im = Integrationsmanager:in
case-opened-on = Eröffnet am
case-clock-start = Beginn der Begleitung
case-clock-end = Ende
case-clock-warn-from = Hinweis ab (30 Monate)
case-time-left = Restlaufzeit
case-extended = verlängert
case-clock-warning-text = Bitte planen Sie den Abschluss. Eine Verlängerung ist im begründeten Einzelfall bis höchstens { $date } möglich.
case-persons = Personen
case-handover-title = Übergabe: bitte zuerst lesen
case-handover-from = Übergeben von
case-handover-ack = Zur Kenntnis genommen
case-offers-title = Übergabe an die neue Stelle
case-offers-none = Keine Organisation betreut die neue Gemeinde. Bitte klären Sie die Weiterbetreuung mit der Kreisverwaltung.
case-offer-link = Übergabe-Zusammenfassung für { $organisation }
case-offer-no-release = { $organisation }: Es gibt keine gültige Schweigepflichtentbindung für diese Stelle, daher kann nichts übergeben werden.
case-snapshot-title = Stand beim Abschluss
case-snapshot-date = Festgehalten am { $date }.
case-snapshot-german = Deutsch bei Aufnahme
case-snapshot-housing = Wohnsituation
case-snapshot-outcomes = Erfasste Erfolge
case-pause-title = Fall ruhen lassen
case-pause-hint = Zum Beispiel bei einem längeren Auslandsaufenthalt. Die Frist läuft weiter.
case-paused-from = Ruht ab
case-pause-reason = Anlass (optional)
case-pause-submit = Ruhen lassen
case-resume-title = Fall wieder aufnehmen
case-resumed-on = Wieder aufgenommen am
case-resume-submit = Wieder aufnehmen
case-extend-title = Begleitung verlängern
case-extend-hint = Im begründeten Einzelfall höchstens auf 4 Jahre, also bis spätestens { $date }.
case-extended-until = Verlängern bis
case-extension-reason = Schriftliche Begründung
case-extension-reason-hint = Mindestens 30 Zeichen: Warum ist die Begleitung weiter nötig?
case-extend-submit = Verlängern
case-close-title = Fall abschließen
case-closed-on = Abgeschlossen am
case-closure-reason = Grund
case-closure-note = Notiz zum Abschluss
case-closure-note-hint = Nötig bei „Mangelnde Mitwirkung“ und „Beendet zum Selbstschutz“.
case-close-submit = Abschließen
case-move-title = Klient:in ist umgezogen
case-move-hint = Der Fall zieht nur mit, wenn Ihre Organisation die neue Gemeinde betreut. Sonst wird er als „Weggezogen“ abgeschlossen, und die Organisation, die die Gemeinde betreut, steht unten zur Übergabe bereit. Neben jeder Gemeinde steht, wer sie betreut.
case-moved-to = Neue Gemeinde
case-move-served-by = betreut von { $organisations }
case-move-served-by-none = von keiner Organisation betreut
case-moved-on = Umzug am
case-move-note = Notiz (optional)
case-move-submit = Umzug eintragen
case-share-title = Mit Kolleg:in teilen
case-share-hint = Zum Beispiel für eine Vertretung. Die Kolleg:in kann den Fall dann lesen und bearbeiten.
case-share-none = Es gibt keine weitere Integrationsmanager:in in Ihrer Organisation.
case-share-with = Kolleg:in
case-share-submit = Teilen
case-shared-with = Geteilt mit
case-unshare = Nicht mehr teilen
case-reopen-title = Fall wieder eröffnen
case-reopen-reason = Begründung
case-reopen-submit = Wieder eröffnen
case-pauses = Ruhezeiten
case-history = Verlauf
case-history-by = von
case-event-opened = Eröffnet
case-event-paused = Ruht
case-event-resumed = Wieder aufgenommen
case-event-extended = Verlängert
case-event-closed = Abgeschlossen
case-event-reopened = Wieder eröffnet
case-event-moved = Umgezogen
case-event-shared = Geteilt
case-event-unshared = Nicht mehr geteilt
case-event-restricted = Verarbeitung eingeschränkt (Art. 18)
case-event-restriction_lifted = Einschränkung der Verarbeitung aufgehoben
case-event-reassigned = Übergeben
case-event-extended-until = bis { $date }
case-event-was-closed = zuvor abgeschlossen am { $date }
case-flash-paused = Der Fall ruht.
case-flash-resumed = Der Fall ist wieder aktiv.
case-flash-extended = Die Begleitung wurde verlängert.
case-flash-closed = Der Fall wurde abgeschlossen.
case-flash-reopened = Der Fall wurde wieder eröffnet.
case-flash-moved = Der Umzug wurde eingetragen; der Fall bleibt bei Ihnen.
case-flash-moved-closed = Der Umzug wurde eingetragen und der Fall als „Weggezogen“ abgeschlossen, weil Ihre Organisation die neue Gemeinde nicht betreut. Unter „Übergabe an die neue Stelle“ steht, wer sie betreut.
case-flash-shared = Der Fall wurde geteilt.
case-flash-unshared = Der Fall wird nicht mehr geteilt.
case-flash-handover-seen = Die Übergabenotiz ist als gelesen markiert.

## Übergabe-Zusammenfassung

case-summary-title = Übergabe-Zusammenfassung
case-summary-back = Zurück zum Fall
case-summary-refused-text = Eine Zusammenfassung gibt es nur mit einer gültigen Schweigepflichtentbindung für diese Stelle, die den Verlauf der Beratung umfasst.
case-summary-for = Für
case-summary-from = Von
case-summary-prepared-by = Erstellt von
case-summary-released-only = Enthalten sind nur die Daten, für die eine gültige Schweigepflichtentbindung vorliegt. Gesundheitsdaten werden nie übergeben.
case-summary-person = Person
released-field-name = Name
released-field-birth = Geburtsdatum oder -jahr
released-field-nationality = Staatsangehörigkeit
released-field-address = Anschrift
released-field-phone = Telefon
released-field-email = E-Mail
released-field-residence_status = Aufenthaltsstatus
released-field-residence_valid_until = gültig bis
released-field-languages = Sprachen
released-field-german_level = Deutschkenntnisse
released-field-german_certificate = Zertifikat
released-field-school = Schule
released-field-vocational = Ausbildung
released-field-profession = Beruf
released-field-work_experience = Berufserfahrung
released-field-interests = Interessen
released-field-housing = Wohnsituation
released-field-benefits = Leistungen
released-field-relation = Stellung im Haushalt
released-field-case_number = Fallnummer
released-field-case_opened_on = Eröffnet am
released-field-clock_start = Beginn der Begleitung
released-field-case_closed_on = Abgeschlossen am
case-title-named = { $name } – Fall { $number }

# The case workspace (decision 0029)
case-ws-persons = Personen
case-ws-languages = Sprachen
case-ws-interpreter = Dolmetschung
case-ws-consent = Einwilligung
case-ws-no-consent = ohne Einwilligung nicht gezeigt
case-consent-active = seit { $date }
case-consent-none = keine Einwilligung
case-age = { $years ->
    [one] 1 Jahr
   *[other] { $years } Jahre
}
case-releases-active = { $count ->
    [0] keine gültige Schweigepflichtentbindung
    [one] 1 gültige Schweigepflichtentbindung
   *[other] { $count } gültige Schweigepflichtentbindungen
}
case-ws-until = Ende
case-ws-next-review = Nächste Fortschreibung
case-ws-open = Offen
case-ws-followups-open = { $count ->
    [0] keine Wiedervorlage
    [one] 1 Wiedervorlage
   *[other] { $count } Wiedervorlagen
}
case-ws-referrals-pending = { $count ->
    [0] keine offene Vermittlung
    [one] 1 offene Vermittlung
   *[other] { $count } offene Vermittlungen
}
case-ws-goals = Offene Ziele
case-ws-plan-no-consent = Die Einwilligung der Klientin oder des Klienten deckt den Integrationsplan nicht; seine Ziele werden nicht gezeigt.
case-ws-no-goals = Noch kein Ziel vereinbart.
case-ws-no-open-goals = Alle Ziele sind abgeschlossen.
case-ws-target = Ziel bis { $date }
case-ws-no-open-steps = Kein offener Schritt.
case-ws-next-step = Nächster Schritt
case-ws-due = bis { $date }
case-ws-more-steps = { $count ->
    [one] und 1 weiterer Schritt
   *[other] und { $count } weitere Schritte
}
case-ws-contacts = Letzte Kontakte
case-ws-no-contacts = Noch kein Kontakt erfasst.
case-ws-with-interpreter = mit Dolmetschung { $language }
case-ws-all-contacts = { $count ->
    [0] Verlauf des Falls
    [one] Verlauf des Falls (1 Kontakt)
   *[other] Verlauf des Falls (alle { $count } Kontakte)
}
case-ws-everyday = Alltägliches
case-ws-followup-new = Wiedervorlage setzen
case-ws-goal-new = Ziel hinzufügen
case-more-actions = Weitere Aktionen
case-back-to-case = Zurück zum Fall
case-action-title = { $action } – { $name }
case-action-cancel = Abbrechen und zurück zum Fall
