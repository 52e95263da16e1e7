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
} as const;
