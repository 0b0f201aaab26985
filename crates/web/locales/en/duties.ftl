# Separation of duties and the access record (issue 21)

confirmations-title = Confirmations
confirmations-intro = These requests need a second person's confirmation. Whoever asked, or whom a request concerns, cannot confirm it.
confirmations-none = No request is waiting for your confirmation.
confirmations-when = Requested on
confirmations-what = Request
confirmations-asked-by = Requested by
confirmations-reason = Reason
confirmations-decision = Decision
confirmations-confirm = Confirm
confirmations-decline = Decline
confirmations-kind-password-reset = Reset the password of { $staff }
confirmations-kind-case-takeover = Take over case { $case } oneself
confirmations-link-text = The reset is confirmed. Hand this link to the person securely. It is valid for 72 hours and works once; at their next login the person learns who reset their password and who confirmed it.
confirmations-flash-confirmed = Confirmed: the case is handed over.
confirmations-flash-declined = Declined.
home-pending-confirmations = { $count ->
    [one] One request is waiting for your confirmation.
   *[other] { $count } requests are waiting for your confirmation.
}
notice-password-reset = Your password was reset
notice-password-reset-text = If you did not ask for this, contact your data-protection officer.
notice-case-reassigned = Case { $case } was handed to someone else
notice-when = When
notice-by = By
notice-confirmed-by = Confirmed by
notice-dismiss = Mark as read
notice-flash-dismissed = Notice marked as read.
staff-flash-reset-requested = The reset is requested. A second administrator must confirm it; only then is the link created.
caseload-reassign-to-self = myself (needs a second person's confirmation)
caseload-flash-takeover-requested = Takeover requested. Another team lead or your organisation's administration must confirm it.
staff-changes-title = Changes to accounts
staff-changes-intro = Every change of roles or organisation and every password reset, with the old and new value, who made it and who confirmed it.
staff-changes-none = No changes yet.
staff-changes-count = { $count ->
    [one] One change
   *[other] { $count } changes
}
staff-changes-account = Account
staff-changes-what = Change
staff-changes-old = Before
staff-changes-new = After
staff-changes-by = Made by
staff-changes-confirmed-by = Confirmed by
staff-change-roles = Roles
staff-change-organisation = Organisation
staff-change-password_reset = Password reset
staff-change-password-set = Password set
staff-change-password-reset = Reset (one-time link)
privacy-print-hint = This page can be printed (Ctrl+P); navigation and links do not appear on the printout.
error-full-name = Please give the full name (given and family name).
error-lookup-limit = Too many searches in a short time. Please wait a few minutes.
error-reset-own = You change your own password under "My account".
error-takeover-not-possible = The takeover is no longer possible: the person is no longer active as an integration manager in this organisation.
audit-action-duplicate_hints_shown = Hint at a possible duplicate shown
audit-action-password_reset_requested = Password reset requested
audit-action-password_reset_decided = Password reset decided
audit-action-case_takeover_requested = Takeover of a case requested
audit-action-case_takeover_decided = Takeover of a case decided
audit-action-staff_changes_viewed = Changes to accounts viewed
