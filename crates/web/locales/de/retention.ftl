retention-schedule-title = Aufbewahrungsfristen
retention-schedule-intro = Wie lange ankommen Daten aufbewahrt, bevor der nächtliche Löschlauf sie löscht. Gelöscht wird alles über die Person: Stammdaten, Einwilligungen, Freigaben, Scans, Plan, Kontakte und Notizen. Für die Kennzahlen bleiben nur Zahlen ohne Namen, bis die Jahre abgeschlossen sind.
retention-closed-case-months = Abgeschlossener Fall: Löschung nach Monaten
retention-closed-case-months-hint = Ab dem Abschluss des Falls. Vorgabe 6: Die Einwilligung sagt zu, dass die Daten spätestens sechs Monate nach dem Ende der Beratung gelöscht werden.
retention-unconsented-months = Fall ohne jede Einwilligung: Löschung nach Monaten
retention-unconsented-months-hint = Ab dem Abschluss eines Falls, in dem niemand eingewilligt hat (nur die Mindestangaben der Beratung). Vorgabe 3: Datensparsamkeit; Zeit für Rückfragen nach dem Ende.
retention-audit-months = Protokoll: Aufbewahrung in Monaten
retention-audit-months-hint = Wie lange Protokolleinträge (wer hat wann was gesehen oder geändert) bleiben. Vorgabe 24: zwei Jahre, um Zugriffe auch später prüfen zu können. Die Prüfkette bleibt beim Löschen prüfbar.
retention-statistics-months = Zahlen für die Kennzahlen: höchstens Monate
retention-statistics-months-hint = Die Fakten eines gelöschten Falls ohne Namen und Texte bleiben, bis die Kennzahlen seiner Jahre abgeschlossen sind, höchstens so lange. Vorgabe 24.
error-retention-months = Bitte eine ganze Zahl im angegebenen Bereich.
retention-fixed-title = Feste Fristen
retention-fixed-sessions = Sitzungen: werden entfernt, sobald sie abgelaufen sind (spätestens nach 10 Minuten).
retention-fixed-throttle = Zähler der Anmeldesperre: werden nach Ablauf ihres Zeitfensters entfernt.
retention-fixed-with-case = Kontaktnotizen, Scans, Pläne, Einwilligungen und Freigaben: solange die Daten, zu denen sie gehören, also mit dem Fall und der Person.
retention-due-title = Anstehende Löschungen
retention-due-intro = Abgeschlossene Fälle, die in den nächsten 30 Tagen gelöscht werden, und Fälle mit Löschsperre. Eine Löschsperre (z. B. wegen eines laufenden Verfahrens) hält die Löschung bis zum angegebenen Tag an; die Datenschutzbeauftragte sieht jede Sperre.
retention-due-none = In den nächsten 30 Tagen wird keiner Ihrer Fälle gelöscht.
retention-due-count = { $count ->
    [one] Ein Fall
   *[other] { $count } Fälle
}
retention-case = Fall
retention-closed-on = Abgeschlossen am
retention-due-on = Löschung am
retention-hold = Löschsperre
retention-held-until = Gesperrt bis { $date }
retention-hold-place = Löschsperre setzen
retention-hold-reason = Grund
retention-hold-until = Gesperrt bis
retention-hold-lift = Sperre aufheben
retention-hold-save = Sperre speichern
retention-hold-by = Gesetzt von
retention-hold-state = Stand
retention-hold-active = aktiv
retention-hold-lifted-at = aufgehoben am { $date }
error-hold-until-range = Bitte ein Datum nach heute und höchstens fünf Jahre voraus.
flash-hold-placed = Die Löschsperre ist gesetzt.
flash-hold-lifted = Die Löschsperre ist aufgehoben.
retention-holds-title = Löschsperren
retention-holds-intro = Alle Löschsperren, mit Grund, Frist und wer sie gesetzt hat, auch aufgehobene.
retention-holds-none = Es gibt keine Löschsperren.
retention-holds-count = { $count ->
    [one] Eine Löschsperre
   *[other] { $count } Löschsperren
}
retention-case-title = Löschung
retention-case-due = Dieser Fall und alle Daten seiner Personen werden am { $date } gelöscht.
retention-case-open = Nach dem Abschluss wird dieser Fall nach { $months } Monaten gelöscht.
retention-case-held = Löschsperre bis { $date }

