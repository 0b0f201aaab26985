# ankommen — user interface, English

## Frame
skip-to-content = Skip to content
demo-banner = Demo mode: all data is invented and is reset at every start.
nav-label = Main navigation
nav-home = Start
nav-admin = Administration
nav-audit = Audit log
nav-account = My account
signed-in-as = Signed in as
search-label = Search for a client or case number
search-placeholder = Name or case number
search-submit = Search
logout = Log out
form-has-errors = Please check your input
error-ref-label = Reference
back-to-start = Back to the start page
save = Save
create = Create
choose = Please choose
none = – none –
all = All
filter = Filter
actions = Actions

## Error pages
error-page-not-found = Not found
error-page-not-found-text = This page or record does not exist, or you have no access to it.
error-page-forbidden = Not permitted
error-page-forbidden-text = Your role does not allow this action. The attempt has been recorded.
error-page-invalid = Invalid input
error-page-invalid-text = The request could not be processed. Please go back and try again.
error-page-conflict = Conflict
error-page-conflict-text = The record has been changed meanwhile or conflicts with existing data.
error-page-internal = Internal error
error-page-internal-text = An internal error occurred. Please give support the reference.
error-page-csrf = Security check failed
error-page-csrf-text = The form was out of date or did not come from this site. Please reload the page and try again.

## Login
login-title = Log in
login-username = User name
login-password = Password
login-submit = Log in
login-failed = User name or password is wrong.
login-busy = Very many people are logging in at this moment. Please try again in a few seconds.
login-throttled = { $minutes ->
    [one] Too many failed logins. Please try again in one minute.
   *[other] Too many failed logins. Please try again in { $minutes } minutes.
}
login-timed-out = Your session has expired. Please log in again.

## Set-up and password
setup-bootstrap-title = Set up ankommen
setup-bootstrap-intro = Enter the name of the county or city, its county office, and the first administrator account.
setup-deployment-name = County or city
setup-organisation-name = Name of the county office
setup-password-title = Set your password
setup-password-intro = Set a password for { $name }.
password-rules = At least 12 characters. A sentence of several words is safe and easy to remember.
field-new-password = New password
field-new-password-confirm = Repeat the new password
field-current-password = Current password

## Start
home-title = Overview
home-profile = Your profile
home-count-organisations = { $count ->
    [one] one organisation
   *[other] { $count } organisations
}
home-count-teams = { $count ->
    [one] one team
   *[other] { $count } teams
}
home-count-staff = { $count ->
    [one] one active person
   *[other] { $count } active people
}
home-count-pending = { $count ->
    [one] one person without a password
   *[other] { $count } people without a password
}
home-go-admin = Go to administration
home-dpo-text = Who accessed what, and when: the audit log shows every access and change, never content.
home-dpo-denied = See refused accesses
home-work = Case work
home-work-text = Your clients, integration plans and appointments appear here once case management is set up.
home-team = Your team
home-coverage = Coverage of the municipalities
home-coverage-text = How many integration managers of how many organisations serve each municipality.
home-coverage-organisations = Organisations
home-coverage-ims = Integration managers

## Fields
field-organisation = Organisation
field-team = Team
field-roles = Roles
field-role = Role
field-municipalities = Municipalities
field-municipalities-served = Municipalities served
field-municipality = Municipality
field-ags = AGS
field-ags-long = Official municipality key (AGS, 8 digits)
field-name = Name
field-display-name = Name
field-username = User name
field-email = E-mail
field-fte = Full-time equivalent (e.g. 0.75)
field-language = Language of the interface
field-kind = Kind
field-status = Status
field-team-name = Name of the team
status-active = active
status-inactive = deactivated
status-pending = password not yet set

## Roles and kinds of organisation
role-im = Integration management
role-team-lead = Team lead
role-coordinator = Coordination (county)
role-municipal-officer = Municipal integration officer
role-admin = Administration
role-dpo = Data protection
org-kind-county-office = County office
org-kind-municipality = Municipality
org-kind-provider = Welfare provider

## My account
account-title = My account
account-language = Language
account-password = Change password
account-change-password = Change password
sessions-title = My sessions
sessions-intro = Where you are logged in. End sessions you do not recognise, then change your password.
sessions-browser = Browser
sessions-started = Logged in at
sessions-last-seen = Last active
sessions-expires = Ends at the latest
sessions-this = this session
sessions-end = End

