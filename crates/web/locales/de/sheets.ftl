# Clients from a spreadsheet (routes/spreadsheets.rs)
sheet-link = Aus Tabelle importieren
sheet-title = Klient:innen aus einer Tabelle importieren
sheet-intro = Laden Sie Ihre Liste als Excel-Datei (XLSX) oder als CSV hoch, wie Excel sie speichert (Semikolon, UTF-8 oder Windows-1252). Jede Zeile wird wie im Aufnahmeformular aufgenommen und Ihrer eigenen Fallliste zugeordnet. Vor dem Import sehen Sie eine Vorschau; bis dahin wird nichts gespeichert außer der Datei selbst (verschlüsselt, höchstens 24 Stunden).
sheet-step-upload = Datei hochladen
sheet-step-mapping = Spalten zuordnen
sheet-step-preview = Vorschau und Import
sheet-file = Tabelle (XLSX oder CSV)
sheet-file-hint = Höchstens { $mb } MB.
sheet-file-limits = Höchstens { $rows } Zeilen,
sheet-file-columns = { $columns } Spalten; die erste Zeile enthält die Spaltenüberschriften.
sheet-upload = Hochladen
sheet-other-file = Andere Datei hochladen
sheet-mapping-title = Spalten zuordnen
sheet-rows-read = { $count ->
    [one] 1 Zeile gelesen.
   *[other] { $count } Zeilen gelesen.
}
sheet-mapping-saved = Für diese Spaltenüberschriften ist Ihre gespeicherte Zuordnung vorausgewählt.
sheet-mapping-hint = Wählen Sie für jede Spalte das Feld. Vorgeschlagen ist, was die Überschrift nahelegt. Die Zuordnung wird für Tabellen mit denselben Überschriften gespeichert.
sheet-columns = Spalten der Tabelle
sheet-column = Spalte
sheet-example = Beispiel (erste Zeile mit Wert)
sheet-field = Feld
sheet-field-for = Feld für Spalte
sheet-field-none = – nicht importieren –
sheet-municipality = Gemeinde für Zeilen ohne Gemeinde
sheet-municipality-hint = Gilt für alle Zeilen, wenn keine Spalte „Gemeinde“ zugeordnet ist, und für leere Zellen.
sheet-to-preview = Weiter zur Vorschau
sheet-back-to-mapping = Zurück zur Zuordnung
sheet-preview-title = Vorschau des Imports
sheet-rows-problems = { $count ->
    [one] 1 Zeile mit Fehlern
   *[other] { $count } Zeilen mit Fehlern
}
sheet-rows-consent = { $count ->
    [one] 1 Zeile mit Einwilligung
   *[other] { $count } Zeilen mit Einwilligung
}
sheet-rows-losing = { $count ->
    [one] 1 Zeile, deren freiwillige Angaben ohne Einwilligung nicht übernommen werden
   *[other] { $count } Zeilen, deren freiwillige Angaben ohne Einwilligung nicht übernommen werden
}
sheet-rows-hints = { $count ->
    [one] 1 Zeile mit Hinweis auf eine mögliche Doppelerfassung
   *[other] { $count } Zeilen mit Hinweis auf eine mögliche Doppelerfassung
}
sheet-ready = Die Tabelle kann importiert werden. Zeilen mit Hinweis auf eine Doppelerfassung werden nur aufgenommen, wenn Sie sie ankreuzen.
sheet-not-ready = Solange Zeilen Fehler haben, wird nichts importiert. Korrigieren Sie die Tabelle und laden Sie sie erneut hoch, oder ändern Sie die Zuordnung.
sheet-preview-caption = Die ersten Zeilen und alle Zeilen mit Fehlern oder Hinweisen
sheet-row = Zeile
sheet-name = Name
sheet-birth = Geburt
sheet-municipality-col = Gemeinde
sheet-consent = Einwilligung
sheet-remarks = Fehler und Hinweise
sheet-no-consent = keine
sheet-lost = Ohne Einwilligung nicht übernommen (nur Mindestangaben):
sheet-same-as-row = Gleicher Name und Geburtsjahr wie Zeile { $count }.
sheet-hints = Mögliche Doppelerfassung:
sheet-register-anyway = Zeile { $count } trotzdem aufnehmen
sheet-preview-more = Weitere Zeilen ohne Fehler und Hinweise sind nicht aufgeführt.
sheet-import = { $count ->
    [one] 1 Zeile importieren
   *[other] { $count } Zeilen importieren
}
sheet-refused = Nichts wurde importiert: Die Tabelle hat Zeilen mit Fehlern.
sheet-done-title = Import abgeschlossen
sheet-registered = { $count ->
    [one] 1 Klient:in aufgenommen.
   *[other] { $count } Klient:innen aufgenommen.
}
sheet-consents-recorded = { $count ->
    [one] 1 Einwilligung erfasst.
   *[other] { $count } Einwilligungen erfasst.
}
sheet-skipped = Nicht aufgenommen (mögliche Doppelerfassung, nicht angekreuzt), Zeilen:
sheet-to-caseload = Zur Fallliste
sheet-field-given_name = Vorname
sheet-field-family_name = Familienname
sheet-field-name_original = Name in Originalschrift
sheet-field-birth = Geburtsdatum oder -jahr
sheet-field-municipality = Gemeinde (Name oder AGS)
sheet-field-au_move_in = Einzug in die Anschlussunterbringung
sheet-field-target_group = Zielgruppe
sheet-field-consent_date = Einwilligung: Datum
sheet-field-consent_form = Einwilligung: Form (Papier, Bildschirm)
sheet-field-consent_language = Einwilligung: Sprache
sheet-field-sex = Geschlecht
sheet-field-nationality = Staatsangehörigkeit
sheet-field-german_level = Deutschniveau
sheet-field-profession = Beruf
sheet-field-phone = Telefon
sheet-field-email = E-Mail
sheet-field-address = Adresse
error-sheet-empty = Die Datei ist leer.
error-sheet-broken = Die Datei ist keine lesbare XLSX- oder CSV-Datei.
error-sheet-no-rows = Die Tabelle hat nur eine Überschriftenzeile.
error-sheet-too-many-rows = Die Tabelle hat zu viele Zeilen. Bitte teilen Sie sie auf.
error-sheet-too-many-columns = Die Tabelle hat zu viele Spalten.
error-sheet-too-large = Die Datei ist zu groß.
error-sheet-cell-too-long = Eine Zelle in Zeile { $count } ist zu lang.
error-sheet-mapped-twice = Das Feld der Spalte { $count } ist schon einer anderen Spalte zugeordnet.
error-sheet-missing-given-name = Bitte ordnen Sie eine Spalte dem Vornamen zu.
error-sheet-missing-family-name = Bitte ordnen Sie eine Spalte dem Familiennamen zu.
error-sheet-missing-birth = Bitte ordnen Sie eine Spalte der Geburt zu.
error-sheet-no-municipality = Bitte ordnen Sie eine Spalte der Gemeinde zu oder wählen Sie eine Gemeinde.
error-sheet-consent-columns = Eine Einwilligung braucht Datum und Form: Bitte ordnen Sie beide Spalten zu oder keine.
error-sheet-no-mapping = Bitte ordnen Sie zuerst die Spalten zu.
error-german-level = Bitte ein Niveau A1 bis C2 oder „keine“ angeben.
audit-action-spreadsheet_uploaded = Tabelle hochgeladen
audit-action-spreadsheet_previewed = Tabellenvorschau angesehen
audit-action-spreadsheet_imported = Tabelle importiert
