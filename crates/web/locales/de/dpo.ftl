# The data-protection officer's desk (issue 25, decision 0024): the overview, the register of
# processing activities (Art. 30 DSGVO) and the reports from the protocol.

dpo-desk-title = Datenschutz
dpo-desk-intro = Alle Werkzeuge der oder des Datenschutzbeauftragten an einem Ort. Jede Öffnung wird protokolliert; die Berichte zeigen Namen von Beschäftigten und Nummern von Objekten, nie Inhalte der Daten einer Person.
dpo-desk-requests = Anfragen betroffener Personen
dpo-desk-lookup-hint = eine Person für eine Anfrage finden (Auskunft, Löschung, Einschränkung)
dpo-desk-documentation = Dokumentation
dpo-desk-register-hint = aus der Konfiguration erzeugt, druckbar
dpo-desk-reports = Berichte
dpo-desk-audit-log = Protokoll durchsuchen

dpo-report-accesses-title = Zugriffe je beschäftigter Person
dpo-report-accesses-intro = Lesende und ändernde Zugriffe auf Daten von Personen im Zeitraum, je beschäftigter Person, mit der Zahl der verschiedenen Personen. Gezählt werden erlaubte Protokolleinträge, die eine Person nennen.
dpo-report-unusual-title = Ungewöhnlich viele Zugriffe
dpo-report-unusual-intro = Beschäftigte, die im Zeitraum viel mehr verschiedene Personenakten geöffnet haben als sonst – verglichen mit ihren eigenen früheren Zeiträumen und mit den Kolleginnen und Kollegen.
dpo-report-denied-title = Abgewiesene Zugriffe
dpo-report-denied-intro = Was Beschäftigte im Zeitraum versucht haben und abgewiesen wurde: Aktion, Art und Nummer des Objekts, Anzahl.
dpo-report-retention-title = Sperren und Löschungen
dpo-report-retention-intro = Die Löschläufe im Zeitraum mit ihren Zahlen und die gesetzten und aufgehobenen Löschsperren.

dpo-period = Zeitraum
dpo-period-from = Erster Tag
dpo-period-to = Letzter Tag
dpo-period-show = Anzeigen
dpo-period-shown = Zeitraum: { $from } bis { $to }
dpo-report-empty = Im Zeitraum nichts gefunden.
dpo-staff-count = { $count ->
    [one] Eine beschäftigte Person
   *[other] { $count } Beschäftigte
}
dpo-staff = Beschäftigte Person
dpo-reads = Lesende Zugriffe
dpo-changes = Ändernde Zugriffe
dpo-persons = Verschiedene Personen
dpo-unusual-rule = Regel: Markiert wird, wer im Zeitraum mindestens { $floor } verschiedene Personen geöffnet hat und mehr als { $factor }-mal so viele wie üblich – üblich ist der Median der eigenen { $history } vorherigen Zeiträume gleicher Länge („eigener Median“) oder der Median aller Beschäftigten mit Zugriffen im Zeitraum („Median aller“). Bei einer geraden Zahl von Werten gilt der kleinere der beiden mittleren.
dpo-own-median = Eigener Median
dpo-peer-median = Median aller
dpo-flag = Auffällig?
dpo-flagged = Auffällig
dpo-flag-own = über dem Eigenen
dpo-flag-peers = über den anderen
dpo-not-flagged = nein
dpo-denied-count = { $count ->
    [one] Ein abgewiesener Versuch
   *[other] { $count } abgewiesene Versuche (gruppiert)
}
dpo-tried = Versucht
dpo-times = Anzahl
dpo-runs = Löschläufe
dpo-cases-erased = Gelöschte Fälle
dpo-persons-erased = Gelöschte Personen
dpo-holds-placed = Gesetzte Löschsperren
dpo-holds-lifted = Aufgehobene Löschsperren
dpo-runs-deployment = Ein Löschlauf gilt für die ganze Installation; die Sperren zählen nur Fälle in Ihrem Bereich. Die einzelnen Sperren mit Grund:
dpo-run-day = Tag
dpo-audit-removed = Gelöschte Protokolleinträge
dpo-facts-removed = Gelöschte Kennzahl-Fakten

error-period-order = Das Ende liegt vor dem Anfang des Zeitraums.
error-period-too-long = Der Zeitraum ist länger als zehn Jahre.

