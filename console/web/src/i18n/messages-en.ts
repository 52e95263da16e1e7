import { accountEn } from './catalogue/account-en';
import { integrityEn } from './catalogue/integrity-en';
import { reportsEn } from './catalogue/reports-en';
import { auditEn } from './catalogue/audit-en';
import { exceptionsEn } from './catalogue/exceptions-en';
import { groupsEn } from './catalogue/groups-en';
import { enrollmentEn } from './catalogue/enrollment-en';
import { managementEn } from './catalogue/management-en';
import { policiesEn } from './catalogue/policies-en';
import { usersEn } from './catalogue/users-en';
import { alertsEn } from './catalogue/alerts-en';
import { alertsInboxEn } from './catalogue/alerts-inbox-en';
import { agentPlacementEn } from './catalogue/agent-placement-en';
import { settingsEn } from './catalogue/settings-en';
import { agentClockEn } from './catalogue/agent-clock-en';
import { fleetEn } from './catalogue/fleet-en';
import { hostEn } from './catalogue/host-en';
import { hostScanEn } from './catalogue/host-scan-en';
import { searchEn } from './catalogue/search-en';
import { agentTableEn } from './catalogue/agent-table-en';
import { contentEn } from './catalogue/content-en';
import { policyFormEn } from './catalogue/policy-form-en';
import { impactEn } from './catalogue/impact-en';
import { errorsEn } from './catalogue/errors-en';
import { uninstallEn } from './catalogue/uninstall-en';

/**
 * English UI texts. This object defines the set of message keys: every other language must provide
 * exactly these keys (checked by the type of `messagesZhCn` and by a test).
 * Placeholders are written `{name}` and filled by `t(key, { name })`.
 */
