import type { BlockNotice } from '@dlp/shared';
import type { NotificationFactory, NotificationPort } from './electron-ports';
import type { Timers } from './timers';
import { blockKind, type BlockKind, type TrayText } from './tray-text';

export interface BlockNotifierOptions {
  notifications: NotificationFactory;
  timers: Timers;
  text: TrayText;
  /** Clicking a notification opens the main window on the list of blocks. */
  openBlocks: () => void;
  /** At most one notification per kind in this long; the rest are counted into one at its end. */
  windowMs?: number;
}

/** One kind's rate window: open from the notification that started it until `windowMs` later. */
interface RateWindow {
  kind: BlockKind;
  monitorOnly: boolean;
  /** Blocks that arrived inside the window (only the count and the last one are kept). */
  heldCount: number;
  lastHeld: BlockNotice | null;
}

/** How many shown notifications we keep referenced: Electron drops the click handler of one that is garbage collected. */
const KEEP_SHOWN = 8;
const MAX_BODY = 240;

/**
 * An OS notification per block, rate-limited and grouped per kind (programs, USB devices, …; monitor
 * mode apart): the first block of a kind is shown at once; blocks in the next `windowMs` are held and
 * shown at the window's end as one "N more programs were blocked" (or as themselves when only one
 * was held), which opens the next window. A burst of 20 blocks in 2 s thus makes 2 notifications.
 */
export class BlockNotifier {
  private readonly windowMs: number;
  private readonly windows = new Map<string, RateWindow>();
  private readonly cancels = new Set<() => void>();
  private shown: NotificationPort[] = [];

  constructor(private readonly options: BlockNotifierOptions) {
    this.windowMs = options.windowMs ?? 10_000;
  }

  /** A block arrived from the agent. Allowed and informational events make no notification. */
  notify(block: BlockNotice): void {
    if (block.action !== 'blocked' && block.action !== 'would-block') return;
    const kind = blockKind(block.type);
    const monitorOnly = block.action === 'would-block';
    const key = `${kind}/${monitorOnly ? 'monitor' : 'enforce'}`;
    const open = this.windows.get(key);
    if (open) {
      open.heldCount += 1;
      open.lastHeld = block;
      return;
    }
    this.showOne(block, kind, monitorOnly);
    this.openWindow(key, { kind, monitorOnly, heldCount: 0, lastHeld: null });
  }

  /** Stops the pending window ends (the app is quitting). */
  dispose(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.windows.clear();
  }

  private openWindow(key: string, window: RateWindow): void {
    this.windows.set(key, window);
    const cancel = this.options.timers.after(this.windowMs, () => {
      this.cancels.delete(cancel);
      this.windows.delete(key);
      this.closeWindow(key, window);
    });
    this.cancels.add(cancel);
  }

  private closeWindow(key: string, window: RateWindow): void {
    const { heldCount, lastHeld, kind, monitorOnly } = window;
    if (heldCount === 0 || !lastHeld) return;
    if (heldCount === 1) this.showOne(lastHeld, kind, monitorOnly);
    else this.show(this.options.text.moreBlocked(kind, heldCount, monitorOnly), this.options.text.moreBlockedBody);
    // The grouped notice counts against the rate too: blocks still arriving wait for the next window.
    this.openWindow(key, { kind, monitorOnly, heldCount: 0, lastHeld: null });
  }

  private showOne(block: BlockNotice, kind: BlockKind, monitorOnly: boolean): void {
    const text = this.options.text;
    const title = monitorOnly ? text.wouldBlockTitle[kind] : text.blockedTitle[kind];
    const body = `${block.what}\n${block.reason}`;
    this.show(title, body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 1)}…` : body);
  }

  private show(title: string, body: string): void {
    const { notifications, openBlocks } = this.options;
    if (!notifications.isSupported()) return;
    const notification = notifications.create({ title, body, silent: false });
    notification.on('click', () => openBlocks());
    notification.show();
    this.shown = [...this.shown.slice(-(KEEP_SHOWN - 1)), notification];
  }
}
