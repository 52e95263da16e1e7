/** Change-password screen and the header's account entries (English). */
export const accountEn = {
  'nav.changePassword': 'Change password',

  'password.title': 'Change password',
  'password.forcedTitle': 'Set a new password',
  'password.forcedIntro': 'Your password must be replaced before you can continue (it was issued to you, reset by an administrator, or is too old).',
  'password.intro': 'Your other sessions are signed out when the password changes; this one stays.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'Repeat the new password',
  'password.rules': 'At least 12 characters, not containing your user name, and not a commonly used password.',
  'password.submit': 'Change password',
  'password.submitting': 'Changing…',
  'password.changed': 'Your password has been changed.',
  'password.mismatch': 'The two new passwords are not the same.',
  'password.missing': 'Fill in the current and the new password.',
  'password.wrongCurrent': 'The current password is wrong.',
  'password.rule.password_too_short': 'The new password is too short: use at least 12 characters.',
  'password.rule.password_contains_username': 'The new password must not contain your user name.',
  'password.rule.password_common': 'The new password is too common: it is on the list of passwords attackers try first.',
  'password.rule.password_unchanged': 'The new password must differ from the current one.',
  'password.signOutInstead': 'Sign out instead',
} as const;
