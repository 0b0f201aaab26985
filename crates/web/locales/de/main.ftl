# ankommen — Benutzeroberfläche, Deutsch (Quellsprache)

## Rahmen
skip-to-content = Zum Inhalt springen
demo-banner = Demo-Modus: Alle Daten sind erfunden und werden bei jedem Start zurückgesetzt.
nav-label = Hauptnavigation
nav-home = Start
nav-admin = Verwaltung
nav-audit = Protokoll
nav-account = Mein Konto
signed-in-as = Angemeldet als
search-label = Klient:in oder Fallnummer suchen
search-placeholder = Name oder Fallnummer
search-submit = Suchen
logout = Abmelden
form-has-errors = Bitte prüfen Sie Ihre Eingaben
error-ref-label = Referenz
back-to-start = Zur Startseite
save = Speichern
create = Anlegen
choose = Bitte wählen
none = – keine –
all = Alle
filter = Filtern
actions = Aktionen

## Fehlerseiten
error-page-not-found = Nicht gefunden
error-page-not-found-text = Diese Seite oder dieser Eintrag existiert nicht, oder Sie haben keinen Zugriff darauf.
error-page-forbidden = Keine Berechtigung
error-page-forbidden-text = Diese Aktion ist für Ihre Rolle nicht vorgesehen. Der Versuch wurde protokolliert.
error-page-invalid = Ungültige Eingabe
error-page-invalid-text = Die Anfrage konnte nicht verarbeitet werden. Bitte gehen Sie zurück und versuchen Sie es erneut.
error-page-conflict = Konflikt
error-page-conflict-text = Der Eintrag wurde inzwischen geändert oder steht im Widerspruch zu vorhandenen Daten.
error-page-internal = Interner Fehler
error-page-internal-text = Es ist ein interner Fehler aufgetreten. Bitte nennen Sie dem Support die Referenz.
error-page-csrf = Sicherheitsprüfung fehlgeschlagen
error-page-csrf-text = Das Formular war veraltet oder kam nicht von dieser Seite. Bitte laden Sie die Seite neu und versuchen Sie es erneut.

## Anmeldung
login-title = Anmelden
login-username = Benutzername
login-password = Passwort
login-submit = Anmelden
login-failed = Benutzername oder Passwort ist falsch.
login-busy = Gerade melden sich sehr viele gleichzeitig an. Bitte versuchen Sie es in einigen Sekunden noch einmal.
login-throttled = { $minutes ->
    [one] Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in einer Minute erneut.
   *[other] Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in { $minutes } Minuten erneut.
}
login-timed-out = Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.

## Einrichtung und Passwort
setup-bootstrap-title = ankommen einrichten
setup-bootstrap-intro = Legen Sie den Namen des Landkreises oder der Stadt, die Kreisverwaltung und das erste Administrationskonto an.
setup-deployment-name = Landkreis oder Stadt
setup-organisation-name = Name der Kreisverwaltung (Landratsamt)
setup-password-title = Passwort festlegen
setup-password-intro = Legen Sie ein Passwort für { $name } fest.
password-rules = Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist sicher und gut zu merken.
field-new-password = Neues Passwort
field-new-password-confirm = Neues Passwort wiederholen
field-current-password = Aktuelles Passwort

## Start
home-title = Übersicht
home-profile = Ihr Profil
home-count-organisations = { $count ->
    [one] eine Organisation
   *[other] { $count } Organisationen
}
home-count-teams = { $count ->
    [one] ein Team
   *[other] { $count } Teams
}
home-count-staff = { $count ->
    [one] eine aktive Person
   *[other] { $count } aktive Personen
}
home-count-pending = { $count ->
    [one] eine Person ohne Passwort
   *[other] { $count } Personen ohne Passwort
}
home-go-admin = Zur Verwaltung
home-dpo-text = Wer hat wann worauf zugegriffen: Das Protokoll zeigt alle Zugriffe und Änderungen, nie Inhalte.
home-dpo-denied = Abgewiesene Zugriffe ansehen
home-work = Fallarbeit
home-work-text = Ihre Klientinnen und Klienten, Integrationspläne und Termine erscheinen hier, sobald die Fallverwaltung eingerichtet ist.
home-team = Ihr Team
home-coverage = Versorgung der Gemeinden
home-coverage-text = Wie viele Integrationsmanager:innen welcher Anzahl von Organisationen jede Gemeinde betreuen.
home-coverage-organisations = Organisationen
home-coverage-ims = Integrationsmanager:innen