register-title = Verzeichnis der Verarbeitungstätigkeiten
register-generated = Erzeugt am { $at } aus der aktuellen Konfiguration.
register-intro = Das Verzeichnis nach Art. 30 DSGVO wird bei jedem Aufruf aus der Konfiguration und den gespeicherten Freigaben erzeugt, damit es nicht veraltet.
register-print-view = Druckansicht
register-controller = Verantwortliche
register-purposes = Zwecke der Verarbeitung
register-purpose-casework = Integrationsmanagement: Beratung und Begleitung Geflüchteter in der Anschlussunterbringung (Fallführung, Integrationsplan, Kontakte, Wiedervorlagen).
register-purpose-releases = Weitergabe an andere Stellen nur mit einer Schweigepflichtentbindung der Person.
register-purpose-figures = Kennzahlen für die Förderung, ohne Namen.
register-purpose-rights = Wahrung der Rechte betroffener Personen (Auskunft, Löschung, Einschränkung) und Nachweis der Zugriffe.
register-data = Kategorien von Daten
register-data-intro = Welche Daten verarbeitet werden und wann (Entscheidung 0012: was die Einwilligung abdeckt).
register-data-minimum = Mindestangaben
register-data-minimum-basis = Namen, Geburt, Gemeinde, Einzug, Zielgruppe, Haushalt; die Verwaltung des Falls. Immer (gesetzliche Aufgabe).
register-data-proof = Nachweise
register-data-proof-basis = Einwilligungen und Schweigepflichtentbindungen selbst. Immer.
register-data-intake = Freiwillige Angaben
register-data-intake-basis = Sprachen, Bildung, Arbeit, Aufenthalt, Wohnen, Leistungen, Kontakt. Nur mit Einwilligung.
register-data-health = Gesundheit (besondere Kategorie, Art. 9 DSGVO)
register-data-health-basis = Nur mit Einwilligung; verschlüsselt gespeichert.
register-data-outcomes = Ergebnisse
register-data-outcomes-basis = Sprachniveau, Arbeit, Mietvertrag. Nur mit Einwilligung.
register-data-plan = Integrationsplan
register-data-plan-basis = Ziele, Schritte, Überprüfungen, unterschriebene Fassungen. Nur mit Einwilligung.
register-data-sharing = Weitergaben
register-data-sharing-basis = Weitergabe unter einer Schweigepflichtentbindung. Nur mit Einwilligung.
register-data-documents = Unterlagen der Person
register-data-documents-basis = Briefe, Bescheide, Zeugnisse. Nur mit Einwilligung; verschlüsselt gespeichert.
register-special = Besonders geschützte Inhalte
register-special-intro = Diese Spalten werden verschlüsselt gespeichert (Gesundheit und alle Freitexte, Entscheidung 0011):
register-recipients = Empfänger
register-recipients-intro = Aus den gespeicherten Schweigepflichtentbindungen: Organisationen dieser Installation mit Namen, andere Stellen nach ihrer Art (der eingegebene Name kann eine Privatperson sein und erscheint hier nicht).
register-recipients-none = Noch keine Schweigepflichtentbindung gespeichert.
register-recipients-caption = Empfänger nach Zahl der Freigaben
register-recipient = Empfänger
register-releases = Freigaben
register-persons = Personen
register-recipient-uncategorised = Andere Stelle ohne Angabe der Art
register-directory-missing = Ein Verzeichnis der Dienste und Stellen gibt es noch nicht; die Empfänger stammen allein aus den gespeicherten Freigaben.
register-retention = Löschfristen
register-retention-caption = Löschfristen wie eingestellt
register-retention-class = Art der Daten
register-retention-months = Monate
register-retention-sessions = Anmeldungen und Sperrzähler
register-retention-sessions-value = bis zum Ablauf
register-measures = Technische und organisatorische Maßnahmen
register-measure-encryption = Verschlüsselung ruhender Daten
register-measure-encryption-value = { $count ->
    [one] Eine Spalte mit besonders geschützten Inhalten wird verschlüsselt (XChaCha20-Poly1305); der Schlüssel liegt außerhalb der Datenbank.
   *[other] { $count } Spalten mit besonders geschützten Inhalten werden verschlüsselt (XChaCha20-Poly1305); der Schlüssel liegt außerhalb der Datenbank.
}
register-measure-audit = Manipulationssicheres Protokoll
register-measure-audit-intact = Jeder Zugriff wird mit einer Prüfkette protokolliert; zuletzt geprüft am { $at }: unversehrt.
register-measure-audit-broken = Jeder Zugriff wird mit einer Prüfkette protokolliert; zuletzt geprüft am { $at }: GEBROCHEN.
register-measure-audit-never = Jeder Zugriff wird mit einer Prüfkette protokolliert; noch nie geprüft.
register-measure-access = Zugriffsregeln
register-measure-access-value = Rollen mit Zugriff nach dem Need-to-know-Prinzip (Daten einer Person nur für die zuständige Integrationsmanagerin oder den zuständigen Integrationsmanager). Aktive Konten je Rolle:
register-measure-sessions = Anmeldungen
register-measure-sessions-value = Abmeldung nach { $idle } Minuten ohne Aktivität, spätestens nach { $hours } Stunden.
register-measure-backups = Sicherungen
register-measure-backups-value = Sicherungen richtet der Betrieb außerhalb der Anwendung ein (Betriebshandbuch); sie enthalten gelöschte Daten bis zu ihrem Ablauf und sollen nicht länger als die kürzeste Löschfrist aufbewahrt werden.
