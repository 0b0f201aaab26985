## Consent, its scan and withdrawal

consent-person = Person
consent-back-to-record = Back to the record
consent-back-to-consent = Back to the consent
consent-new-title = Record consent
consent-title = Consent
consent-none-yet = No consent has been recorded for this person yet. Until then only the minimum data may be stored.
consent-already-active = There is already a valid consent of { $date }. Record a new one only if the person has signed a new version.
consent-was-withdrawn = The last consent was withdrawn on { $date }. The voluntary data has been hidden since.
consent-about-title = What the consent is about
consent-about-intro = With the consent the person allows us to store more than the minimum data and to use it for their counselling. The consent is voluntary. The person receives the form in a language they understand and signs it.
consent-about-data = Which data: languages and German skills, school, training and work, family and household, residence status, housing, benefits, contact details and – only where needed – health information (specially protected).
consent-about-purpose = What for: the counselling in integration management and the joint integration plan.
consent-about-recipients = Who sees it: only the person's integration manager. Other bodies receive data only under a separate release from confidentiality.
consent-about-retention = How long: as long as the counselling lasts; afterwards the data is deleted on a fixed schedule.
consent-about-withdraw = Withdrawal: at any time, with no disadvantage for the counselling.
consent-about-minimum = Without consent only the minimum data may be stored: name, year of birth, municipality, move into follow-up housing and target group.
consent-print-link = Print the consent form (German and the person's language)
consent-record-heading = Record the signed consent
consent-field-text-version = Version of the consent text
consent-field-text-version-hint = Printed at the bottom of the form.
consent-field-language = Language of the signed form
consent-choose = Please choose
consent-field-given-on = Signed on
consent-field-form = How was the consent given?
consent-field-scan = Scan of the signed form
consent-field-scan-hint = PDF, JPEG or PNG, at most { $mb } MB. You can also add the scan later.
consent-field-scan-hint-later = PDF, JPEG or PNG, at most { $mb } MB.
consent-scan-choose-again = For security reasons the file must be chosen again after an error.
consent-submit = Save consent
consent-state = Status
consent-state-active = valid
consent-state-withdrawn = withdrawn on { $date }
consent-state-not-yet = not yet valid
consent-scan-download = Download the scan
consent-scan-missing = No scan stored yet.
consent-scan-add = Add a scan
consent-scan-submit = Upload scan
consent-withdraw-link = Withdraw consent …
consent-withdraw-title = Withdraw consent
consent-withdraw-of = Consent of { $date }
consent-withdraw-means = What withdrawal means
consent-withdraw-explain = The voluntary data is hidden and no longer processed; only the minimum data remains stored (name, year of birth, municipality, move into follow-up housing, target group).
consent-withdraw-explain-releases = From the withdrawal on no data may be passed to other bodies, not even under a release from confidentiality.
consent-withdraw-explain-past = What was processed before the withdrawal remains lawful.
consent-withdraw-explain-counselling = The counselling can go on – the withdrawal has no disadvantage for the person.
consent-field-withdrawn-on = Withdrawn on
consent-field-withdrawal-note = Note on the withdrawal
consent-field-withdrawal-note-hint = Optional, e.g. "explained orally in office hours". Do not ask the person for reasons.
consent-withdraw-submit = Save withdrawal
consent-flash-recorded = The consent has been saved.
consent-flash-scan-added = The scan has been saved.
consent-flash-withdrawn = The withdrawal has been saved. The voluntary data is hidden.

## Releases from confidentiality

release-new-title = Record a release from confidentiality
release-title = Release from confidentiality
release-about = A release from confidentiality allows passing certain data to a named body – only for the stated purpose and period. The person can revoke it at any time.
release-needs-consent = Without a valid consent no release from confidentiality can be saved.
release-record-consent-link = Record consent
release-field-recipient = Recipient
release-recipient-other = Another body (enter the name below)
release-field-recipient-name = Name of the body
release-field-recipient-name-hint = Only for "another body", e.g. "Jobcenter Neckartal".
release-field-recipient-category = Kind of body
release-field-categories = Which data may be passed on?
release-field-categories-hint = Tick only what the purpose needs.
release-special-category = Art. 9 GDPR: only if the purpose really needs it
release-field-purpose = Purpose
release-field-purpose-hint = What does the body need the data for? For example: "placement in a language course".
release-field-valid-from = Valid from
release-field-valid-until = Valid until
release-field-valid-until-hint = Leave empty if it is to apply until revoked.
release-field-direction = Direction
release-one-way = Only we inform the body
release-mutual = Mutual: both sides may exchange information
release-submit = Save release
release-state = Status
release-until-revoked = until revoked
release-revoked-on = Revoked on
release-print-link = Print the form (German and the person's language)
release-revoke-heading = Revoke
release-revoke-explain = From the day of revocation no data may go to this body.
release-field-revoked-on = Revoked on
release-revoke-submit = Save revocation
release-flash-recorded = The release from confidentiality has been saved.
release-flash-revoked = The revocation has been saved.

## Printable forms

forms-title = Print forms
forms-intro = The forms contain the German text and, beside it, the text in the person's language. The printed form is what the person signs.
forms-review-explain = "Translation not reviewed" means: a qualified translator has not yet checked the text. The German text is binding; if in doubt, explain it with an interpreter.
forms-languages = Languages of the forms
forms-language = Language
forms-review = Translation
forms-consent = Consent
forms-release = Release
forms-with-german = with German
forms-reviewed = Translation reviewed
forms-source-text = source text
forms-not-reviewed = Translation not reviewed
forms-consent-pdf = Consent (PDF)
forms-release-pdf = Release (PDF)
forms-no-releases = No release from confidentiality has been recorded for this person yet.
forms-new-release = Record a release from confidentiality

## Data-subject requests (data-protection officer)

privacy-title = Data-subject requests
privacy-intro = Find a person for a request of the data subject (e.g. access under Art. 15 GDPR). Name and year of birth are required; the reason is stored and logged with every opening.
privacy-field-name = Full name (given and family name, any spelling)
privacy-field-birth-year = Year of birth
privacy-field-reason = Reason
privacy-field-reason-hint = For example "Request for access under Art. 15 GDPR of 12.11.2026".
privacy-search = Search
privacy-hits = { $count ->
    [0] No matches
    [one] One match
   *[other] { $count } matches
}
privacy-no-hits = Nobody found. Try other spellings or check the year of birth.
privacy-name = Name
privacy-birth-year = Year of birth
privacy-open = Open the record for the request
privacy-new-search = New search
privacy-record-title = Record for a data-subject request
privacy-record-notice = Opened for the reason:
privacy-minimum = Minimum data
privacy-name-original = Name in original script
privacy-municipality = Municipality
privacy-au-move-in = Moved into follow-up housing
privacy-target-group = Target group
privacy-case-numbers = Case numbers
privacy-reasons = Earlier requests
privacy-when = When
privacy-who = Who
privacy-reason = Reason
privacy-access-log = Accesses to the record
privacy-access-log-intro = Who accessed the record or its cases and when, with action, section and outcome – never content.
privacy-access-count = { $count ->
    [one] One access
   *[other] { $count } accesses
}
privacy-action = Action
privacy-section = Section
privacy-outcome = Outcome
privacy-unknown-actor = unknown/system
privacy-allowed = allowed
privacy-denied = denied
