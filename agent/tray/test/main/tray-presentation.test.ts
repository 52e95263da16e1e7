import { trayIconBitmap, trayPresentation } from '../../src/main/tray-presentation';
import { sampleStatus } from './samples';

describe('trayPresentation', () => {
  it('shows the protection, the policy and the console link, then Open, the note and About; no Quit', () => {
    const shown = trayPresentation('connected', sampleStatus(), 'en', '0.1.0');
    expect(shown.tone).toBe('protected');
    expect(shown.tooltip).toBe('Data protection: Protected · Finance desks');
    expect(shown.items).toEqual([
      { kind: 'line', label: 'Protected · Finance desks' },
      { kind: 'line', label: 'Console connected' },
      { kind: 'separator' },
      { kind: 'open', label: 'Open…' },
      { kind: 'separator' },
      { kind: 'line', label: 'Closing this window does not switch protection off.' },
      { kind: 'line', label: 'About: tray 0.1.0, agent 0.1.0' },
    ]);
    expect(JSON.stringify(shown.items)).not.toMatch(/quit|exit/i);
  });

  it('speaks Chinese and warns when the agent is not running', () => {
    const shown = trayPresentation('agent-not-running', null, 'zh-CN', '0.1.0');
    expect(shown.tone).toBe('warning');
    expect(shown.items[0]).toEqual({ kind: 'line', label: 'DLP 代理未在运行' });
    expect(shown.items).toContainEqual({ kind: 'open', label: '打开…' });
    expect(trayPresentation('connected', sampleStatus({ protection: 'monitor-only' }), 'zh-CN', '1').tone).toBe('monitor');
    expect(trayPresentation('connecting', null, 'en', '1').items[0]).toEqual({ kind: 'line', label: 'Connecting to the DLP agent…' });
  });
});

describe('trayIconBitmap', () => {
  it('draws an opaque disc in the tone colour (BGRA) on a transparent square', () => {
    const { buffer, width, height } = trayIconBitmap('protected', 32);
    expect(buffer.length).toBe(width * height * 4);
    const pixel = (x: number, y: number) => [...buffer.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    expect(pixel(16, 16)).toEqual([0x32, 0x7d, 0x2e, 255]);
    expect(pixel(0, 0)).toEqual([0, 0, 0, 0]);
    expect(trayIconBitmap('warning', 32).buffer.equals(buffer)).toBe(false);
  });
});