export const messagesEn = {
  'app.productName': 'Endpoint DLP Console',
  'app.documentTitle': 'Endpoint DLP Console',
  'app.loading': 'Loading…',
  'app.unreachable.title': 'The console cannot be reached',
  'app.unreachable.body': 'Check your network connection, then try again.',

  'nav.label': 'Main navigation',
  'nav.agents': 'Agents',
  'nav.events': 'Events',

  'header.userLabel': 'Signed in as {username} ({role})',
  'header.language': 'Language',
  'header.logout': 'Sign out',
  'header.logoutFailed': 'Sign-out failed: {reason}',

  'role.admin': 'Administrator',
  'role.officer': 'Security officer',
  'role.auditor': 'Auditor',

  'common.retry': 'Try again',
  'common.none': '—',
  'common.loadMore': 'Load more',
  'common.loadingMore': 'Loading…',
  'common.updated': 'Updated {time}',

  'error.network': 'Cannot reach the console. Check your network connection.',
  'error.sessionExpired': 'Your session has ended. Please sign in again.',
  'error.forbidden': 'Your role does not allow this.',
  'error.rateLimited': 'Too many requests. Wait a minute and try again.',
  'error.invalidResponse': 'The console sent a response this page does not understand.',
  'error.server': 'The console reported an error: {message}',

  'login.title': 'Sign in',
  'login.subtitle': 'For administrators, security officers and auditors.',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.missingFields': 'Enter your username and password.',
  'login.invalidCredentials': 'Wrong username or password. After 5 failed attempts an account is locked for 15 minutes.',
  'login.network': 'Cannot reach the console. Check your network connection and try again.',
  'login.rateLimited': 'Too many sign-in attempts. Wait a minute and try again.',
  'login.failed': 'Sign-in failed: {message}',

  'agents.title': 'Agents',
  'agents.summary': '{total} enrolled · {online} online',
  'agents.col.host': 'Host',
  'agents.col.os': 'OS',
  'agents.col.user': 'User',
  'agents.col.version': 'Agent version',
  'agents.col.status': 'Status',
  'agents.col.lastSeen': 'Last seen',
  'agents.col.policy': 'Policy applied',
  'agents.col.capabilities': 'Controls in force',
  'agents.status.online': 'Online',
  'agents.status.offline': 'Offline',
  'agents.status.revoked': 'Revoked',
  'agents.lastSeen.never': 'Never',
  'agents.policy.none': 'None yet',
  'agents.policy.named': '{name} v{version}',
  'agents.policy.serial': 'serial {serial}',
  'agents.policy.olderVersion': 'serial {serial} (older version)',
  'agents.empty.title': 'No agents enrolled yet',
  'agents.empty.intro': 'Agents appear here as soon as they enroll. To enroll a workstation:',
  'agents.empty.step1':
    'Get an enroll secret: an administrator creates one with POST /api/v1/enroll-secrets, or starts the console with DLP_LOCAL_ENROLL_SECRET set. The secret is shown only once.',
  'agents.empty.step2': 'Install the agent on the workstation and put this in its configuration file:',
  'agents.empty.step3':
    'Start the agent service. It enrolls once, keeps its own credentials, and shows up here as online.',

  'cap.notReported': 'Not reported yet',
  'cap.apps.fanotify': 'App control: fanotify (before start)',
  'cap.apps.procScan': 'App control: /proc scan (after start)',
  'cap.apps.none': 'App control: not available',
  'cap.apps.failOpen': 'fails open',
  'cap.apps.failClosed': 'fails closed',
  'cap.apps.helperStopped': 'exec helper not running',
  'cap.apps.helperTimeouts': 'decision timeouts: {count}',
  'cap.usb.sysfs': 'USB storage: sysfs authorization',
  'cap.usb.mountGuard': 'with mount guard',
  'cap.usb.none': 'USB storage: not available',
  'cap.screen.toolsOn': 'Capture-tool blocking: available',
  'cap.screen.toolsOff': 'Capture-tool blocking: not available',
  'cap.screen.exclusionOn': 'Window capture exclusion: available',
  'cap.screen.exclusionOff': 'Window capture exclusion: not available on {os}',

  'events.title': 'Events',
  'events.subtitle': 'Newest first. New events appear live.',
  'events.col.time': 'Time',
  'events.col.host': 'Host',
  'events.col.user': 'User',
  'events.col.type': 'Type',
  'events.col.action': 'Action',
  'events.col.severity': 'Severity',
  'events.col.rule': 'Rule',
  'events.col.subject': 'Subject',
  'events.filter.action': 'Action',
  'events.filter.type': 'Type',
  'events.filter.all': 'All',
  'events.filters': 'Filters',
  'events.empty': 'No events match these filters yet. New events will appear here as they arrive.',
  'events.open': 'Open this {type} event of {host} in Search & triage',
  'events.loadOlder': 'Load older events',
  'events.shown': 'Rows shown: {count}',

  'connection.label': 'Live updates',
  'connection.connecting': 'Connecting…',
  'connection.live': 'Live',
  'connection.reconnecting': 'Reconnecting…',

  'action.blocked': 'Blocked',
  'action.would-block': 'Would block',
  'action.allowed': 'Allowed',
  'action.info': 'Info',

  'type.app': 'Application',
  'type.usb': 'USB device',
  'type.screen-capture': 'Screen capture',
  'type.bypass': 'Bypass caught',
  'type.content': 'Content (PII)',
  'type.policy': 'Policy',
  'type.agent': 'Agent',
  'type.gap': 'Gap',

  'severity.low': 'Low',
  'severity.medium': 'Medium',
  'severity.high': 'High',
  'severity.critical': 'Critical',

  'subject.process.sha': 'sha256 {short}',
  'subject.process.fanotify': 'stopped before start',
  'subject.process.procScan': 'stopped after start',
  'subject.process.suppressed': '+{count} identical',
  'subject.process.viaScript': 'run through {interpreter} (script)',
  'subject.process.viaLoader': 'run through {interpreter} (loader)',
  'subject.device.id': 'USB {vendorId}:{productId}',
  'subject.device.serial': 'S/N {serial}',
  'subject.device.mount': 'mounted at {path}',
  'usbOutcome.inserted': 'inserted',
  'usbOutcome.removed': 'removed',
  'usbOutcome.device-blocked': 'whole device blocked',
  'usbOutcome.interface-blocked': 'storage interface blocked, other functions keep working',
  'usbOutcome.unmounted': 'unmounted',
  'usbOutcome.read-only': 'mounted read-only',
  'usbOutcome.allowed-by-exception': 'allowed by exception',
  'usbOutcome.allowed-by-unlock-code': 'allowed by unlock code',
  'usbOutcome.exception-expired': 'exception expired',
  'usbOutcome.enforcement-failed': 'could not be made read-only: writes may still reach the device',
  'usbWriteProtection.remount': 'remounted read-only',
  'usbWriteProtection.writers-stopped': 'writers stopped, then remounted read-only',
  'usbWriteProtection.filesystem-shutdown': 'file system shut down: every write fails',
  'usbWriteProtection.device-cut': 'device cut off',
  'subject.device.stoppedWriters': 'stopped {count} writer(s): {list}',
  'subject.policy.serial': 'Policy serial {serial}',
  'subject.gap': 'Events dropped by the agent: {dropped} (seq {fromSeq}–{toSeq})',
  'subject.file.match': '{detector} ×{count}',

  'detector.cn-resident-id': 'Resident ID number',
  'detector.cn-mobile': 'Mobile number',
  'detector.bank-card': 'Bank card number',
  'detector.cn-uscc': 'Unified social credit code',
  'detector.email': 'Email address',

  'chart.title': 'Events per minute, last hour',
  'chart.summary': 'Last hour, {total} in total: {parts}. Busiest minute: {peakTime} ({peak}).',
  'chart.summaryEmpty': 'No events in the last hour.',
  'chart.part': '{action} {count}',
  'chart.bar': '{time}: {parts}',
  'chart.barEmpty': '{time}: no events',
  'chart.now': 'now',
  'chart.truncated': 'Counts only the newest {count} events of this hour.',
  // The management pages' texts live in catalogue/, one file per area, to keep files small.
  ...integrityEn,
  ...accountEn,
  ...managementEn,
  ...exceptionsEn,
  ...policiesEn,
  ...groupsEn,
  ...enrollmentEn,
  ...auditEn,
  ...usersEn,
  ...reportsEn,
  ...alertsEn,
  ...alertsInboxEn,
  ...agentPlacementEn,
  ...settingsEn,
  ...agentClockEn,
  ...fleetEn,
  ...hostEn,
  ...hostScanEn,
  ...searchEn,
  ...agentTableEn,
  ...contentEn,
  ...policyFormEn,
  ...impactEn,
  ...errorsEn,
  ...uninstallEn,
} as const;

/** A key of the UI message catalogue. */
export type MessageKey = keyof typeof messagesEn;
