## Documents a client brings, and general case notes

documents-link = Dokumente
documents-title = Dokumente zum Fall { $number }
documents-list-heading = Gespeicherte Dokumente
documents-none = Zu diesem Fall sind noch keine Dokumente gespeichert.
documents-withheld = Ohne gültige Einwilligung werden Dokumente weder gespeichert noch angezeigt: { $names }.
documents-person = Person
documents-field-kind = Art des Dokuments
documents-field-letter-date = Datum des Schreibens
documents-field-title = Kurzer Titel
documents-field-file = Datei
documents-field-note = Was steht darin, was ist zu tun?
documents-field-due-on = Zu erledigen bis
documents-what-to-do = Notiz und Frist (freiwillig)
documents-due-hint = Mit einer Frist wird für den Fall eine Wiedervorlage angelegt; dafür ist die Notiz nötig.
documents-choose = Bitte wählen
documents-upload-heading = Dokument hochladen
documents-submit = Dokument speichern
documents-flash-saved = Das Dokument ist gespeichert.
documents-show-title = Dokument
documents-back = Zurück zu den Dokumenten des Falls
documents-uploaded = Hochgeladen am
documents-download = Datei herunterladen

document-kind-decision = Bescheid
document-kind-authority_letter = Schreiben einer Behörde
document-kind-certificate = Zeugnis oder Nachweis
document-kind-application = Antrag
document-kind-other = Sonstiges

error-document-note-for-due = Für eine Frist bitte notieren, was zu tun ist.

case-note-new-link = Notiz schreiben
case-note-title = Notiz zum Fall { $number }
case-note-intro = Für alles, was zu keinem Kontakt gehört. Die Notiz wird verschlüsselt gespeichert und erscheint im Verlauf des Falls.
case-note-field-text = Notiz
case-note-submit = Notiz speichern
case-note-flash-saved = Die Notiz ist gespeichert.
timeline-case-note = Notiz zum Fall
timeline-kind-note = Notiz

audit-action-case_note_added = Notiz zum Fall geschrieben
audit-action-client_document_added = Dokument hochgeladen
audit-action-client_document_downloaded = Dokument einer Person heruntergeladen
audit-action-client_document_viewed = Dokument angesehen
audit-action-client_documents_listed = Dokumente eines Falls angesehen
audit-section-documents = Dokumente
audit-section-notes = Notizen
