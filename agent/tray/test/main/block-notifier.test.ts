import { BlockNotifier } from '../../src/main/block-notifier';
import { trayText } from '../../src/main/tray-text';
import { FakeNotifications } from './fake-electron';
import { ManualTimers } from './manual-timers';
import { sampleBlock } from './samples';

function setup(locale: 'en' | 'zh-CN' = 'en') {
  const notifications = new FakeNotifications();
  const timers = new ManualTimers();
  let opened = 0;
  const notifier = new BlockNotifier({ notifications, timers, text: trayText(locale), openBlocks: () => void (opened += 1), windowMs: 10_000 });
  return { notifications, timers, notifier, opened: () => opened };
}

describe('BlockNotifier', () => {
  it('turns 20 blocks in 2 s into one notification now and one grouped notification at the end of the window', () => {
    const { notifications, timers, notifier } = setup();
    for (let i = 0; i < 20; i++) {
      notifier.notify(sampleBlock({ what: `/usr/bin/tool-${i}` }));
      timers.advance(100);
    }
    expect(notifications.titles()).toEqual(['A program was blocked']);
    expect(notifications.created[0]?.options.body).toBe('/usr/bin/tool-0\nUnapproved file-sharing tool');
    timers.advance(8_000);
    expect(notifications.titles()).toEqual(['A program was blocked', '19 more programs were blocked']);
    // The grouped notice opened a new window, which ends quietly when nothing else arrived.
    timers.advance(30_000);
    expect(notifications.created).toHaveLength(2);
    expect(timers.scheduled()).toBe(0);
  });

  it('shows a single held block as itself, and limits each kind separately', () => {
    const { notifications, timers, notifier } = setup();
    notifier.notify(sampleBlock({ what: '/usr/bin/a' }));
    notifier.notify(sampleBlock({ type: 'usb', what: 'Kingston DataTraveler' }));
    notifier.notify(sampleBlock({ what: '/usr/bin/b' }));
    expect(notifications.titles()).toEqual(['A program was blocked', 'A USB device was blocked']);
    timers.advance(10_000);
    expect(notifications.titles()).toEqual(['A program was blocked', 'A USB device was blocked', 'A program was blocked']);
    expect(notifications.created[2]?.options.body).toContain('/usr/bin/b');
  });

  it('keeps monitor-mode notices apart and says nothing was stopped', () => {
    const { notifications, timers, notifier } = setup('zh-CN');
    notifier.notify(sampleBlock({ action: 'would-block' }));
    notifier.notify(sampleBlock({ action: 'blocked' }));
    for (let i = 0; i < 3; i++) notifier.notify(sampleBlock({ action: 'would-block' }));
    timers.advance(10_000);
    expect(notifications.titles()).toEqual(['一个程序将被拦截（监控模式）', '已拦截一个程序', '另有 3 个程序将被拦截（监控模式）']);
  });

  it('makes no notification for allowed or informational events', () => {
    const { notifications, notifier } = setup();
    notifier.notify(sampleBlock({ action: 'allowed' }));
    notifier.notify(sampleBlock({ action: 'info' }));
    expect(notifications.created).toHaveLength(0);
  });

  it('opens the list of blocks when a notification is clicked', () => {
    const { notifications, notifier, opened } = setup();
    notifier.notify(sampleBlock());
    notifications.created[0]?.click();
    expect(opened()).toBe(1);
  });

  it('shortens a long body and shows nothing where the desktop has no notifications', () => {
    const { notifications, notifier } = setup();
    notifier.notify(sampleBlock({ what: `/opt/${'x'.repeat(600)}` }));
    expect(notifications.created[0]?.options.body.length).toBe(240);
    const quiet = setup();
    quiet.notifications.supported = false;
    quiet.notifier.notify(sampleBlock());
    expect(quiet.notifications.created).toHaveLength(0);
  });
});
