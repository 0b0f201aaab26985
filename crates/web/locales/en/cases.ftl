# The caseload and the case page: filters, saved filters, the 3-year clock, pauses, extension,
# closure, reopening, moves, sharing and handover.

## Caseload

caseload-title = Cases
caseload-new-client = Register a new client
caseload-filter-label = Filter and search cases
caseload-search = Name or case number
caseload-search-hint = Also finds other spellings (e.g. “Mueller” for “Müller”) and the spelling in the original script.
caseload-status = Status
caseload-status-open = open (active and paused)
caseload-status-active = active
caseload-status-paused = paused
caseload-status-closed = closed
caseload-status-all = all
caseload-time-left = Time left
caseload-time-left-warning = from 30 months (last half year)
caseload-time-left-under3 = less than 3 months
caseload-time-left-overdue = overdue
caseload-last-contact = Last contact
caseload-last-contact-never = never
caseload-last-contact-over30 = more than 30 days ago
caseload-last-contact-over90 = more than 90 days ago
caseload-sort = Sort by
caseload-sort-name = Name
caseload-sort-number = Case number
caseload-sort-time_left = Time left
caseload-sort-last_contact = Last contact
caseload-dir = Order
caseload-dir-asc = ascending
caseload-dir-desc = descending
caseload-reset = Reset filters
caseload-saved-title = Saved filters
caseload-saved-none = You have not saved any filters yet.
caseload-saved-delete = Delete
caseload-saved-name = Name for this filter
caseload-saved-save = Save this filter
caseload-saved-hint = Only the filters are saved, never the search term.
caseload-count = { $count ->
    [0] No cases
    [one] One case
   *[other] { $count } cases
}
caseload-empty = You have no cases yet.
caseload-empty-filtered = No cases match these filters.
caseload-select = Select
caseload-select-case = Select case { $number }
caseload-col-names = Name(s)
caseload-col-time-left = Time left
caseload-col-last-contact = Last contact
caseload-col-im = Integration manager
caseload-handover-unseen = Handover: please read
caseload-out-of-target-group = outside target group
caseload-days-left = { $days ->
    [one] 1 day left
   *[other] { $days } days left
}
caseload-days-overdue = { $days ->
    [one] overdue by 1 day
   *[other] overdue by { $days } days
}
caseload-reassign-title = Hand over cases
caseload-reassign-hint = Select in the table above the cases another integration manager should take over. The new integration manager sees your note first when opening the case.
caseload-reassign-to = Hand over to
caseload-handover-note = Handover note
caseload-handover-note-hint = What does the new integration manager need to know first? No health data.
caseload-reassign-submit = Hand over selected cases
caseload-flash-reassigned = { $count ->
    [0] No cases handed over (they were already assigned there).
    [one] 1 case handed over.
   *[other] { $count } cases handed over.
}
caseload-flash-reassigned-short = Cases handed over.
caseload-flash-filter-saved = The filter was saved.
caseload-flash-filter-deleted = The filter was deleted.

## Case page

case-title = Case { $number }
case-back-to-caseload = Back to the caseload
case-number = Case number
case-facts = Case details
case-im = Integration manager
case-opened-on = Opened on
case-clock-start = Start of support
case-clock-end = End
case-clock-warn-from = Reminder from (30 months)
case-time-left = Time left
case-extended = extended
case-clock-warning-text = Please plan the closure. In a justified individual case, support can be extended to { $date } at the latest.
case-persons = Persons
case-handover-title = Handover: please read first
case-handover-from = Handed over by
case-handover-ack = Noted
case-offers-title = Handover to the new service
case-offers-none = No organisation serves the new municipality. Please settle who continues with the county office.
case-offer-link = Handover summary for { $organisation }
case-offer-no-release = { $organisation }: there is no valid release from confidentiality for this recipient, so nothing can be handed over.
case-snapshot-title = Status at closure
case-snapshot-date = Recorded on { $date }.
case-snapshot-german = German at intake
case-snapshot-housing = Housing
case-snapshot-outcomes = Outcomes recorded
case-pause-title = Pause the case
case-pause-hint = For example during a longer stay abroad. The clock keeps running.
case-paused-from = Paused from
case-pause-reason = Reason (optional)
case-pause-submit = Pause
case-resume-title = Resume the case
case-resumed-on = Resumed on
case-resume-submit = Resume
case-extend-title = Extend the support
case-extend-hint = In a justified individual case to at most 4 years, that is { $date } at the latest.
case-extended-until = Extend until
case-extension-reason = Written justification
case-extension-reason-hint = At least 30 characters: why is further support needed?
case-extend-submit = Extend
case-close-title = Close the case
case-closed-on = Closed on
case-closure-reason = Reason
case-closure-note = Closing note
case-closure-note-hint = Required for “low cooperation” and “ended for self-protection”.
case-close-submit = Close
case-move-title = The client has moved
case-move-hint = The case moves along only if your organisation serves the new municipality. Otherwise it is closed as “moved away”, and the organisation serving the municipality is offered below for the handover. Each municipality shows who serves it.
case-moved-to = New municipality
case-move-served-by = served by { $organisations }
case-move-served-by-none = served by no organisation
case-moved-on = Moved on
case-move-note = Note (optional)
case-move-submit = Record the move
case-share-title = Share with a colleague
case-share-hint = For example for a stand-in. The colleague can then read and work on the case.
case-share-none = There is no other integration manager in your organisation.
case-share-with = Colleague
case-share-submit = Share
case-shared-with = Shared with
case-unshare = Stop sharing
case-reopen-title = Reopen the case
case-reopen-reason = Reason
case-reopen-submit = Reopen
case-pauses = Pauses
case-history = History
case-history-by = by
case-event-opened = Opened
case-event-paused = Paused
case-event-resumed = Resumed
case-event-extended = Extended
case-event-closed = Closed
case-event-reopened = Reopened
case-event-moved = Moved
case-event-shared = Shared
case-event-unshared = No longer shared
case-event-restricted = Processing restricted (Art. 18)
case-event-restriction_lifted = Restriction of processing lifted
case-event-reassigned = Handed over
case-event-extended-until = until { $date }
case-event-was-closed = previously closed on { $date }
case-flash-paused = The case is paused.
case-flash-resumed = The case is active again.
case-flash-extended = The support was extended.
case-flash-closed = The case was closed.
case-flash-reopened = The case was reopened.
case-flash-moved = The move was recorded; the case stays with you.
case-flash-moved-closed = The move was recorded and the case closed as “moved away”, since your organisation does not serve the new municipality. “Handover to the new service” names who serves it.
case-flash-shared = The case was shared.
case-flash-unshared = The case is no longer shared.
case-flash-handover-seen = The handover note is marked as read.

