import type { CapabilityReport } from '@dlp/shared';
import { translate } from '../../i18n/language';
import type { MessageKey } from '../../i18n/messages-en';
import { describeCapabilities, describeIntegrityInfo } from './capability-list';

const tEn = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);

const linuxFallback: CapabilityReport = {
  apps: { method: 'proc-scan', preExec: false, failMode: 'open' },
  usb: { method: 'sysfs-authorized', mountGuard: true },
  screen: { captureToolBlocking: true, windowCaptureExclusion: false },
  notes: [],
};

describe('describeCapabilities', () => {
  it('says plainly that the /proc fallback stops programs only after they start', () => {
    const [apps] = describeCapabilities(linuxFallback, 'linux', tEn);
    expect(apps).toEqual({ level: 'limited', text: 'App control: /proc scan (after start) · fails open' });
  });

  it('reports pre-exec blocking with helper trouble when the helper misbehaves', () => {
    const report: CapabilityReport = {
      ...linuxFallback,
      apps: { method: 'fanotify', preExec: true, failMode: 'closed', helper: { running: true, restarts: 0, timeouts: 3, cacheHitRate: 0.9 } },
    };
    const [apps] = describeCapabilities(report, 'linux', tEn);
    expect(apps).toEqual({ level: 'in-force', text: 'App control: fanotify (before start) · fails closed · decision timeouts: 3' });
  });

  it('never hides a control the OS cannot provide', () => {
    const texts = describeCapabilities(linuxFallback, 'linux', tEn).map((line) => line.text);
    expect(texts).toContain('Window capture exclusion: not available on Linux');
    // A platform residual on Linux: shown, but never as a red ✕ of this host.
    expect(describeCapabilities(linuxFallback, 'linux', tEn).find((line) => line.text.startsWith('Window capture'))?.level).toBe('residual');
    expect(texts).toContain('USB storage: sysfs authorization · with mount guard');
    const bare: CapabilityReport = { ...linuxFallback, apps: { method: 'none', preExec: false, failMode: 'open' }, usb: { method: 'none', mountGuard: false } };
    const levels = describeCapabilities(bare, 'windows', (key, params) => translate('zh-CN', key, params));
    expect(levels.map((line) => line.level)).toEqual(['absent', 'absent', 'in-force', 'absent']);
    expect(levels[3]?.text).toBe('窗口防截屏：Windows 上不可用');
  });

  it('shows residual limits as information and a requested hardening switch that is not in force as a problem', () => {
    const report: CapabilityReport = {
      ...linuxFallback,
      trust: { consoleKey: 'first-use', consoleCert: 'none' },
      hardening: [
        { switch: 'restrictUserNamespaces', requested: true, state: 'failed', value: 'user.max_user_namespaces=96367' },
        { switch: 'memfdNoexec', requested: true, state: 'on', value: 'vm.memfd_noexec=2' },
      ],
      residuals: [
        { id: 'stdin-scripts', state: 'open' },
        { id: 'anonymous-exec-memory', closedBy: 'memfdNoexec', state: 'closed' },
        { id: 'direct-loader', state: 'closed' },
        { id: 'user-fuse-mounts', closedBy: 'fuseSysAdminAccess', state: 'open' },
      ],
    };
    const lines = describeCapabilities(report, 'linux', tEn);
    expect(lines.slice(4)).toEqual([
      { level: 'absent', text: 'Hardening restrictUserNamespaces requested but not in force (failed)' },
      { level: 'in-force', text: 'Hardening memfdNoexec: on (vm.memfd_noexec=2)' },
    ]);
    expect(describeIntegrityInfo(report, tEn)).toEqual([
      'Console key pinned on first use',
      'scripts piped on stdin by a program that is no interpreter, or passed as command-line text (bash -c "$(cat x.sh)"), are not judged',
      'code run from memfd or anonymous memory · closed by hardening switch memfdNoexec',
      'the dynamic loader run directly on a file · closed on this host',
      'programs on other users’ FUSE mounts are not judged · hardening switch fuseSysAdminAccess closes it',
    ]);
    expect(describeIntegrityInfo(report, (key, params) => translate('zh-CN', key, params))[0]).toBe('控制台密钥在首次连接时固定');
    // Residuals alone never add a red line.
    expect(describeCapabilities({ ...linuxFallback, residuals: report.residuals }, 'linux', tEn)).toHaveLength(4);
  });
});
