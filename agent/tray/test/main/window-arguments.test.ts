import { decodeWindowArguments, encodeWindowArguments } from '../../src/preload/window-arguments';

describe('window arguments (main process → preload)', () => {
  const view = { user: '张三 (zhang "san")', host: 'ws 01\\corp', text: '机密 — 勿外传 %20 &', opacity: 0.15, width: 2560, height: 1440, scaleFactor: 1.25 };

  it('carries the watermark view through a command line unchanged, CJK, quotes and backslashes included', () => {
    const argv = ['/opt/dlp-tray/dlp-tray', '--type=renderer', ...encodeWindowArguments({ window: 'watermark', locale: 'zh-CN', watermark: view })];
    expect(argv.slice(2).every((arg) => /^[\x21-\x7e]+$/.test(arg))).toBe(true);
    expect(decodeWindowArguments(argv)).toEqual({ window: 'watermark', locale: 'zh-CN', watermark: view });
  });

  it('names no window when the arguments are absent or foreign, so the preload exposes nothing', () => {
    expect(decodeWindowArguments(['electron', '--type=renderer'])).toEqual({ window: null, locale: 'en' });
    expect(decodeWindowArguments(['--dlp-window=admin', '--dlp-locale=fr'])).toEqual({ window: null, locale: 'en' });
  });

  it('drops a watermark view that is not one', () => {
    expect(decodeWindowArguments(['--dlp-window=watermark', '--dlp-watermark=%7B%22user%22%3A1%7D']).watermark).toBeUndefined();
    expect(decodeWindowArguments(['--dlp-window=watermark', '--dlp-watermark=%E0%A4%A']).watermark).toBeUndefined();
  });
});
