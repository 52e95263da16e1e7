/** Uninstall codes on the host page (issue 14). */
export const uninstallEn = {
  'uninstall.open': 'Uninstall code',
  'uninstall.title': 'Uninstall code for {host}',
  'uninstall.intro':
    'While this agent enforces a policy, removing its package (apt-get remove, dnf remove) is refused without a code from the console. The code works once, on this host only, and the removal is reported as an event naming it.',
  'uninstall.duration': 'Valid for',
  'uninstall.duration.60': '1 hour',
  'uninstall.duration.480': '8 hours',
  'uninstall.duration.1440': '1 day',
  'uninstall.duration.10080': '7 days',
  'uninstall.reason': 'Reason (kept in the audit log)',
  'uninstall.reasonMissing': 'Give a reason: the audit log records why the agent may be removed.',
  'uninstall.issue': 'Issue uninstall code',
  'uninstall.codeLabel': 'Uninstall code',
  'uninstall.validUntil': 'Valid until {time}.',
  'uninstall.howTo': 'On the workstation, as root:',
  'uninstall.orDnf': 'or: sudo dnf remove dlp-agent',
} as const;
