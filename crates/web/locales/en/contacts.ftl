# Counselling contacts, follow-ups, the case timeline and outcomes.

contact-new-title = Record a contact
contact-edit-title = Edit contact
contact-new-link = Record a contact
contact-edit-link = Edit contact
contact-back-to-case = Back to case { $number }
contact-date = Date
contact-minutes = Duration in minutes
contact-minutes-n = { $minutes } min
contact-kind = Kind of contact
contact-participants = Participants
contact-topics = Topics (fields of action)
contact-interpreter = Interpreting
contact-interpreter-hint = Give the language and who interpreted, if someone did.
contact-interpreter-language = Language
contact-interpreter-type = Interpreter
contact-interpreter-none = none
contact-note = Confidential note
contact-note-hint = Short, at most 2000 characters. Stored encrypted and shown only in the case's timeline.
contact-followup = Follow-up (optional)
contact-followup-hint = Give a date and a reason to look at the case again on that day.
contact-flash-recorded = The contact was recorded.
contact-flash-updated = The contact was saved.

error-contact-minutes = The duration is a whole number from 1 to 600 minutes.
error-contact-interpreter-type = Please say who interpreted.
error-contact-interpreter-language = Please give the language interpreted.
error-contact-participants = Please choose at least one participant.
error-contact-case-closed = The case is closed: no more contacts can be recorded. To counsel again, reopen the case first.
error-followup-past = A follow-up cannot be in the past.
error-followup-done = This follow-up is already done.
error-followup-case-closed = The case is closed: follow-ups can no longer be set or moved.

followup-title = Follow-ups
followup-none = No follow-ups.
followup-new-title = Set a follow-up
followup-move-title = Move a follow-up
followup-create = Set follow-up
followup-due-on = Follow-up on
followup-reason = Reason
followup-due = due today
followup-overdue = overdue
followup-first-due = originally { $date }
followup-done-on = done on { $date }
followup-mark-done = Done
followup-move = Move
followup-move-to = New date
followup-back = Back to the case
followup-flash-created = The follow-up was set.
followup-flash-done = The follow-up is done.
followup-flash-moved = The follow-up was moved.

timeline-link = Case timeline
timeline-title = Timeline of case { $number }
timeline-filter-kinds = Show entries
timeline-filter-person = Person
timeline-all-persons = all persons
timeline-filter-hint = With nothing chosen, all entries are shown. Choosing a person applies to contacts, outcomes, consents and releases.
timeline-filter-apply = Show
timeline-count = { $count ->
    [0] No entries
    [one] One entry
   *[other] { $count } entries
}
timeline-empty = No entries for this choice.
timeline-plan-withheld = The integration plan's entries are hidden: without a valid consent of the client the plan is not processed.
timeline-pages = Pages of the timeline
timeline-followup-set = Follow-up set for { $date }
timeline-followup-done = Follow-up done
timeline-review = Review of the integration plan
timeline-consent-given = Consent given
timeline-consent-withdrawn = Consent withdrawn
timeline-release-created = Release from confidentiality given
timeline-release-revoked = Release from confidentiality revoked
timeline-release-link = View the release
timeline-kind-contact = Contact
timeline-kind-followup = Follow-up
timeline-kind-plan = Integration plan
timeline-kind-review = Review
timeline-kind-case = Case
timeline-kind-outcome = Outcome
timeline-kind-consent = Consent
timeline-kind-release = Release

outcome-title = Outcomes
outcome-edit-title = Correct an outcome
outcome-manage = Record and correct outcomes
outcome-link = The person's outcomes
outcome-back = Back to the outcomes
outcome-current = Current state
outcome-history = History
outcome-none = No outcomes recorded yet.
outcome-no-consent = Outcomes are recorded and shown only with a valid consent.
outcome-new = Record an outcome
outcome-type = Kind of outcome
outcome-date = Date (start)
outcome-facts = Details
outcome-actions = Actions
outcome-correct = Correct
outcome-fields-hint = Only the details of the chosen kind are stored.
outcome-level = Level reached (CEFR)
outcome-certificate = with certificate
outcome-certificate-yes = with certificate
outcome-certificate-no = without certificate
outcome-course-legend = Course (language level or course attendance)
outcome-course = Kind of course
outcome-employment-type = Kind of employment
outcome-until = End (for course, employment, training, internship, studies; empty = ongoing)
outcome-place = Place
outcome-since = from { $date }
outcome-until-date = until { $date }
outcome-ongoing = ongoing
outcome-delete = Delete a wrong record
outcome-delete-hint = Only for records entered by mistake. Deleting is logged.
outcome-flash-recorded = The outcome was recorded.
outcome-flash-updated = The outcome was corrected.
outcome-flash-deleted = The record was deleted.
