import { MaskProgress } from './mask-progress';

describe('mask progress on stderr', () => {
  it('redraws one line in place on a terminal: pass, bar, percent, MB and rate', () => {
    const writes: string[] = [];
    let now = 0;
    const progress = new MaskProgress({ isTTY: true, write: (t) => void writes.push(t) }, 'en', () => now);
    progress.begin('mask', 100e6);
    for (let i = 0; i < 10; i++) {
      now += 1000;
      progress.add(10e6);
    }
    progress.end();
    expect(writes.every((w) => w.startsWith('\r') || w === '\n')).toBe(true);
    expect(writes).toContain('\r2/3 mask [############............]  50% 50/100 MB 10.0 MB/s  ');
    expect(writes[writes.length - 1]).toBe('\n');
  });

  it('writes a plain line every tenth otherwise, in the chosen language', () => {
    const writes: string[] = [];
    let now = 0;
    const progress = new MaskProgress({ isTTY: false, write: (t) => void writes.push(t) }, 'zh-CN', () => now);
    progress.begin('survey', 1000);
    for (let i = 0; i < 100; i++) {
      now += 10;
      progress.add(10);
    }
    progress.end();
    expect(writes).toHaveLength(11);
    expect(writes[5]).toMatch(/^1\/3 识别: {2}50% /);
    expect(writes.every((w) => !w.includes('\r'))).toBe(true);
  });
});
