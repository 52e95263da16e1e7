import type { AgentInfo, CapabilityReport } from '@dlp/shared';
import { useI18n, type I18n } from '../../i18n';
import { OS_NAMES } from './os-names';

/**
 * in-force: works as intended; limited: works with a weaker guarantee; absent: not enforced on this
 * host (a problem); residual: the platform offers no way to do it (information, never red).
 */
type CapabilityLevel = 'in-force' | 'limited' | 'absent' | 'residual';

interface CapabilityLine {
  level: CapabilityLevel;
  text: string;
}

const LEVEL_MARKS: Record<CapabilityLevel, string> = { 'in-force': '✓', limited: '!', absent: '✕', residual: '–' };

/**
 * The controls an agent says are really in force, worded honestly (handbook principle 6): a control
 * the agent cannot enforce on its OS is shown as such, never hidden.
 */
export function describeCapabilities(report: CapabilityReport, os: AgentInfo['os'], t: I18n['t']): CapabilityLine[] {
  const lines: CapabilityLine[] = [];
  const apps = report.apps;
  const appDetails = [t(apps.failMode === 'open' ? 'cap.apps.failOpen' : 'cap.apps.failClosed')];
  if (apps.helper && !apps.helper.running) appDetails.push(t('cap.apps.helperStopped'));
  if (apps.helper && apps.helper.timeouts > 0) appDetails.push(t('cap.apps.helperTimeouts', { count: apps.helper.timeouts }));
  if (apps.method === 'fanotify') {
    lines.push({ level: apps.helper?.running === false ? 'limited' : 'in-force', text: `${t('cap.apps.fanotify')} · ${appDetails.join(' · ')}` });
  } else if (apps.method === 'proc-scan') {
    lines.push({ level: 'limited', text: `${t('cap.apps.procScan')} · ${appDetails.join(' · ')}` });
  } else {
    lines.push({ level: 'absent', text: t('cap.apps.none') });
  }
  // The BPF LSM adds to fanotify where the kernel runs it; a kernel without it is the platform's limit, not a fault.
  if (apps.lsm?.state === 'active') lines.push({ level: 'in-force', text: t('cap.apps.lsmActive') });
  else if (apps.lsm && apps.lsm.state !== 'off') lines.push({ level: 'residual', text: t('cap.apps.lsmMissing', { reason: apps.lsm.message ?? apps.lsm.state }) });

  if (report.usb.method === 'sysfs-authorized') {
    lines.push({ level: 'in-force', text: report.usb.mountGuard ? `${t('cap.usb.sysfs')} · ${t('cap.usb.mountGuard')}` : t('cap.usb.sysfs') });
  } else {
    lines.push({ level: 'absent', text: t('cap.usb.none') });
  }

  lines.push(
    report.screen.captureToolBlocking
      ? { level: 'in-force', text: t('cap.screen.toolsOn') }
      : { level: 'absent', text: t('cap.screen.toolsOff') },
  );
  lines.push(
    report.screen.windowCaptureExclusion
      ? { level: 'in-force', text: t('cap.screen.exclusionOn') }
      : // No Linux API lets a window exclude itself from capture: a residual of the platform, not of this host.
        { level: os === 'linux' ? 'residual' : 'absent', text: t('cap.screen.exclusionOff', { os: OS_NAMES[os] }) },
  );
  // Hardening is a problem only when the policy asks for it and it is not in force.
  for (const h of report.hardening ?? []) {
    if (h.requested && (h.state === 'failed' || h.state === 'unavailable')) lines.push({ level: 'absent', text: t('cap.hardening.problem', { switch: h.switch, state: h.state }) });
    else if (h.state === 'on') lines.push({ level: 'in-force', text: t('cap.hardening.on', { switch: h.switch, value: h.value ?? '' }) });
  }
  return lines;
}

/**
 * Residual limits and how the console key was pinned: information, never a red mark (every Linux
 * host has residuals; the switch that closes one is named).
 */
export function describeIntegrityInfo(report: CapabilityReport, t: I18n['t']): string[] {
  const info: string[] = [];
  if (report.trust) info.push(t(`cap.trust.key.${report.trust.consoleKey}`));
  for (const residual of report.residuals ?? []) {
    const name = t(`cap.residual.${residual.id}`);
    // Closed without a switch: the pre-exec helper or the policy itself closes it on this host.
    if (!residual.closedBy) info.push(residual.state === 'closed' ? `${name} · ${t('cap.residual.closed')}` : name);
    else info.push(`${name} · ${t(residual.state === 'closed' ? 'cap.residual.closedBy' : 'cap.residual.closableBy', { switch: residual.closedBy })}`);
  }
  return info;
}

/**
 * The capability lines of an agent (the agent table's details, the host page). `residualsOpen`
 * shows the residual limits unfolded (the host page, where they are part of the answer).
 */
export function CapabilityList({ report, os, residualsOpen = false }: { report: CapabilityReport | null; os: AgentInfo['os']; residualsOpen?: boolean }) {
  const { t } = useI18n();
  if (!report) return <span className="muted">{t('cap.notReported')}</span>;
  const integrity = describeIntegrityInfo(report, t);
  return (
    <ul className="capabilities">
      {describeCapabilities(report, os, t).map((line) => (
        <li key={line.text} className={`capability capability-${line.level}`}>
          <span className="capability-mark" aria-hidden="true">
            {LEVEL_MARKS[line.level]}
          </span>
          {line.text}
        </li>
      ))}
      {report.notes.map((note) => (
        <li key={`note:${note}`} className="capability capability-note">
          {note}
        </li>
      ))}
      {integrity.length > 0 && (
        <li className="capability capability-note">
          <details open={residualsOpen}>
            <summary>{t('cap.residuals')}</summary>
            <ul>
              {integrity.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </details>
        </li>
      )}
    </ul>
  );
}
