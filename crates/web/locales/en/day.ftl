# The working day on the start page, and the administrator's settings for the casework.

day-title = Your working day: { $date }
day-intro = What is due today in your cases. Overdue items come first.
day-go-caseload = To the caseload
day-followups = Follow-ups
day-steps = Plan steps due
day-reviews = Plan reviews due
day-contacts = Contact overdue
day-clock = Cases at 30 months or more
day-releases = Releases expiring
day-residence = Residence permits expiring
day-consent = Consent withdrawn: intake data hidden
day-referrals = Referrals still pending
day-count = { $count ->
    [one] 1 item
   *[other] { $count } items
}
day-overdue-count = { $count } overdue
day-nothing = Nothing due.
day-overdue = overdue
day-due-on = due on { $date }
day-overdue-since = due since { $date }
day-contact-due-since = contact due since { $date }
day-last-contact = last contact on { $date }
day-no-contact = no contact yet
day-ends-on = 3 years end on { $date }
day-ended-on = 3 years ended on { $date }
day-valid-until = valid until { $date }
day-expired-on = expired on { $date }
day-withdrawn-on = withdrawn on { $date }
day-referred-on = referred on { $date }
day-team-title = Your team today
day-team-intro = Counts per integration manager, without client names – to balance caseloads.
day-team-empty = Your team has no integration managers yet.
day-team-im = Integration manager
day-team-active = Active cases
day-team-followups = Follow-ups overdue
day-team-steps = Steps overdue
day-team-reviews = Reviews due
day-team-contacts = Contact overdue
day-team-clock = Cases at 30 months or more

rules-casework = Casework
rules-title = Working rules
rules-intro = These rules hold for all organisations: when integration plans are reviewed, how often contact is due, and how early deadlines are announced.
rules-range = Allowed: { $range }.
rules-back = Back to the administration
rules-review-interval-months = Review every … months
rules-review-interval-months-hint = Time between two reviews of an integration plan, unless the plan sets its own.
rules-contact-first-phase-months = First phase in months
rules-contact-first-phase-months-hint = For this long after a case opens, the shorter contact interval applies.
rules-contact-first-phase-days = Contact in the first phase every … days
rules-contact-first-phase-days-hint = For example 7 for weekly contact.
rules-contact-later-days = Contact afterwards every … days
rules-contact-later-days-hint = For example 31 for monthly contact.
rules-expiry-warning-days = Warning period in days
rules-expiry-warning-days-hint = This many days ahead, expiring releases, residence permits and reviews appear on the working day.
rules-referral-pending-days = Pending referrals after days
rules-referral-pending-days-hint = A referral still pending this many days after its date appears on the working day.

fields-title = Fields of action
fields-intro = The fields of action goals and contact topics are filed under. Deactivated fields are no longer offered; existing goals keep their names.
fields-position = Order (number)
fields-label-de = Name (German)
fields-label-en = Name (English)
fields-exchange = Reported as
fields-key = Key
fields-choose = Please choose
fields-new = New field of action
fields-new-intro = Every field of action is reported in figures and exports under one of the statewide fields. The key is made from the German name.
fields-active = Offered (active)
fields-back = Back to the fields of action
field-edit-title = Edit field of action
field-edit-intro = The key and the reported field stay fixed so that existing goals and figures remain correct.
