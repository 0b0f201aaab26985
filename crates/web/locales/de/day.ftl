# The working day on the start page, and the administrator's settings for the casework.

day-title = Ihr Arbeitstag: { $date }
day-intro = Was heute zu tun ist, in Ihren Fällen. Überfälliges steht jeweils oben.
day-go-caseload = Zur Fallliste
day-followups = Wiedervorlagen
day-steps = Fällige Schritte im Integrationsplan
day-reviews = Fällige Fortschreibungen
day-contacts = Kontakt überfällig
day-clock = Fälle ab 30 Monaten
day-releases = Schweigepflichtentbindungen laufen ab
day-residence = Aufenthaltstitel laufen ab
day-consent = Einwilligung widerrufen: Aufnahmedaten ausgeblendet
day-referrals = Vermittlungen noch offen
day-count = { $count ->
    [one] 1 Eintrag
   *[other] { $count } Einträge
}
day-overdue-count = davon { $count } überfällig
day-nothing = Nichts fällig.
day-overdue = überfällig
day-due-on = fällig am { $date }
day-overdue-since = fällig seit { $date }
day-contact-due-since = Kontakt fällig seit { $date }
day-last-contact = letzter Kontakt am { $date }
day-no-contact = noch kein Kontakt
day-ends-on = 3 Jahre enden am { $date }
day-ended-on = 3 Jahre endeten am { $date }
day-valid-until = gültig bis { $date }
day-expired-on = abgelaufen am { $date }
day-withdrawn-on = widerrufen am { $date }
day-referred-on = vermittelt am { $date }
day-team-title = Ihr Team heute
day-team-intro = Zahlen je Integrationsmanager:in, ohne Namen von Klient:innen – um die Fallzahlen auszugleichen.
day-team-empty = In Ihrem Team gibt es noch keine Integrationsmanager:innen.
day-team-im = Integrationsmanager:in
day-team-active = Aktive Fälle
day-team-followups = Wiedervorlagen überfällig
day-team-steps = Schritte überfällig
day-team-reviews = Fortschreibungen fällig
day-team-contacts = Kontakt überfällig
day-team-clock = Fälle ab 30 Monaten

rules-casework = Fallarbeit
rules-title = Arbeitsregeln
rules-intro = Diese Regeln gelten für alle Organisationen: wann Integrationspläne fortgeschrieben werden, wie oft Kontakt fällig ist und wie früh vor Fristen gewarnt wird.
rules-range = Erlaubt: { $range }.
rules-back = Zurück zur Verwaltung
rules-review-interval-months = Fortschreibung alle … Monate
rules-review-interval-months-hint = Abstand zwischen zwei Fortschreibungen eines Integrationsplans, sofern der Plan keinen eigenen Abstand hat.
rules-contact-first-phase-months = Anfangsphase in Monaten
rules-contact-first-phase-months-hint = So lange nach Fallbeginn gilt der kürzere Kontaktabstand.
rules-contact-first-phase-days = Kontakt in der Anfangsphase alle … Tage
rules-contact-first-phase-days-hint = Zum Beispiel 7 für wöchentlichen Kontakt.
rules-contact-later-days = Kontakt danach alle … Tage
rules-contact-later-days-hint = Zum Beispiel 31 für monatlichen Kontakt.
rules-expiry-warning-days = Vorwarnzeit in Tagen
rules-expiry-warning-days-hint = So viele Tage vorher erscheinen ablaufende Schweigepflichtentbindungen, Aufenthaltstitel und Fortschreibungen im Arbeitstag.
rules-referral-pending-days = Offene Vermittlungen nach Tagen
rules-referral-pending-days-hint = Eine Vermittlung, die so viele Tage nach ihrem Datum noch offen ist, erscheint im Arbeitstag.

fields-title = Handlungsfelder
fields-intro = Die Handlungsfelder, denen Ziele und Gesprächsthemen zugeordnet werden. Deaktivierte Felder werden nicht mehr angeboten; bestehende Ziele behalten ihren Namen.
fields-position = Reihenfolge (Zahl)
fields-label-de = Name (Deutsch)
fields-label-en = Name (Englisch)
fields-exchange = Gemeldet als
fields-key = Schlüssel
fields-choose = Bitte wählen
fields-new = Neues Handlungsfeld
fields-new-intro = Jedes Handlungsfeld wird in Kennzahlen und Exporten unter einem der landesweiten Handlungsfelder gemeldet. Der Schlüssel wird aus dem deutschen Namen gebildet.
fields-active = Wird angeboten (aktiv)
fields-back = Zurück zu den Handlungsfeldern
field-edit-title = Handlungsfeld bearbeiten
field-edit-intro = Schlüssel und Meldefeld bleiben fest, damit bestehende Ziele und Kennzahlen stimmen.
