# Separation of duties and the access record (issue 21)

confirmations-title = Bestätigungen
confirmations-intro = Diese Anfragen brauchen die Bestätigung einer zweiten Person. Wer eine Anfrage gestellt hat oder von ihr betroffen ist, kann sie nicht selbst bestätigen.
confirmations-none = Keine Anfrage wartet auf Ihre Bestätigung.
confirmations-when = Angefragt am
confirmations-what = Anfrage
confirmations-asked-by = Angefragt von
confirmations-reason = Begründung
confirmations-decision = Entscheidung
confirmations-confirm = Bestätigen
confirmations-decline = Ablehnen
confirmations-kind-password-reset = Passwort von { $staff } zurücksetzen
confirmations-kind-case-takeover = Fall { $case } selbst übernehmen
confirmations-link-text = Die Zurücksetzung ist bestätigt. Geben Sie diesen Link der Person auf sicherem Weg weiter. Er gilt 72 Stunden und nur einmal; die Person erfährt bei der nächsten Anmeldung, wer ihr Passwort zurückgesetzt und wer es bestätigt hat.
confirmations-flash-confirmed = Bestätigt: Der Fall ist übergeben.
confirmations-flash-declined = Abgelehnt.
home-pending-confirmations = { $count ->
    [one] Eine Anfrage wartet auf Ihre Bestätigung.
   *[other] { $count } Anfragen warten auf Ihre Bestätigung.
}
notice-password-reset = Ihr Passwort wurde zurückgesetzt
notice-password-reset-text = Wenn Sie das nicht veranlasst haben, wenden Sie sich an Ihre Datenschutzbeauftragte oder Ihren Datenschutzbeauftragten.
notice-case-reassigned = Fall { $case } wurde an eine andere Person übergeben
notice-when = Wann
notice-by = Von
notice-confirmed-by = Bestätigt von
notice-dismiss = Gelesen
notice-flash-dismissed = Hinweis als gelesen markiert.
staff-flash-reset-requested = Die Zurücksetzung ist angefragt. Eine zweite Administratorin oder ein zweiter Administrator muss sie bestätigen; erst dann entsteht der Link.
caseload-reassign-to-self = mir selbst (braucht die Bestätigung einer zweiten Person)
caseload-flash-takeover-requested = Übernahme angefragt. Eine andere Teamleitung oder die Administration Ihrer Organisation muss sie bestätigen.
staff-changes-title = Änderungen an Konten
staff-changes-intro = Jede Änderung von Rollen oder Organisation und jede Passwort-Zurücksetzung, mit altem und neuem Wert, wer sie vorgenommen und wer sie bestätigt hat.
staff-changes-none = Noch keine Änderungen.
staff-changes-count = { $count ->
    [one] Eine Änderung
   *[other] { $count } Änderungen
}
staff-changes-account = Konto
staff-changes-what = Änderung
staff-changes-old = Vorher
staff-changes-new = Nachher
staff-changes-by = Vorgenommen von
staff-changes-confirmed-by = Bestätigt von
staff-change-roles = Rollen
staff-change-organisation = Organisation
staff-change-password_reset = Passwort zurückgesetzt
staff-change-password-set = Passwort gesetzt
staff-change-password-reset = Zurückgesetzt (Einmal-Link)
privacy-print-hint = Diese Seite lässt sich drucken (Strg+P); Navigation und Links erscheinen nicht auf dem Ausdruck.
error-full-name = Bitte den vollständigen Namen angeben (Vor- und Familienname).
error-lookup-limit = Zu viele Suchen in kurzer Zeit. Bitte warten Sie einige Minuten.
error-reset-own = Ihr eigenes Passwort ändern Sie unter „Mein Konto“.
error-takeover-not-possible = Die Übernahme ist nicht mehr möglich: Die Person ist nicht mehr als Integrationsmanager:in in dieser Organisation aktiv.
audit-action-duplicate_hints_shown = Hinweis auf mögliche Doppelerfassung gezeigt
audit-action-password_reset_requested = Passwort-Zurücksetzung angefragt
audit-action-password_reset_decided = Passwort-Zurücksetzung entschieden
audit-action-case_takeover_requested = Übernahme eines Falls angefragt
audit-action-case_takeover_decided = Übernahme eines Falls entschieden
audit-action-staff_changes_viewed = Änderungen an Konten angesehen