## Felder
field-organisation = Organisation
field-team = Team
field-roles = Rollen
field-role = Rolle
field-municipalities = Gemeinden
field-municipalities-served = Betreute Gemeinden
field-municipality = Gemeinde
field-ags = AGS
field-ags-long = Amtlicher Gemeindeschlüssel (AGS, 8 Ziffern)
field-name = Name
field-display-name = Name
field-username = Benutzername
field-email = E-Mail
field-fte = Stellenanteil (z. B. 0,75)
field-language = Sprache der Oberfläche
field-kind = Art
field-status = Status
field-team-name = Name des Teams
status-active = aktiv
status-inactive = deaktiviert
status-pending = Passwort noch nicht gesetzt

## Rollen und Organisationsarten
role-im = Integrationsmanagement
role-team-lead = Teamleitung
role-coordinator = Koordination (Kreis)
role-municipal-officer = Integrationsbeauftragte:r der Gemeinde
role-admin = Administration
role-dpo = Datenschutz
org-kind-county-office = Kreisverwaltung
org-kind-municipality = Gemeinde
org-kind-provider = Träger

## Mein Konto
account-title = Mein Konto
account-language = Sprache
account-password = Passwort ändern
account-change-password = Passwort ändern
sessions-title = Meine Sitzungen
sessions-intro = Hier sehen Sie, wo Sie angemeldet sind. Beenden Sie Sitzungen, die Sie nicht kennen, und ändern Sie dann Ihr Passwort.
sessions-browser = Browser
sessions-started = Angemeldet am
sessions-last-seen = Zuletzt aktiv
sessions-expires = Endet spätestens
sessions-this = diese Sitzung
sessions-end = Beenden

## Verwaltung
admin-title = Verwaltung
admin-own-organisation = Eigene Organisation
organisations-title = Organisationen
organisation-new = Neue Organisation
organisation-edit = Organisation bearbeiten
organisation-municipality-hint = Nur für Gemeinden, die selbst Personal beschäftigen.
organisation-staff-link = Personen dieser Organisation
municipalities-title = Gemeinden
municipalities-intro = Die Gemeinden des Kreises mit ihrem amtlichen Gemeindeschlüssel.
municipality-new = Neue Gemeinde
municipality-edit-title = Gemeinde bearbeiten
teams-title = Teams
teams-none = Noch keine Teams.
team-new = Neues Team
team-edit-title = Team bearbeiten
back-to-organisation = Zurück zur Organisation
service-areas-title = Betreute Gemeinden (Versorgungsgebiet)
service-areas-intro = Nur in diesen Gemeinden betreuen die Personen der Organisation Klient:innen und nehmen neue auf. Zieht jemand in eine Gemeinde, die die Organisation nicht betreut, wird der Fall abgeschlossen und an eine dort zuständige Organisation übergeben.
service-areas-none = Diese Organisation betreut noch keine Gemeinde.
service-area-from = Ab
service-area-until = Bis
service-area-current = betreut
service-area-future = beginnt später
service-area-ended = beendet
service-area-new = Gemeinde hinzufügen
service-area-add = Gemeinde hinzufügen
service-area-end-title = Betreuung einer Gemeinde beenden
service-area-end-hint = Ab dem Tag danach nimmt die Organisation dort niemanden mehr auf. Laufende Fälle bleiben, bis sie übergeben oder abgeschlossen sind.
service-area-since = seit { $date }
service-area-last-day = Letzter Tag der Betreuung
service-area-end = Betreuung beenden
staff-municipalities-hint = Nur Gemeinden, die die Organisation der Person betreut (siehe Seite der Organisation).
staff-move-hint = Wechselt die Person in eine andere Organisation, darf sie dort keine Fälle der bisherigen mehr haben: Die Teamleitung übergibt sie vorher. Mit dem Wechsel enden ihre Freigaben und Sitzungen; das bisherige Team und Gemeinden, die die neue Organisation nicht betreut, werden entfernt.
staff-title = Personen
staff-new-title = Neue Person
staff-search = Name oder Benutzername
staff-include-inactive = auch deaktivierte
staff-count = { $count ->
    [one] eine Person
   *[other] { $count } Personen
}
staff-setup-link = Einmal-Link zum Festlegen des Passworts
staff-setup-link-text = Geben Sie diesen Link der Person auf sicherem Weg weiter. Er gilt 72 Stunden und nur einmal. Er wird nicht noch einmal angezeigt.
staff-deactivate-hint = Deaktivierte Personen können sich sofort nicht mehr anmelden; ihre Einträge bleiben erhalten.
staff-access = Zugang
staff-has-password = Die Person hat ein Passwort gesetzt.
staff-no-password = Die Person hat noch kein Passwort gesetzt.
staff-new-setup-link = Neuen Einmal-Link erzeugen
staff-audit-link = Protokoll dieser Person

