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

## The person's erasure request (Art. 17 GDPR)
erasure-title = Erasure request (Art. 17 GDPR)
erasure-link = The person's erasure request (Art. 17)
erasure-intro = When a person asks for their data to be erased before its time, the request is recorded here. A second person (the team lead or the case's IM, not whoever recorded it) decides: if no legal exception applies, the case and all data of its persons are erased at once, as by the nightly run; only numbers without names stay for the key figures. If an exception applies, the data stays until its time and the justification is visible to the data-protection officer.
erasure-case = Case { $number }
erasure-record-title = Record the request
erasure-received-on = Request received on
erasure-record-save = Record request
erasure-pending = Request of { $date }, recorded by { $name }, waits for its decision.
erasure-decide-title = Decide the request
erasure-exception = Legal exception (Art. 17(3) GDPR)
erasure-exception-none = No exception: erase now
erasure-exception-legal_obligation = Legal obligation to keep the data (3)(b), e.g. the funding proof
erasure-exception-statistics = Statistics in the public interest (3)(d), beyond the nameless key figures
erasure-exception-legal_claims = Establishment, exercise or defence of legal claims (3)(e), e.g. an ongoing matter
erasure-justification = Justification (with an exception)
erasure-decide-save = Save decision
erasure-decide-own = You recorded the request; a second person must decide it (four eyes).
erasure-open-case = The case is still open: without an exception it can be erased only after its closure.
erasure-history = Earlier requests
error-erasure-received-future = Please enter a date up to today.
error-erasure-pending = A request on this case already waits for its decision.
error-erasure-none-pending = No request on this case waits for a decision.
error-erasure-second-person = You recorded the request; a second person must decide it (four eyes).
error-erasure-exception = Please choose an exception from the list.
error-erasure-case-open = Please close the case first: without an exception a closed case is erased.
error-erasure-held = The case has a hold. Please choose the exception "legal claims" or lift the hold first.
error-erasure-busy = The case is being erased right now. Please reload the page.
flash-erasure-recorded = The erasure request is recorded. A second person decides it.
flash-erasure-kept = The decision is saved: the data stays, the exception is recorded.
flash-erasure-erased = The case and the data of its persons are erased.
erasure-waiting-title = Erasure requests to decide
erasure-requests-title = Erasure requests
erasure-requests-intro = Open erasure requests and requests under a legal exception, with their justification. Erasures carried out are in the audit log (ids only).
erasure-requests-none = There are no open or declined erasure requests.
erasure-requests-count = { $count ->
    [one] One request
   *[other] { $count } requests
}
erasure-col-received = Received
erasure-col-recorded = Recorded by
erasure-col-decision = Decision
erasure-state-pending = waits for its decision
retention-withdrawn-months = Withdrawn consent: erase the voluntary data after months
retention-withdrawn-months-hint = From the withdrawal, unless the person consented again: data beyond the minimum (intake, health, outcomes, documents, the person's integration plan). The minimum, contacts, consents and releases stay until the case is erased. Default 1: time to correct a withdrawal recorded by mistake; 0 erases in the next run.
retention-voluntary-due = { $name }: consent withdrawn on { $withdrawn } – voluntary data is erased on { $date }.
retention-voluntary-erased = { $name }: consent withdrawn on { $withdrawn } – voluntary data erased on { $date }.
error-erasure-restricted = Processing is restricted (Art. 18): the data stays stored until the restriction is lifted.
restriction-title = Restriction of processing (Art. 18 GDPR)
restriction-link = Restriction of processing (Art. 18)
restriction-intro = When a person asks that their data is only stored and no longer processed, record it here. While the restriction stands the case is read-only: nothing can be changed, shared or merged, it appears in no list (only here and under "Due for erasure"), and it is erased neither on schedule nor on request. The person can still withdraw their consent.
restriction-ground = Ground (Art. 18(1) GDPR)
restriction-ground-accuracy = The person contests the accuracy of the data, while it is checked (a)
restriction-ground-unlawful = The processing is unlawful and the person opposes the erasure (b)
restriction-ground-legal_claims = The data is no longer needed, but the person needs it for legal claims (c)
restriction-ground-objection = The person objected, while the objection is examined (d)
restriction-requested-on = Requested on
restriction-place-title = Restrict processing
restriction-place = Record the restriction
restriction-active-title = Processing is restricted
restriction-lift = Lift the restriction
restriction-history = Restrictions of this case
restriction-banner-title = Processing restricted (Art. 18 GDPR):
restriction-banner-since = requested on { $date }
restriction-banner-text = The case is read-only and appears in no list until the restriction is lifted.
restriction-col-requested = Requested on
restriction-col-ground = Ground
restriction-col-placed = Recorded by
restriction-col-lifted = Lifted
restriction-state-active = stands
restrictions-count = { $count ->
    [one] One restriction
   *[other] { $count } restrictions
}
restrictions-title = Restrictions of processing
restrictions-intro = Every restriction of processing (Art. 18 GDPR), standing and lifted, with its ground and who recorded or lifted it.
restrictions-none = There are no restrictions of processing.
restricted-cases-title = Restricted cases
restricted-cases-intro = These cases appear in no other list while their processing is restricted.
error-restricted = Processing of this case is restricted (Art. 18 GDPR): it is read-only until the restriction is lifted.
error-restriction-ground = Please choose a ground from the list.
error-restriction-active = A restriction already stands for this case.
error-restriction-none = No restriction stands for this case.
flash-restriction-placed = The restriction is recorded: the case is read-only now.
flash-restriction-lifted = The restriction is lifted.
retention-voluntary-title = Voluntary data after a withdrawal
retention-voluntary-intro = In these cases a person withdrew their consent: the erasure run removes their voluntary data (intake, health, outcomes, documents, their plan) unless they consent again. A hold or a restriction stops it.
retention-voluntary-on = Erased on { $date }
