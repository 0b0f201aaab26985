## Consent (Einwilligung), its scan and withdrawal

consent-person = Person
consent-back-to-record = Zurück zur Akte
consent-back-to-consent = Zurück zur Einwilligung
consent-new-title = Einwilligung erfassen
consent-title = Einwilligung
consent-none-yet = Für diese Person ist noch keine Einwilligung erfasst. Bis dahin dürfen nur die Mindestdaten gespeichert werden.
consent-already-active = Es gibt bereits eine gültige Einwilligung vom { $date }. Erfassen Sie eine neue nur, wenn die Person eine neue Fassung unterschrieben hat.
consent-was-withdrawn = Die letzte Einwilligung wurde am { $date } widerrufen. Die freiwilligen Angaben sind seitdem ausgeblendet.
consent-about-title = Worum geht es bei der Einwilligung?
consent-about-intro = Mit der Einwilligung erlaubt die Person, dass wir mehr als die Mindestdaten speichern und für ihre Begleitung nutzen. Die Einwilligung ist freiwillig. Die Person bekommt das Formular in einer Sprache, die sie versteht, und unterschreibt es.
consent-about-data = Welche Daten: Sprachen und Deutschkenntnisse, Schule, Ausbildung und Arbeit, Familie und Haushalt, Aufenthaltsstatus, Wohnsituation, Leistungsbezug, Kontaktdaten und – nur wenn nötig – Angaben zur Gesundheit (besonders geschützt).
consent-about-purpose = Wozu: für die Begleitung im Integrationsmanagement und den gemeinsamen Integrationsplan.
consent-about-recipients = Wer sie sieht: nur die Integrationsmanagerin oder der Integrationsmanager der Person. Andere Stellen bekommen Daten nur mit einer eigenen Schweigepflichtentbindung.
consent-about-retention = Wie lange: solange die Begleitung dauert; danach werden die Daten nach festen Fristen gelöscht.
consent-about-withdraw = Widerruf: jederzeit und ohne Nachteile für die Beratung.
consent-about-minimum = Ohne Einwilligung dürfen nur die Mindestdaten gespeichert werden: Name, Geburtsjahr, Gemeinde, Einzug in die Anschlussunterbringung und Zielgruppe.
consent-print-link = Einwilligungsformular drucken (Deutsch und Sprache der Person)
consent-record-heading = Unterschriebene Einwilligung erfassen
consent-field-text-version = Fassung des Einwilligungstextes
consent-field-text-version-hint = Steht unten auf dem gedruckten Formular.
consent-field-language = Sprache des unterschriebenen Formulars
consent-choose = Bitte wählen
consent-field-given-on = Unterschrieben am
consent-field-form = Wie wurde die Einwilligung gegeben?
consent-field-scan = Scan des unterschriebenen Formulars
consent-field-scan-hint = PDF, JPEG oder PNG, höchstens { $mb } MB. Sie können den Scan auch später hinzufügen.
consent-field-scan-hint-later = PDF, JPEG oder PNG, höchstens { $mb } MB.
consent-scan-choose-again = Aus Sicherheitsgründen muss die Datei nach einem Fehler erneut ausgewählt werden.
consent-submit = Einwilligung speichern
consent-state = Stand
consent-state-active = gültig
consent-state-withdrawn = widerrufen am { $date }
consent-state-not-yet = noch nicht gültig
consent-scan-download = Scan herunterladen
consent-scan-missing = Noch kein Scan gespeichert.
consent-scan-add = Scan hinzufügen
consent-scan-submit = Scan hochladen
consent-withdraw-link = Einwilligung widerrufen …
consent-withdraw-title = Einwilligung widerrufen
consent-withdraw-of = Einwilligung vom { $date }
consent-withdraw-means = Was der Widerruf bedeutet
consent-withdraw-explain = Die freiwilligen Angaben werden ausgeblendet und nicht mehr verarbeitet; nur die Mindestdaten bleiben gespeichert (Name, Geburtsjahr, Gemeinde, Einzug in die Anschlussunterbringung, Zielgruppe).
consent-withdraw-explain-releases = Ab dem Widerruf dürfen keine Daten mehr an andere Stellen weitergegeben werden, auch nicht mit einer Schweigepflichtentbindung.
consent-withdraw-explain-past = Was vor dem Widerruf verarbeitet wurde, bleibt rechtmäßig.
consent-withdraw-explain-counselling = Die Beratung kann weitergehen – der Widerruf hat für die Person keine Nachteile.
consent-field-withdrawn-on = Widerrufen am
consent-field-withdrawal-note = Notiz zum Widerruf
consent-field-withdrawal-note-hint = Freiwillig, z. B. „mündlich in der Sprechstunde erklärt“. Keine Gründe der Person erfragen.
consent-withdraw-submit = Widerruf speichern
consent-flash-recorded = Die Einwilligung ist gespeichert.
consent-flash-scan-added = Der Scan ist gespeichert.
consent-flash-withdrawn = Der Widerruf ist gespeichert. Die freiwilligen Angaben sind ausgeblendet.

## Releases from confidentiality (Schweigepflichtentbindungen)

