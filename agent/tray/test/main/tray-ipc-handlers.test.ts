import type { AgentStatus } from '@dlp/shared';
import { TRAY_CHANNELS, type ExceptionRequestInput } from '../../src/common/tray-api';
import { isPolicyHelpLink, registerTrayHandlers, type TrayBackend } from '../../src/main/tray-ipc-handlers';
import { FakeIpcMain } from './fake-electron';
import { sampleStatus } from './samples';

const page = 'file:///opt/dlp-tray/renderer/index.html';
const target = { kind: 'app' as const, sha256: 'c'.repeat(64), exePath: '/usr/bin/tool' };

function setup(status: AgentStatus | null = sampleStatus()) {
  const ipcMain = new FakeIpcMain();
  const calls: { name: string; args: unknown[] }[] = [];
  const opened: string[] = [];
  const backend: TrayBackend = {
    status: async () => (calls.push({ name: 'status', args: [] }), { ok: true, value: sampleStatus() }),
    recentBlocks: async () => (calls.push({ name: 'recentBlocks', args: [] }), { ok: true, value: [] }),
    myRequests: async () => (calls.push({ name: 'myRequests', args: [] }), { ok: true, value: [] }),
    requestException: async (input: ExceptionRequestInput) => (calls.push({ name: 'requestException', args: [input] }), { ok: false, failure: 'forbidden' }),
    unlock: async (code: string) => (calls.push({ name: 'unlock', args: [code] }), { ok: false, failure: 'agent-not-running' }),
    latestStatus: () => status,
  };
  const log: string[] = [];
  registerTrayHandlers(ipcMain, backend, { shell: { openExternal: async (url) => void opened.push(url) }, trustedPageUrl: page, log: (line) => log.push(line) });
  return { ipcMain, calls, opened, log };
}

describe('the main side of the TrayApi (ipcMain.handle)', () => {
  it('handles every channel the preload invokes', () => {
    const { ipcMain } = setup();
    const invoked = Object.entries(TRAY_CHANNELS).filter(([name]) => name !== 'notice' && name !== 'watermarkView');
    expect([...ipcMain.handlers.keys()].sort()).toEqual(invoked.map(([, channel]) => channel).sort());
  });

  it('passes valid calls through to the agent session', async () => {
    const { ipcMain, calls } = setup();
    expect(await ipcMain.invoke(TRAY_CHANNELS.status, `${page}#status`)).toMatchObject({ ok: true });
    expect(await ipcMain.invoke(TRAY_CHANNELS.requestException, page, { target, justification: '  month-end export  ', requestedMinutes: 120 })).toEqual({ ok: false, failure: 'forbidden' });
    expect(await ipcMain.invoke(TRAY_CHANNELS.unlock, page, 'ABCD-EFGH-JKMN')).toEqual({ ok: false, failure: 'agent-not-running' });
    // The justification is trimmed by the same schema the agent applies.
    expect(calls).toEqual([
      { name: 'status', args: [] },
      { name: 'requestException', args: [{ target, justification: 'month-end export', requestedMinutes: 120 }] },
      { name: 'unlock', args: ['ABCD-EFGH-JKMN'] },
    ]);
  });

  it('refuses malformed arguments before anything reaches the agent', async () => {
    const { ipcMain, calls } = setup();
    const refused = expect.objectContaining({ ok: false, failure: 'error', message: expect.stringContaining('invalid input') });
    expect(await ipcMain.invoke(TRAY_CHANNELS.unlock, page, 'X'.repeat(129))).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.unlock, page, { toString: 'ABCD' })).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.unlock, page, '')).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.requestException, page, { target, justification: '', requestedMinutes: 60 })).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.requestException, page, { target, justification: 'x', requestedMinutes: 60, user: 'lisi' })).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.requestException, page, { target: { kind: 'app', sha256: 'nope', exePath: 'relative' }, justification: 'x', requestedMinutes: 60 })).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.requestException, page, { target, justification: 'x', requestedMinutes: 10 ** 9 })).toEqual(refused);
    expect(await ipcMain.invoke(TRAY_CHANNELS.status, page, 'unexpected')).toEqual(refused);
    expect(calls).toEqual([]);
  });

  it('refuses calls from any frame but the tray page', async () => {
    const { ipcMain, calls, log } = setup();
    expect(await ipcMain.invoke(TRAY_CHANNELS.unlock, 'https://evil.example/', 'ABCD')).toMatchObject({ ok: false, failure: 'error' });
    expect(await ipcMain.invoke(TRAY_CHANNELS.status, 'file:///opt/dlp-tray/renderer/watermark.html')).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
    expect(log[0]).toContain('refused dlp:unlock from https://evil.example/');
  });

  it('opens only the policy\'s own http(s) help link', async () => {
    const { ipcMain, opened } = setup(sampleStatus({ notice: { helpUrl: 'https://help.example.com/dlp' } }));
    await ipcMain.invoke(TRAY_CHANNELS.openHelp, page, 'https://help.example.com/dlp');
    await ipcMain.invoke(TRAY_CHANNELS.openHelp, page, 'https://evil.example/');
    await ipcMain.invoke(TRAY_CHANNELS.openHelp, page, 'file:///etc/passwd');
    await ipcMain.invoke(TRAY_CHANNELS.openHelp, page, 'javascript:alert(1)');
    expect(opened).toEqual(['https://help.example.com/dlp']);
    expect(isPolicyHelpLink('https://help.example.com/dlp', null)).toBe(false);
    expect(isPolicyHelpLink('https://help.example.com/dlp', sampleStatus({ notice: {} }))).toBe(false);
  });
});