## Protokoll
audit-title = Protokoll
audit-intro = Jeder Zugriff und jede Änderung wird mit Person, Zeitpunkt und Ergebnis protokolliert – nie mit Inhalten. Das Protokoll kann nicht geändert werden.
audit-from = Von
audit-to = Bis
audit-action = Aktion
audit-object-kind = Objektart
audit-object-id = Objekt-Nr.
audit-actor-id = Personen-Nr.
audit-denied-only = nur abgewiesene
audit-count = { $count ->
    [one] ein Eintrag
   *[other] { $count } Einträge
}
audit-when = Zeitpunkt
audit-who = Wer
audit-object = Objekt
audit-outcome = Ergebnis
audit-request = Anfrage
audit-unknown-actor = unbekannt/System
audit-denied = abgewiesen
audit-allowed = erlaubt
pager = Seiten
pager-previous = Vorherige Seite
pager-next = Nächste Seite
pager-page = Seite

## Meldungen
flash-saved = Gespeichert.
flash-logged-out = Sie sind abgemeldet.
flash-password-set = Ihr Passwort ist gesetzt. Sie können sich jetzt anmelden.
flash-password-changed = Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden beendet.
flash-session-ended = Die Sitzung wurde beendet.
flash-staff-created = Die Person wurde angelegt.