## Handover summary

case-summary-title = Handover summary
case-summary-back = Back to the case
case-summary-refused-text = A summary is only possible with a valid release from confidentiality for this recipient that covers the progress of the counselling.
case-summary-for = For
case-summary-from = From
case-summary-prepared-by = Prepared by
case-summary-released-only = Only data covered by a valid release from confidentiality is included. Health data is never handed over.
case-summary-person = Person
released-field-name = Name
released-field-birth = Date or year of birth
released-field-nationality = Nationality
released-field-address = Address
released-field-phone = Phone
released-field-email = Email
released-field-residence_status = Residence status
released-field-residence_valid_until = valid until
released-field-languages = Languages
released-field-german_level = German
released-field-german_certificate = Certificate
released-field-school = School
released-field-vocational = Vocational training
released-field-profession = Profession
released-field-work_experience = Work experience
released-field-interests = Interests
released-field-housing = Housing
released-field-benefits = Benefits
released-field-relation = Relation in the household
released-field-case_number = Case number
released-field-case_opened_on = Opened on
released-field-clock_start = Start of support
released-field-case_closed_on = Closed on
case-title-named = { $name } – case { $number }

# The case workspace (decision 0029)
case-ws-persons = Persons
case-ws-languages = Languages
case-ws-interpreter = Interpreter
case-ws-consent = Consent
case-ws-no-consent = not shown without consent
case-consent-active = since { $date }
case-consent-none = no consent
case-age = { $years ->
    [one] 1 year
   *[other] { $years } years
}
case-releases-active = { $count ->
    [0] no valid release
    [one] 1 valid release
   *[other] { $count } valid releases
}
case-ws-until = ends
case-ws-next-review = Next review
case-ws-open = Open
case-ws-followups-open = { $count ->
    [0] no follow-up
    [one] 1 follow-up
   *[other] { $count } follow-ups
}
case-ws-referrals-pending = { $count ->
    [0] no pending referral
    [one] 1 pending referral
   *[other] { $count } pending referrals
}
case-ws-goals = Open goals
case-ws-plan-no-consent = The client's consent does not cover the integration plan; its goals are not shown.
case-ws-no-goals = No goal agreed yet.
case-ws-no-open-goals = All goals are closed.
case-ws-target = target { $date }
case-ws-no-open-steps = No open step.
case-ws-next-step = Next step
case-ws-due = by { $date }
case-ws-more-steps = { $count ->
    [one] and 1 more step
   *[other] and { $count } more steps
}
case-ws-contacts = Last contacts
case-ws-no-contacts = No contact recorded yet.
case-ws-with-interpreter = with interpreter { $language }
case-ws-all-contacts = { $count ->
    [0] History of the case
    [one] History of the case (1 contact)
   *[other] History of the case (all { $count } contacts)
}
case-ws-everyday = Everyday
case-ws-followup-new = Set a follow-up
case-ws-goal-new = Add a goal
case-more-actions = More actions
case-back-to-case = Back to the case
case-action-title = { $action } – { $name }
case-action-cancel = Cancel and back to the case
