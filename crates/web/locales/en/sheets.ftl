# Clients from a spreadsheet (routes/spreadsheets.rs)
sheet-link = Import from a spreadsheet
sheet-title = Import clients from a spreadsheet
sheet-intro = Upload your list as an Excel file (XLSX) or as CSV as Excel saves it (semicolon, UTF-8 or Windows-1252). Each row is registered as the registration form registers it, into your own caseload. You see a preview before the import; until then nothing is stored but the file itself (encrypted, for at most 24 hours).
sheet-step-upload = Upload the file
sheet-step-mapping = Map the columns
sheet-step-preview = Preview and import
sheet-file = Spreadsheet (XLSX or CSV)
sheet-file-hint = At most { $mb } MB.
sheet-file-limits = At most { $rows } rows,
sheet-file-columns = { $columns } columns; the first row holds the column headings.
sheet-upload = Upload
sheet-other-file = Upload another file
sheet-mapping-title = Map the columns
sheet-rows-read = { $count ->
    [one] 1 row read.
   *[other] { $count } rows read.
}
sheet-mapping-saved = Your saved mapping for these column headings is preselected.
sheet-mapping-hint = Choose the field of each column. Suggested is what the heading says. The mapping is saved for spreadsheets with the same headings.
sheet-columns = Columns of the spreadsheet
sheet-column = Column
sheet-example = Example (first row with a value)
sheet-field = Field
sheet-field-for = Field for column
sheet-field-none = – do not import –
sheet-municipality = Municipality of rows without one
sheet-municipality-hint = Applies to every row when no column is mapped to the municipality, and to empty cells.
sheet-to-preview = Continue to the preview
sheet-back-to-mapping = Back to the mapping
sheet-preview-title = Preview of the import
sheet-rows-problems = { $count ->
    [one] 1 row with errors
   *[other] { $count } rows with errors
}
sheet-rows-consent = { $count ->
    [one] 1 row with a consent
   *[other] { $count } rows with a consent
}
sheet-rows-losing = { $count ->
    [one] 1 row whose voluntary data is not taken over without a consent
   *[other] { $count } rows whose voluntary data is not taken over without a consent
}
sheet-rows-hints = { $count ->
    [one] 1 row with a possible duplicate
   *[other] { $count } rows with a possible duplicate
}
sheet-ready = The spreadsheet can be imported. Rows with a possible duplicate are registered only when you tick them.
sheet-not-ready = Nothing is imported while rows have errors. Correct the spreadsheet and upload it again, or change the mapping.
sheet-preview-caption = The first rows and every row with errors or hints
sheet-row = Row
sheet-name = Name
sheet-birth = Birth
sheet-municipality-col = Municipality
sheet-consent = Consent
sheet-remarks = Errors and hints
sheet-no-consent = none
sheet-lost = Not taken over without a consent (minimum data only):
sheet-same-as-row = Same name and year of birth as row { $count }.
sheet-hints = Possible duplicate:
sheet-register-anyway = Register row { $count } anyway
sheet-preview-more = Further rows without errors or hints are not listed.
sheet-import = { $count ->
    [one] Import 1 row
   *[other] Import { $count } rows
}
sheet-refused = Nothing was imported: the spreadsheet has rows with errors.
sheet-done-title = Import finished
sheet-registered = { $count ->
    [one] 1 client registered.
   *[other] { $count } clients registered.
}
sheet-consents-recorded = { $count ->
    [one] 1 consent recorded.
   *[other] { $count } consents recorded.
}
sheet-skipped = Not registered (possible duplicate, not ticked), rows:
sheet-to-caseload = To the caseload
sheet-field-given_name = Given name
sheet-field-family_name = Family name
sheet-field-name_original = Name in the original script
sheet-field-birth = Date or year of birth
sheet-field-municipality = Municipality (name or AGS)
sheet-field-au_move_in = Move into follow-up housing
sheet-field-target_group = Target group
sheet-field-consent_date = Consent: date
sheet-field-consent_form = Consent: form (paper, screen)
sheet-field-consent_language = Consent: language
sheet-field-sex = Sex
sheet-field-nationality = Nationality
sheet-field-german_level = German level
sheet-field-profession = Profession
sheet-field-phone = Phone
sheet-field-email = E-mail
sheet-field-address = Address
error-sheet-empty = The file is empty.
error-sheet-broken = The file is not a readable XLSX or CSV file.
error-sheet-no-rows = The spreadsheet has only a heading row.
error-sheet-too-many-rows = The spreadsheet has too many rows. Please split it.
error-sheet-too-many-columns = The spreadsheet has too many columns.
error-sheet-too-large = The file is too large.
error-sheet-cell-too-long = A cell in row { $count } is too long.
error-sheet-mapped-twice = The field of column { $count } is already mapped to another column.
error-sheet-missing-given-name = Please map a column to the given name.
error-sheet-missing-family-name = Please map a column to the family name.
error-sheet-missing-birth = Please map a column to the birth.
error-sheet-no-municipality = Please map a column to the municipality or choose a municipality.
error-sheet-consent-columns = A consent needs its date and its form: please map both columns or neither.
error-sheet-no-mapping = Please map the columns first.
error-german-level = Please give a level from A1 to C2 or "none".
audit-action-spreadsheet_uploaded = Spreadsheet uploaded
audit-action-spreadsheet_previewed = Spreadsheet preview viewed
audit-action-spreadsheet_imported = Spreadsheet imported
