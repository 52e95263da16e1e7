/** The console settings page (English). */
export const settingsEn = {
  'nav.settings': 'Settings',
  'settings.title': 'Settings',
  'settings.subtitle': 'Console-wide rules that apply to every account.',
  'settings.save': 'Save settings',
  'settings.saved': 'Settings saved.',
  'settings.rotation.title': 'Password rotation',
  'settings.rotation.intro':
    'When on, a password older than the period must be changed before its owner can do anything else in the console. It applies to every account from their next request, including passwords that are already older.',
  'settings.rotation.enable': 'Require a new password regularly',
  'settings.rotation.days': 'Maximum password age (days)',
  'settings.rotation.daysHint': 'Whole days from 1 to 3650, e.g. 90 for a quarterly change.',
  'settings.rotation.invalid': 'Enter a whole number of days from 1 to 3650.',
  'settings.rotation.currentOff': 'Now: no forced rotation.',
  'settings.rotation.currentOn': 'Now: passwords must be changed every {days} days.',
  'settings.identity.title': 'Workstation accounts',
  'settings.identity.intro':
    'Agents report the workstation user who asks for an exception (for example CORP\\olga or olga@corp.example). These rules tie such names to console accounts, so nobody can approve, deny or issue an unlock code for a request they made themselves.',
  'settings.identity.patternHint':
    'Rules are tried in order; the first whose pattern matches the whole name wins. In a pattern, {user} is the part that becomes the account, * matches anything, and letter case does not matter. Example: pattern CORP\\{user}, account {user}.',
  'settings.identity.pattern': 'Reported name pattern (rule {row})',
  'settings.identity.account': 'Console account (rule {row})',
  'settings.identity.remove': 'Remove rule {row}',
  'settings.identity.add': 'Add a rule',
  'settings.identity.stripDomain': 'When no rule matches, drop a DOMAIN\\ prefix and an @domain suffix',
  'settings.identity.try': 'Try a reported name',
  'settings.identity.mapsTo': 'Maps to the console account “{account}”.',
  'settings.identity.mapsToNone': 'Maps to no console account.',
  'settings.identity.invalid': 'Rule {row} is not valid: a pattern may hold {user} once and * at most twice; an account may use {user} only if its pattern does.',
  'settings.identity.save': 'Save account mapping',
  'settings.identity.saved': 'Account mapping saved.',
} as const;
