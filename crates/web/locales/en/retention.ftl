retention-schedule-title = Retention schedule
retention-schedule-intro = How long ankommen keeps data before the nightly run erases it. Everything about the person is erased: minimum data, consents, releases, scans, plan, contacts and notes. For the key figures only numbers without names remain until the years are finalised.
retention-closed-case-months = Closed case: erased after months
retention-closed-case-months-hint = From the closure of the case. Default 6: the consent promises that the data is deleted at the latest six months after counselling ends.
retention-unconsented-months = Case without any consent: erased after months
retention-unconsented-months-hint = From the closure of a case in which nobody consented (only the minimum data of the counselling). Default 3: data minimisation; time for questions after the end.
retention-audit-months = Audit log: kept for months
retention-audit-months-hint = How long audit events (who saw or changed what, when) are kept. Default 24: two years, so that accesses can be checked later. The chain stays verifiable when old events go.
retention-statistics-months = Numbers for the key figures: at most months
retention-statistics-months-hint = An erased case's facts without names and texts stay until the figures of its years are finalised, at most this long. Default 24.
error-retention-months = Please enter a whole number in the range given.
retention-fixed-title = Fixed periods
retention-fixed-sessions = Sessions: removed once they have expired (within 10 minutes).
retention-fixed-throttle = Login throttle counters: removed when their window has passed.
retention-fixed-with-case = Contact notes, scans, plans, consents and releases: as long as the data they belong to, i.e. with the case and the person.
retention-due-title = Due for erasure
retention-due-intro = Closed cases erased within the next 30 days, and cases with a hold. A hold (e.g. for an ongoing legal matter) stops the erasure until the date given; the data-protection officer sees every hold.
retention-due-none = None of your cases is erased within the next 30 days.
retention-due-count = { $count ->
    [one] One case
   *[other] { $count } cases
}
retention-case = Case
retention-closed-on = Closed on
retention-due-on = Erased on
retention-hold = Hold
retention-held-until = Held until { $date }
retention-hold-place = Place a hold
retention-hold-reason = Reason
retention-hold-until = Held until
retention-hold-lift = Lift the hold
retention-hold-save = Save hold
retention-hold-by = Placed by
retention-hold-state = State
retention-hold-active = active
retention-hold-lifted-at = lifted on { $date }
error-hold-until-range = Please enter a date after today and at most five years ahead.
flash-hold-placed = The hold is placed.
flash-hold-lifted = The hold is lifted.
retention-holds-title = Holds on erasure
retention-holds-intro = Every hold, with its reason, its end and who placed it, lifted ones too.
retention-holds-none = There are no holds.
retention-holds-count = { $count ->
    [one] One hold
   *[other] { $count } holds
}
retention-case-title = Erasure
retention-case-due = This case and all data of its persons are erased on { $date }.
retention-case-open = After its closure this case is erased after { $months } months.
retention-case-held = Hold until { $date }