## Löschantrag der Person (Art. 17 DSGVO)
erasure-title = Löschantrag (Art. 17 DSGVO)
erasure-link = Löschantrag der Person (Art. 17)
erasure-intro = Verlangt eine Person, dass ihre Daten vor Ablauf der Frist gelöscht werden, wird der Antrag hier erfasst. Eine zweite Person (die Teamleitung oder die Fachkraft des Falls, nicht wer den Antrag erfasst hat) entscheidet: Gilt keine gesetzliche Ausnahme, werden der Fall und alle Daten seiner Personen sofort gelöscht, wie beim nächtlichen Löschlauf; für die Kennzahlen bleiben nur Zahlen ohne Namen. Gilt eine Ausnahme, bleiben die Daten bis zu ihrer Frist, und die Begründung ist für die Datenschutzbeauftragte sichtbar.
erasure-case = Fall { $number }
erasure-record-title = Antrag erfassen
erasure-received-on = Antrag eingegangen am
erasure-record-save = Antrag erfassen
erasure-pending = Antrag vom { $date }, erfasst von { $name }, wartet auf die Entscheidung.
erasure-decide-title = Über den Antrag entscheiden
erasure-exception = Gesetzliche Ausnahme (Art. 17 Abs. 3 DSGVO)
erasure-exception-none = Keine Ausnahme: jetzt löschen
erasure-exception-legal_obligation = Gesetzliche Pflicht zur Aufbewahrung (Abs. 3 b), z. B. Verwendungsnachweis
erasure-exception-statistics = Statistik im öffentlichen Interesse (Abs. 3 d), über die namenlosen Kennzahlen hinaus
erasure-exception-legal_claims = Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen (Abs. 3 e), z. B. laufendes Verfahren
erasure-justification = Begründung (bei einer Ausnahme)
erasure-decide-save = Entscheidung speichern
erasure-decide-own = Sie haben den Antrag erfasst; entscheiden muss eine zweite Person (Vier-Augen-Prinzip).
erasure-open-case = Der Fall ist noch offen: Ohne Ausnahme kann erst nach dem Abschluss gelöscht werden.
erasure-history = Frühere Anträge
error-erasure-received-future = Bitte ein Datum bis heute.
error-erasure-pending = Für diesen Fall wartet bereits ein Antrag auf die Entscheidung.
error-erasure-none-pending = Für diesen Fall wartet kein Antrag auf eine Entscheidung.
error-erasure-second-person = Sie haben den Antrag erfasst; entscheiden muss eine zweite Person (Vier-Augen-Prinzip).
error-erasure-exception = Bitte eine Ausnahme aus der Liste wählen.
error-erasure-case-open = Bitte den Fall zuerst abschließen: Ohne Ausnahme wird ein abgeschlossener Fall gelöscht.
error-erasure-held = Der Fall hat eine Löschsperre. Bitte die Ausnahme „Rechtsansprüche“ wählen oder die Sperre zuerst aufheben.
error-erasure-busy = Der Fall wird gerade gelöscht. Bitte die Seite neu laden.
flash-erasure-recorded = Der Löschantrag ist erfasst. Eine zweite Person entscheidet darüber.
flash-erasure-kept = Die Entscheidung ist gespeichert: Die Daten bleiben, die Ausnahme ist vermerkt.
flash-erasure-erased = Der Fall und die Daten seiner Personen sind gelöscht.
erasure-waiting-title = Löschanträge zur Entscheidung
erasure-requests-title = Löschanträge
erasure-requests-intro = Offene Löschanträge und Anträge, bei denen eine gesetzliche Ausnahme gilt, mit Begründung. Ausgeführte Löschungen stehen im Protokoll (nur Kennungen).
erasure-requests-none = Es gibt keine offenen oder abgelehnten Löschanträge.
erasure-requests-count = { $count ->
    [one] Ein Antrag
   *[other] { $count } Anträge
}
erasure-col-received = Eingegangen
erasure-col-recorded = Erfasst von
erasure-col-decision = Entscheidung
erasure-state-pending = wartet auf Entscheidung
retention-withdrawn-months = Widerrufene Einwilligung: freiwillige Angaben löschen nach Monaten
retention-withdrawn-months-hint = Ab dem Widerruf, wenn die Person nicht erneut eingewilligt hat: Angaben über die Mindestdaten hinaus (Erstgespräch, Gesundheit, Ergebnisse, Dokumente, der Integrationsplan der Person). Mindestdaten, Kontakte, Einwilligungen und Freigaben bleiben bis zur Löschung des Falls. Vorgabe 1: Zeit, einen versehentlichen Widerruf zu berichtigen; 0 löscht beim nächsten Löschlauf.
retention-voluntary-due = { $name }: Einwilligung am { $withdrawn } widerrufen – freiwillige Angaben werden am { $date } gelöscht.
retention-voluntary-erased = { $name }: Einwilligung am { $withdrawn } widerrufen – freiwillige Angaben am { $date } gelöscht.
error-erasure-restricted = Die Verarbeitung ist eingeschränkt (Art. 18): Die Daten bleiben gespeichert, bis die Einschränkung aufgehoben ist.
restriction-title = Einschränkung der Verarbeitung (Art. 18 DSGVO)
restriction-link = Einschränkung der Verarbeitung (Art. 18)
restriction-intro = Verlangt eine Person, dass ihre Daten nur noch gespeichert, aber nicht mehr verarbeitet werden, wird das hier vermerkt. Solange die Einschränkung besteht, lässt sich der Fall nur lesen: Nichts kann geändert, geteilt oder zusammengeführt werden, der Fall erscheint in keiner Liste (nur hier und unter „Anstehende Löschungen“), und er wird weder nach Frist noch auf Antrag gelöscht. Ein Widerruf der Einwilligung bleibt möglich.
restriction-ground = Grund (Art. 18 Abs. 1 DSGVO)
restriction-ground-accuracy = Die Person bestreitet die Richtigkeit der Daten, für die Dauer der Prüfung (a)
restriction-ground-unlawful = Die Verarbeitung ist unrechtmäßig, die Person lehnt die Löschung ab (b)
restriction-ground-legal_claims = Die Daten werden nicht mehr gebraucht, die Person braucht sie für Rechtsansprüche (c)
restriction-ground-objection = Die Person hat Widerspruch eingelegt, für die Dauer der Prüfung (d)
restriction-requested-on = Verlangt am
restriction-place-title = Verarbeitung einschränken
restriction-place = Einschränkung vermerken
restriction-active-title = Die Verarbeitung ist eingeschränkt
restriction-lift = Einschränkung aufheben
restriction-history = Einschränkungen dieses Falls
restriction-banner-title = Verarbeitung eingeschränkt (Art. 18 DSGVO):
restriction-banner-since = verlangt am { $date }
restriction-banner-text = Der Fall lässt sich nur lesen und erscheint in keiner Liste, bis die Einschränkung aufgehoben ist.
restriction-col-requested = Verlangt am
restriction-col-ground = Grund
restriction-col-placed = Vermerkt von
restriction-col-lifted = Aufgehoben
restriction-state-active = besteht
restrictions-count = { $count ->
    [one] Eine Einschränkung
   *[other] { $count } Einschränkungen
}
restrictions-title = Einschränkungen der Verarbeitung
restrictions-intro = Alle Einschränkungen der Verarbeitung (Art. 18 DSGVO), bestehende und aufgehobene, mit Grund und wer sie vermerkt oder aufgehoben hat.
restrictions-none = Es gibt keine Einschränkungen der Verarbeitung.
restricted-cases-title = Eingeschränkte Fälle
restricted-cases-intro = Diese Fälle erscheinen in keiner anderen Liste, solange ihre Verarbeitung eingeschränkt ist.
error-restricted = Die Verarbeitung dieses Falls ist eingeschränkt (Art. 18 DSGVO): Er lässt sich nur lesen, bis die Einschränkung aufgehoben ist.
error-restriction-ground = Bitte einen Grund aus der Liste wählen.
error-restriction-active = Für diesen Fall besteht bereits eine Einschränkung.
error-restriction-none = Für diesen Fall besteht keine Einschränkung.
flash-restriction-placed = Die Einschränkung ist vermerkt: Der Fall lässt sich nur noch lesen.
flash-restriction-lifted = Die Einschränkung ist aufgehoben.
retention-voluntary-title = Freiwillige Angaben nach Widerruf
retention-voluntary-intro = In diesen Fällen hat eine Person ihre Einwilligung widerrufen: Der Löschlauf löscht ihre freiwilligen Angaben (Erstgespräch, Gesundheit, Ergebnisse, Dokumente, ihren Plan), sofern sie nicht erneut einwilligt. Eine Löschsperre oder Einschränkung hält das an.
retention-voluntary-on = Löschung am { $date }
