# Counselling contacts, follow-ups, the case timeline and outcomes.

contact-new-title = Kontakt erfassen
contact-edit-title = Kontakt bearbeiten
contact-new-link = Kontakt erfassen
contact-edit-link = Kontakt bearbeiten
contact-back-to-case = Zurück zum Fall { $number }
contact-date = Datum
contact-minutes = Dauer in Minuten
contact-minutes-n = { $minutes } Min.
contact-kind = Art des Kontakts
contact-participants = Beteiligte
contact-topics = Themen (Handlungsfelder)
contact-interpreter = Dolmetschung
contact-interpreter-hint = Sprache und Art der Dolmetschung angeben, wenn gedolmetscht wurde.
contact-interpreter-language = Sprache
contact-interpreter-type = Dolmetscher:in
contact-interpreter-none = keine
contact-note = Vertrauliche Notiz
contact-note-hint = Kurz, höchstens 2000 Zeichen. Wird verschlüsselt gespeichert und nur im Verlauf des Falls gezeigt.
contact-followup = Wiedervorlage (optional)
contact-followup-hint = Datum und Anlass angeben, um den Fall an diesem Tag wieder vorzulegen.
contact-flash-recorded = Der Kontakt wurde erfasst.
contact-flash-updated = Der Kontakt wurde gespeichert.

error-contact-minutes = Die Dauer ist eine ganze Zahl von 1 bis 600 Minuten.
error-contact-interpreter-type = Bitte angeben, wer gedolmetscht hat.
error-contact-interpreter-language = Bitte die Sprache der Dolmetschung angeben.
error-contact-participants = Bitte mindestens eine beteiligte Person wählen.
error-contact-case-closed = Der Fall ist abgeschlossen: Es können keine Kontakte mehr erfasst werden. Um wieder zu beraten, den Fall zuerst wieder eröffnen.
error-followup-past = Eine Wiedervorlage kann nicht in der Vergangenheit liegen.
error-followup-done = Diese Wiedervorlage ist bereits erledigt.
error-followup-case-closed = Der Fall ist abgeschlossen: Es können keine Wiedervorlagen mehr gesetzt oder verschoben werden.

followup-title = Wiedervorlagen
followup-none = Keine Wiedervorlagen.
followup-new-title = Wiedervorlage setzen
followup-move-title = Wiedervorlage verschieben
followup-create = Wiedervorlage setzen
followup-due-on = Wiedervorlage am
followup-reason = Anlass
followup-due = heute fällig
followup-overdue = überfällig
followup-first-due = ursprünglich { $date }
followup-done-on = erledigt am { $date }
followup-mark-done = Erledigt
followup-move = Verschieben
followup-move-to = Neues Datum
followup-back = Zurück zum Fall
followup-flash-created = Die Wiedervorlage wurde gesetzt.
followup-flash-done = Die Wiedervorlage ist erledigt.
followup-flash-moved = Die Wiedervorlage wurde verschoben.

timeline-link = Verlauf des Falls
timeline-title = Verlauf des Falls { $number }
timeline-filter-kinds = Einträge zeigen
timeline-filter-person = Person
timeline-all-persons = alle Personen
timeline-filter-hint = Ohne Auswahl werden alle Einträge gezeigt. Die Auswahl einer Person gilt für Kontakte, Ergebnisse, Einwilligungen und Schweigepflichtentbindungen.
timeline-filter-apply = Anzeigen
timeline-count = { $count ->
    [0] Keine Einträge
    [one] Ein Eintrag
   *[other] { $count } Einträge
}
timeline-empty = Keine Einträge für diese Auswahl.
timeline-plan-withheld = Die Einträge zum Integrationsplan sind ausgeblendet: Ohne gültige Einwilligung der Klientin oder des Klienten wird der Plan nicht verarbeitet.
timeline-pages = Seiten des Verlaufs
timeline-followup-set = Wiedervorlage für { $date } gesetzt
timeline-followup-done = Wiedervorlage erledigt
timeline-review = Fortschreibung des Integrationsplans
timeline-consent-given = Einwilligung erteilt
timeline-consent-withdrawn = Einwilligung widerrufen
timeline-release-created = Schweigepflichtentbindung erteilt
timeline-release-revoked = Schweigepflichtentbindung widerrufen
timeline-release-link = Schweigepflichtentbindung ansehen
timeline-kind-contact = Kontakt
timeline-kind-followup = Wiedervorlage
timeline-kind-plan = Integrationsplan
timeline-kind-review = Fortschreibung
timeline-kind-case = Fall
timeline-kind-outcome = Ergebnis
timeline-kind-consent = Einwilligung
timeline-kind-release = Schweigepflichtentbindung

outcome-title = Ergebnisse
outcome-edit-title = Ergebnis korrigieren
outcome-manage = Ergebnisse erfassen und korrigieren
outcome-link = Ergebnisse der Person
outcome-back = Zurück zu den Ergebnissen
outcome-current = Aktueller Stand
outcome-history = Verlauf
outcome-none = Noch keine Ergebnisse erfasst.
outcome-no-consent = Ergebnisse werden nur mit gültiger Einwilligung erfasst und gezeigt.
outcome-new = Ergebnis erfassen
outcome-type = Art des Ergebnisses
outcome-date = Datum (Beginn)
outcome-facts = Angaben
outcome-actions = Aktionen
outcome-correct = Korrigieren
outcome-fields-hint = Nur die Angaben zur gewählten Art werden gespeichert.
outcome-level = Erreichtes Niveau (GER)
outcome-certificate = mit Zertifikat
outcome-certificate-yes = mit Zertifikat
outcome-certificate-no = ohne Zertifikat
outcome-course-legend = Kurs (Sprachniveau oder Kursteilnahme)
outcome-course = Kursart
outcome-employment-type = Art der Beschäftigung
outcome-until = Ende (bei Kurs, Beschäftigung, Ausbildung, Praktikum, Studium; leer = dauert an)
outcome-place = Platz
outcome-since = ab { $date }
outcome-until-date = bis { $date }
outcome-ongoing = dauert an
outcome-delete = Falschen Eintrag löschen
outcome-delete-hint = Nur für falsch erfasste Einträge. Das Löschen wird protokolliert.
outcome-flash-recorded = Das Ergebnis wurde erfasst.
outcome-flash-updated = Das Ergebnis wurde korrigiert.
outcome-flash-deleted = Der Eintrag wurde gelöscht.