release-new-title = Schweigepflichtentbindung erfassen
release-title = Schweigepflichtentbindung
release-about = Eine Schweigepflichtentbindung erlaubt, bestimmte Daten an eine bestimmte Stelle weiterzugeben – nur für den genannten Zweck und Zeitraum. Die Person kann sie jederzeit widerrufen.
release-needs-consent = Ohne gültige Einwilligung kann keine Schweigepflichtentbindung gespeichert werden.
release-record-consent-link = Einwilligung erfassen
release-field-recipient = Empfänger
release-recipient-other = Andere Stelle (Name unten eingeben)
release-field-recipient-name = Name der Stelle
release-field-recipient-name-hint = Nur bei „Andere Stelle“, z. B. „Jobcenter Neckartal“.
release-field-recipient-category = Art der Stelle
release-field-categories = Welche Daten dürfen weitergegeben werden?
release-field-categories-hint = Nur ankreuzen, was für den Zweck nötig ist.
release-special-category = Art. 9 DSGVO: nur wenn für den Zweck unbedingt nötig
release-field-purpose = Zweck
release-field-purpose-hint = Wofür braucht die Stelle die Daten? Zum Beispiel: „Vermittlung in einen Sprachkurs“.
release-field-valid-from = Gültig ab
release-field-valid-until = Gültig bis
release-field-valid-until-hint = Leer lassen, wenn sie bis zum Widerruf gelten soll.
release-field-direction = Richtung
release-one-way = Nur wir informieren die Stelle
release-mutual = Gegenseitig: beide Seiten dürfen sich austauschen
release-submit = Schweigepflichtentbindung speichern
release-state = Stand
release-until-revoked = bis auf Widerruf
release-revoked-on = Widerrufen am
release-print-link = Formular drucken (Deutsch und Sprache der Person)
release-revoke-heading = Widerrufen
release-revoke-explain = Ab dem Datum des Widerrufs dürfen keine Daten mehr an diese Stelle gehen.
release-field-revoked-on = Widerrufen am
release-revoke-submit = Widerruf speichern
release-flash-recorded = Die Schweigepflichtentbindung ist gespeichert.
release-flash-revoked = Der Widerruf ist gespeichert.

## Printable forms

forms-title = Formulare drucken
forms-intro = Die Formulare enthalten den deutschen Text und daneben den Text in der Sprache der Person. Unterschrieben wird das gedruckte Formular.
forms-review-explain = „Übersetzung nicht geprüft“ heißt: Der Text wurde noch nicht von einer qualifizierten Übersetzerin oder einem Übersetzer geprüft. Verbindlich ist der deutsche Text; erklären Sie ihn im Zweifel mit einer Dolmetscherin oder einem Dolmetscher.
forms-languages = Sprachen der Formulare
forms-language = Sprache
forms-review = Übersetzung
forms-consent = Einwilligung
forms-release = Schweigepflichtentbindung
forms-with-german = mit Deutsch
forms-reviewed = Übersetzung geprüft
forms-source-text = Originaltext
forms-not-reviewed = Übersetzung nicht geprüft
forms-consent-pdf = Einwilligung (PDF)
forms-release-pdf = Schweigepflichtentbindung (PDF)
forms-no-releases = Für diese Person ist noch keine Schweigepflichtentbindung erfasst.
forms-new-release = Schweigepflichtentbindung erfassen

## Data-subject requests (data-protection officer)

privacy-title = Betroffenenanfragen
privacy-intro = Suchen Sie eine Person für eine Anfrage der betroffenen Person (z. B. Auskunft nach Art. 15 DSGVO). Name und Geburtsjahr sind nötig; der Anlass wird mit jeder Öffnung gespeichert und protokolliert.
privacy-field-name = Vollständiger Name (Vor- und Familienname, beliebige Schreibweise)
privacy-field-birth-year = Geburtsjahr
privacy-field-reason = Anlass
privacy-field-reason-hint = Zum Beispiel „Auskunftsersuchen nach Art. 15 DSGVO vom 12.11.2026“.
privacy-search = Suchen
privacy-hits = { $count ->
    [0] Keine Treffer
    [one] Ein Treffer
   *[other] { $count } Treffer
}
privacy-no-hits = Keine Person gefunden. Prüfen Sie andere Schreibweisen oder das Geburtsjahr.
privacy-name = Name
privacy-birth-year = Geburtsjahr
privacy-open = Akte für die Anfrage öffnen
privacy-new-search = Neue Suche
privacy-record-title = Akte für eine Betroffenenanfrage
privacy-record-notice = Geöffnet für den Anlass:
privacy-minimum = Mindestdaten
privacy-name-original = Name in Originalschrift
privacy-municipality = Gemeinde
privacy-au-move-in = Einzug in die Anschlussunterbringung
privacy-target-group = Zielgruppe
privacy-case-numbers = Fallnummern
privacy-reasons = Bisherige Anfragen
privacy-when = Zeitpunkt
privacy-who = Wer
privacy-reason = Anlass
privacy-access-log = Zugriffe auf die Akte
privacy-access-log-intro = Wer wann auf die Akte oder ihre Fälle zugegriffen hat, mit Aktion, Bereich und Ergebnis – ohne Inhalte.
privacy-access-count = { $count ->
    [one] Ein Zugriff
   *[other] { $count } Zugriffe
}
privacy-action = Aktion
privacy-section = Bereich
privacy-outcome = Ergebnis
privacy-unknown-actor = unbekannt/System
privacy-allowed = erlaubt
privacy-denied = abgewiesen
