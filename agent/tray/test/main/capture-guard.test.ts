import { ClipboardGuard, clipboardHoldsImage, protectFromCapture, windowCaptureExclusion } from '../../src/main/capture-guard';
import { FakeClipboard, FakeWindow } from './fake-electron';
import { ManualTimers } from './manual-timers';

describe('ClipboardGuard', () => {
  function setup() {
    const clipboard = new FakeClipboard();
    const timers = new ManualTimers();
    const guard = new ClipboardGuard({ clipboard, timers, pollMs: 500 });
    return { clipboard, timers, guard };
  }

  it('clears an image from the clipboard only while the policy blocks screen capture', () => {
    const { clipboard, timers, guard } = setup();
    clipboard.formats = ['image/png'];
    timers.advance(5_000);
    expect(clipboard.clears).toBe(0);

    guard.apply(true);
    expect(clipboard.clears).toBe(1);
    expect(clipboard.formats).toEqual([]);

    // A screenshot tool copies again; the next poll (≤ 500 ms later) clears it.
    clipboard.formats = ['image/png', 'text/html'];
    timers.advance(499);
    expect(clipboard.clears).toBe(1);
    timers.advance(1);
    expect(clipboard.clears).toBe(2);

    guard.apply(false);
    clipboard.formats = ['image/png'];
    timers.advance(5_000);
    expect(clipboard.clears).toBe(2);
    expect(clipboard.formats).toEqual(['image/png']);
    expect(timers.scheduled()).toBe(0);
    expect(guard.report('windows')).toEqual({ windowCaptureExclusion: 'effective', clipboardGuard: 'off', imagesCleared: 2 });
  });

  it('leaves text, files and links alone', () => {
    const { clipboard, timers, guard } = setup();
    guard.apply(true);
    clipboard.formats = ['text/plain', 'text/uri-list', 'text/html'];
    timers.advance(2_000);
    expect(clipboard.clears).toBe(0);
    expect(guard.report('linux')).toEqual({ windowCaptureExclusion: 'unavailable', clipboardGuard: 'on', imagesCleared: 0 });
  });

  it('does not start a second poll when the policy says so twice', () => {
    const { timers, guard } = setup();
    guard.apply(true);
    guard.apply(true);
    expect(timers.scheduled()).toBe(1);
  });

  it('recognises image formats by their MIME type', () => {
    expect(clipboardHoldsImage(['image/png'])).toBe(true);
    expect(clipboardHoldsImage(['Image/JPEG'])).toBe(true);
    expect(clipboardHoldsImage(['text/plain'])).toBe(false);
    expect(clipboardHoldsImage([])).toBe(false);
  });
});

describe('window capture exclusion', () => {
  it('turns content protection on for a tray window', () => {
    const window = new FakeWindow({} as never);
    protectFromCapture(window);
    expect(window.contentProtection).toBe(true);
  });

  it('says per OS what setContentProtection achieves', () => {
    expect(windowCaptureExclusion('windows')).toBe('effective');
    expect(windowCaptureExclusion('macos')).toBe('partial');
    expect(windowCaptureExclusion('linux')).toBe('unavailable');
  });
});