## Eingabefehler
error-required = Bitte ausfüllen.
error-out-of-range = Bitte eine ganze Zahl im erlaubten Bereich angeben.
error-too-long = Die Eingabe ist zu lang.
error-control-chars = Die Eingabe enthält unzulässige Steuerzeichen.
error-bidi-chars = Enthält unsichtbare Steuerzeichen für die Schreibrichtung (z. B. U+202E). Bitte den Namen neu eingeben statt einzufügen.
error-choice = Bitte wählen Sie einen Eintrag aus der Liste.
error-form = Das Formular ist unvollständig. Bitte laden Sie die Seite neu.
error-ags-format = Der AGS hat genau 8 Ziffern, z. B. 08118048.
error-ags-land = Die ersten beiden Ziffern des AGS bezeichnen das Land (01 bis 16).
error-ags-taken = Eine Gemeinde mit diesem AGS ist schon angelegt.
error-username-length = Der Benutzername hat 3 bis 64 Zeichen.
error-username-chars = Erlaubt sind Kleinbuchstaben a–z, Ziffern, Punkt, Binde- und Unterstrich.
error-username-taken = Dieser Benutzername ist vergeben.
error-password-short = Das Passwort muss mindestens 12 Zeichen haben.
error-password-mismatch = Die beiden Passwörter stimmen nicht überein.
error-current-password = Das aktuelle Passwort ist falsch.
error-password-attempts = Zu viele Versuche mit dem aktuellen Passwort. Bitte versuchen Sie es in einer Viertelstunde noch einmal.
error-email = Bitte geben Sie eine gültige E-Mail-Adresse ein.
error-fte = Der Stellenanteil liegt zwischen 0 und 1, z. B. 0,5.
error-duplicate = Ein solcher Eintrag existiert bereits.
error-reference = Ein verknüpfter Eintrag fehlt.
error-stale = Jemand anderes hat diesen Eintrag inzwischen geändert. Ihre Eingaben sind unten erhalten; bitte laden Sie die Seite neu, um die aktuelle Fassung zu sehen, und übertragen Sie Ihre Änderungen.
sealed-unreadable = [Verschlüsselter Inhalt kann nicht geöffnet werden]
sealed-unreadable-form = Der gespeicherte Text kann nicht geöffnet werden (anderer Schlüssel, verändert oder aus einer älteren Fassung zurückkopiert). Beim Speichern ersetzt ihn, was Sie hier eingeben.
error-sealed-unreadable = Ein verschlüsselter Inhalt kann nicht geöffnet werden: Er ist mit einem anderen Schlüssel verschlüsselt, wurde verändert oder aus einer älteren Fassung zurückkopiert. Bitte wenden Sie sich an die Administration.
error-name-taken = Dieser Name ist bereits vergeben.
error-municipality-required = Für eine Gemeinde als Organisation bitte die Gemeinde wählen.
error-municipality-unknown = Diese Gemeinde ist nicht angelegt.
error-cannot-deactivate-own-organisation = Die eigene Organisation kann nicht deaktiviert werden.
error-role-required = Bitte mindestens eine Rolle wählen.
error-role-not-in-organisation = Koordination gibt es nur in der Kreisverwaltung, Integrationsbeauftragte nur in einer Gemeinde.
error-team-not-in-organisation = Das Team gehört nicht zu dieser Organisation.
error-cannot-deactivate-self = Sie können sich nicht selbst deaktivieren.
error-cannot-drop-own-admin = Sie können sich die Administrationsrolle nicht selbst entziehen.
error-cannot-change-own-roles = Ihre eigenen Rollen kann nur eine andere administrierende Person ändern.
error-cannot-change-own-organisation = Ihre eigene Organisation kann nur eine andere administrierende Person ändern.
error-admin-role-alone = Die Administrationsrolle kann nicht mit IM, Teamleitung oder Datenschutz in einem Konto verbunden werden.
error-inactive = Die Person ist deaktiviert.
error-organisation-unknown = Diese Organisation gibt es nicht.
error-service-area-overlap = Die Organisation betreut diese Gemeinde in diesem Zeitraum schon.
error-service-area-until = Der letzte Tag liegt vor dem Beginn der Betreuung.
error-municipality-not-in-service-area = Die Organisation betreut nicht alle gewählten Gemeinden. Bitte nur Gemeinden wählen, die auf der Seite der Organisation als betreut stehen.
error-move-holds-cases = { $count ->
    [one] Dieser Person ist noch ein Fall der bisherigen Organisation zugewiesen (abgeschlossene zählen mit). Die Teamleitung übergibt ihn zuerst an eine andere Person; danach ist der Wechsel möglich.
   *[other] Dieser Person sind noch { $count } Fälle der bisherigen Organisation zugewiesen (abgeschlossene zählen mit). Die Teamleitung übergibt sie zuerst an andere Personen; danach ist der Wechsel möglich.
}

crossing-title = Weiter zu ankommen?
crossing-text = Sie haben diese Seite über einen Link einer anderen Website geöffnet. Zum Schutz der Daten Ihrer Klientinnen und Klienten zeigen wir sie erst, wenn Sie hier bestätigen.
crossing-continue = Weiter zur Seite
