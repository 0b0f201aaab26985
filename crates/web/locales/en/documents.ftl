## Documents a client brings, and general case notes

documents-link = Documents
documents-title = Documents of case { $number }
documents-list-heading = Stored documents
documents-none = No documents are stored for this case yet.
documents-withheld = Without a valid consent documents are neither stored nor shown: { $names }.
documents-person = Person
documents-field-kind = Kind of document
documents-field-letter-date = Date of the letter
documents-field-title = Short title
documents-field-file = File
documents-field-note = What does it say, what must be done?
documents-field-due-on = To be done by
documents-what-to-do = Note and deadline (optional)
documents-due-hint = A deadline sets a follow-up on the case; it needs the note.
documents-choose = Please choose
documents-upload-heading = Upload a document
documents-submit = Save document
documents-flash-saved = The document is saved.
documents-show-title = Document
documents-back = Back to the case's documents
documents-uploaded = Uploaded on
documents-download = Download file

document-kind-decision = Official decision
document-kind-authority_letter = Letter from an authority
document-kind-certificate = Certificate
document-kind-application = Application
document-kind-other = Other

error-document-note-for-due = For a deadline, please note what must be done.

case-note-new-link = Write a note
case-note-title = Note on case { $number }
case-note-intro = For anything that belongs to no contact. The note is stored encrypted and shown in the case's timeline.
case-note-field-text = Note
case-note-submit = Save note
case-note-flash-saved = The note is saved.
timeline-case-note = Case note
timeline-kind-note = Note

audit-action-case_note_added = Case note written
audit-action-client_document_added = Document uploaded
audit-action-client_document_downloaded = Client document downloaded
audit-action-client_document_viewed = Document viewed
audit-action-client_documents_listed = Case documents viewed
audit-section-documents = Documents
audit-section-notes = Notes
