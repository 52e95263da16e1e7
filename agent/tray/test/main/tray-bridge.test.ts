import { EventEmitter } from 'node:events';
import { TRAY_CHANNELS } from '../../src/common/tray-api';
import { createTrayBridge, createWatermarkBridge, type RendererIpcPort } from '../../src/preload/tray-bridge';

/** ipcRenderer as the preload sees it: invoke answers from a table, pushed messages come with an event. */
class FakeRendererIpc extends EventEmitter implements RendererIpcPort {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return { ok: true, value: channel };
  }
  push(channel: string, payload: unknown): void {
    this.emit(channel, { sender: 'the IPC event, which must not reach the page' }, payload);
  }
}

describe('the preload bridges', () => {
  it('dlpTray: each call is one invoke on its channel, with the arguments as given', async () => {
    const ipc = new FakeRendererIpc();
    const api = createTrayBridge(ipc, 'zh-CN');
    expect(api.locale()).toBe('zh-CN');
    expect(await api.status()).toEqual({ ok: true, value: TRAY_CHANNELS.status });
    await api.recentBlocks();
    await api.myRequests();
    const input = { target: { kind: 'app' as const, sha256: 'b'.repeat(64), exePath: '/usr/bin/x' }, justification: 'why', requestedMinutes: 30 };
    await api.requestException(input);
    await api.unlock('ABCD');
    expect(await api.openHelp('https://help.example.com/')).toBeUndefined();
    expect(ipc.invoked).toEqual([
      { channel: TRAY_CHANNELS.status, args: [] },
      { channel: TRAY_CHANNELS.recentBlocks, args: [] },
      { channel: TRAY_CHANNELS.myRequests, args: [] },
      { channel: TRAY_CHANNELS.requestException, args: [input] },
      { channel: TRAY_CHANNELS.unlock, args: ['ABCD'] },
      { channel: TRAY_CHANNELS.openHelp, args: ['https://help.example.com/'] },
    ]);
  });

  it('dlpTray.onNotice hands the page the notice only, and unsubscribes', () => {
    const ipc = new FakeRendererIpc();
    const api = createTrayBridge(ipc, 'en');
    const seen: unknown[] = [];
    const unsubscribe = api.onNotice((notice) => seen.push(notice));
    ipc.push(TRAY_CHANNELS.notice, { kind: 'status' });
    unsubscribe();
    ipc.push(TRAY_CHANNELS.notice, { kind: 'status', again: true });
    expect(seen).toEqual([{ kind: 'status' }]);
    expect(ipc.listenerCount(TRAY_CHANNELS.notice)).toBe(0);
  });

  it('dlpWatermark: the first view, then each pushed change', () => {
    const ipc = new FakeRendererIpc();
    const first = { user: 'u', host: 'h', text: 't', opacity: 0.1, width: 100, height: 50, scaleFactor: 1 };
    const api = createWatermarkBridge(ipc, first);
    expect(api.view()).toEqual(first);
    const changes: unknown[] = [];
    api.onChange((view) => changes.push(view));
    ipc.push(TRAY_CHANNELS.watermarkView, { ...first, text: 'new' });
    expect(api.view().text).toBe('new');
    expect(changes).toEqual([{ ...first, text: 'new' }]);
  });
});