## Administration
admin-title = Administration
admin-own-organisation = Own organisation
organisations-title = Organisations
organisation-new = New organisation
organisation-edit = Edit organisation
organisation-municipality-hint = Only for municipalities that employ their own staff.
organisation-staff-link = People of this organisation
municipalities-title = Municipalities
municipalities-intro = The county's municipalities with their official key.
municipality-new = New municipality
municipality-edit-title = Edit municipality
teams-title = Teams
teams-none = No teams yet.
team-new = New team
team-edit-title = Edit team
back-to-organisation = Back to the organisation
service-areas-title = Municipalities served (service area)
service-areas-intro = The organisation's staff counsel and register clients only in these municipalities. When a client moves to a municipality the organisation does not serve, the case is closed and handed over to an organisation that serves it.
service-areas-none = This organisation serves no municipality yet.
service-area-from = From
service-area-until = Until
service-area-current = served
service-area-future = starts later
service-area-ended = ended
service-area-new = Add a municipality
service-area-add = Add municipality
service-area-end-title = End the service of a municipality
service-area-end-hint = From the day after, the organisation registers nobody there. Running cases stay until they are handed over or closed.
service-area-since = since { $date }
service-area-last-day = Last day served
service-area-end = End service
staff-municipalities-hint = Only municipalities the person's organisation serves (see the organisation's page).
staff-move-hint = A person who moves to another organisation must hold no case of the old one: the team lead hands them over first. With the move their shares and sessions end; the old team and municipalities the new organisation does not serve are removed.
staff-title = People
staff-new-title = New person
staff-search = Name or user name
staff-include-inactive = include deactivated
staff-count = { $count ->
    [one] one person
   *[other] { $count } people
}
staff-setup-link = One-time link to set the password
staff-setup-link-text = Give this link to the person by a secure channel. It is valid for 72 hours and works once. It will not be shown again.
staff-deactivate-hint = Deactivated people cannot log in from their next request on; their records are kept.
staff-access = Access
staff-has-password = The person has set a password.
staff-no-password = The person has not set a password yet.
staff-new-setup-link = Create a new one-time link
staff-audit-link = Audit log of this person

## Audit log
audit-title = Audit log
audit-intro = Every access and every change is recorded with person, time and outcome — never with content. The log cannot be altered.
audit-from = From
audit-to = To
audit-action = Action
audit-object-kind = Object kind
audit-object-id = Object no.
audit-actor-id = Person no.
audit-denied-only = refused only
audit-count = { $count ->
    [one] one entry
   *[other] { $count } entries
}
audit-when = When
audit-who = Who
audit-object = Object
audit-outcome = Outcome
audit-request = Request
audit-unknown-actor = unknown/system
audit-denied = refused
audit-allowed = allowed
pager = Pages
pager-previous = Previous page
pager-next = Next page
pager-page = Page

## Messages
flash-saved = Saved.
flash-logged-out = You are logged out.
flash-password-set = Your password is set. You can log in now.
flash-password-changed = Your password was changed. Your other sessions were ended.
flash-session-ended = The session was ended.
flash-staff-created = The person was created.

## Input errors
error-required = Please fill in.
error-out-of-range = Please enter a whole number within the allowed range.
error-too-long = The input is too long.
error-control-chars = The input contains control characters.
error-bidi-chars = Contains invisible writing-direction control characters (such as U+202E). Please type the name instead of pasting it.
error-choice = Please choose an entry from the list.
error-form = The form is incomplete. Please reload the page.
error-ags-format = The AGS has exactly 8 digits, e.g. 08118048.
error-ags-land = The first two digits of the AGS are the Land (01 to 16).
error-ags-taken = A municipality with this AGS exists already.
error-username-length = The user name has 3 to 64 characters.
error-username-chars = Allowed are lower-case a–z, digits, dot, hyphen and underscore.
error-username-taken = This user name is taken.
error-password-short = The password must have at least 12 characters.
error-password-mismatch = The two passwords do not match.
error-current-password = The current password is wrong.
error-password-attempts = Too many attempts with the current password. Please try again in a quarter of an hour.
error-email = Please enter a valid e-mail address.
error-fte = The full-time equivalent is between 0 and 1, e.g. 0.5.
error-duplicate = Such an entry exists already.
error-reference = A linked entry is missing.
error-stale = Someone else has changed this record meanwhile. Your input is kept below; reload the page to see the current version and carry your changes over.
sealed-unreadable = [Encrypted content cannot be opened]
sealed-unreadable-form = The stored text cannot be opened (another key, altered, or copied back from an earlier version). Saving replaces it with what you enter here.
error-sealed-unreadable = An encrypted content cannot be opened: it is encrypted with another key, was altered, or was copied back from an earlier version. Please contact the administration.
error-name-taken = This name is taken.
error-municipality-required = For a municipality as organisation, please choose the municipality.
error-municipality-unknown = This municipality does not exist.
error-cannot-deactivate-own-organisation = Your own organisation cannot be deactivated.
error-role-required = Please choose at least one role.
error-role-not-in-organisation = Coordination exists only at the county office, municipal integration officers only at a municipality.
error-team-not-in-organisation = The team does not belong to this organisation.
error-cannot-deactivate-self = You cannot deactivate yourself.
error-cannot-drop-own-admin = You cannot remove your own administrator role.
error-cannot-change-own-roles = Only another administrator can change your own roles.
error-cannot-change-own-organisation = Only another administrator can change your own organisation.
error-admin-role-alone = The administrator role cannot be combined with IM, team lead or data protection in one account.
error-inactive = The person is deactivated.
error-organisation-unknown = There is no such organisation.
error-service-area-overlap = The organisation already serves this municipality in this period.
error-service-area-until = The last day is before the service began.
error-municipality-not-in-service-area = The organisation does not serve all the municipalities chosen. Please choose only those its page lists as served.
error-move-holds-cases = { $count ->
    [one] One case of the current organisation is still assigned to this person (closed ones count too). The team lead hands it over to someone else first; then the move is possible.
   *[other] { $count } cases of the current organisation are still assigned to this person (closed ones count too). The team lead hands them over to others first; then the move is possible.
}

crossing-title = Continue to ankommen?
crossing-text = You opened this page from a link on another website. To protect your clients’ data, it is shown only once you confirm here.
crossing-continue = Continue to the page
