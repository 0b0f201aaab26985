# The data-protection officer's desk (issue 25, decision 0024): the overview, the register of
# processing activities (Art. 30 GDPR) and the reports from the audit log.

dpo-desk-title = Data protection
dpo-desk-intro = Every tool of the data-protection officer in one place. Each opening is recorded in the audit log; the reports show staff names and object numbers, never the content of a person's data.
dpo-desk-requests = Requests of data subjects
dpo-desk-lookup-hint = find a person for a request (access, erasure, restriction)
dpo-desk-documentation = Documentation
dpo-desk-register-hint = generated from the configuration, printable
dpo-desk-reports = Reports
dpo-desk-audit-log = Search the audit log

dpo-report-accesses-title = Accesses per staff member
dpo-report-accesses-intro = Reads and changes of persons' data in the period, per staff member, with the number of distinct persons. Counted are allowed audit events that name a person.
dpo-report-unusual-title = Unusual access volumes
dpo-report-unusual-intro = Staff members who opened many more distinct person records in the period than usual – compared with their own earlier periods and with their colleagues.
dpo-report-denied-title = Denied accesses
dpo-report-denied-intro = What staff members tried in the period and were refused: action, kind and number of the object, count.
dpo-report-retention-title = Holds and erasures
dpo-report-retention-intro = The retention runs in the period with their counts, and the holds placed and lifted.

dpo-period = Period
dpo-period-from = First day
dpo-period-to = Last day
dpo-period-show = Show
dpo-period-shown = Period: { $from } to { $to }
dpo-report-empty = Nothing found in the period.
dpo-staff-count = { $count ->
    [one] One staff member
   *[other] { $count } staff members
}
dpo-staff = Staff member
dpo-reads = Reads
dpo-changes = Changes
dpo-persons = Distinct persons
dpo-unusual-rule = Rule: flagged is whoever opened at least { $floor } distinct persons in the period and more than { $factor } times as many as usual – usual is the median of their own { $history } earlier periods of the same length ("own median") or the median of all staff with accesses in the period ("median of all"). With an even number of values the lower of the two middle ones counts.
dpo-own-median = Own median
dpo-peer-median = Median of all
dpo-flag = Unusual?
dpo-flagged = Unusual
dpo-flag-own = above their own
dpo-flag-peers = above the others
dpo-not-flagged = no
dpo-denied-count = { $count ->
    [one] One denied attempt
   *[other] { $count } denied attempts (grouped)
}
dpo-tried = Tried
dpo-times = Count
dpo-runs = Retention runs
dpo-cases-erased = Cases erased
dpo-persons-erased = Persons erased
dpo-holds-placed = Holds placed
dpo-holds-lifted = Holds lifted
dpo-runs-deployment = A retention run covers the whole deployment; the holds count only cases in your scope. The single holds with their reasons:
dpo-run-day = Day
dpo-audit-removed = Audit events removed
dpo-facts-removed = Key-figure facts removed

error-period-order = The end is before the start of the period.
error-period-too-long = The period is longer than ten years.

register-title = Register of processing activities
register-generated = Generated on { $at } from the current configuration.
register-intro = The register under Art. 30 GDPR is generated on every request from the configuration and the releases recorded, so that it cannot go stale.
register-print-view = Print view
register-controller = Controllers
register-purposes = Purposes of the processing
register-purpose-casework = Integration management: counselling and accompanying refugees in follow-up housing (casework, integration plan, contacts, follow-ups).
register-purpose-releases = Passing data on to other services only under the person's release from confidentiality.
register-purpose-figures = Key figures for the funding, without names.
register-purpose-rights = Safeguarding the rights of data subjects (access, erasure, restriction) and the record of accesses.
register-data = Categories of data
register-data-intro = Which data is processed and when (decision 0012: what consent covers).
register-data-minimum = Minimum data
register-data-minimum-basis = Names, birth, municipality, move-in, target group, household; the case's administration. Always (statutory task).
register-data-proof = Proof
register-data-proof-basis = The consents and releases themselves. Always.
register-data-intake = Voluntary data
register-data-intake-basis = Languages, education, work, residence, housing, benefits, contact. Only with consent.
register-data-health = Health (special category, Art. 9 GDPR)
register-data-health-basis = Only with consent; stored encrypted.
register-data-outcomes = Outcomes
register-data-outcomes-basis = German level, work, rental contract. Only with consent.
register-data-plan = Integration plan
register-data-plan-basis = Goals, steps, reviews, signed versions. Only with consent.
register-data-sharing = Passing on
register-data-sharing-basis = Passing data on under a release. Only with consent.
register-data-documents = The person's documents
register-data-documents-basis = Letters, decisions, certificates. Only with consent; stored encrypted.
register-special = Specially protected content
register-special-intro = These columns are stored encrypted (health and every free text, decision 0011):
register-recipients = Recipients
register-recipients-intro = From the releases recorded: organisations of this deployment by name, other services by their kind (the name typed may be a private person and is not shown here).
register-recipients-none = No release recorded yet.
register-recipients-caption = Recipients by number of releases
register-recipient = Recipient
register-releases = Releases
register-persons = Persons
register-recipient-uncategorised = Other service, kind not given
register-directory-missing = There is no directory of services yet; the recipients come from the releases recorded alone.
register-retention = Retention
register-retention-caption = Retention as configured
register-retention-class = Kind of data
register-retention-months = Months
register-retention-sessions = Sessions and login throttling
register-retention-sessions-value = until they expire
register-measures = Technical and organisational measures
register-measure-encryption = Encryption at rest
register-measure-encryption-value = { $count ->
    [one] One column of specially protected content is encrypted (XChaCha20-Poly1305); the key is kept outside the database.
   *[other] { $count } columns of specially protected content are encrypted (XChaCha20-Poly1305); the key is kept outside the database.
}
register-measure-audit = Tamper-evident audit log
register-measure-audit-intact = Every access is recorded in a hash chain; last verified on { $at }: intact.
register-measure-audit-broken = Every access is recorded in a hash chain; last verified on { $at }: BROKEN.
register-measure-audit-never = Every access is recorded in a hash chain; never verified yet.
register-measure-access = Access policy
register-measure-access-value = Roles with need-to-know access (a person's data only for the IM of their case). Active accounts per role:
register-measure-sessions = Sessions
register-measure-sessions-value = Signed out after { $idle } minutes of inactivity, after { $hours } hours at the latest.
register-measure-backups = Backups
register-measure-backups-value = Operations set up backups outside the application (operations manual); they keep erased data until they expire and should be kept no longer than the shortest retention period.
