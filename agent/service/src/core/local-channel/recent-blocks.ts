import type { AgentEvent, BlockNotice, PolicyDocument } from '@dlp/shared';

/** How many blocks the agent keeps for the tray (all users together), newest last. */
const KEEP = 500;

/** A block together with whose it is: the uid when a process did it, else the user name. */
export interface OwnedBlock {
  block: BlockNotice;
  uid: number | null;
}

const BLOCKING = new Set<AgentEvent['action']>(['blocked', 'would-block']);
const SHOWN = new Set<AgentEvent['type']>(['app', 'usb', 'screen-capture', 'content', 'bypass']);

function ruleDescription(document: PolicyDocument | null, ruleId: string | null): string | undefined {
  if (!document || !ruleId) return undefined;
  const rule = [...document.apps.rules, ...document.usb.rules].find((r) => r.id === ruleId);
  return rule?.description?.trim() || undefined;
}

/** A block as the employee sees it, or null for events that are not blocks. */
export function blockNoticeOf(event: Omit<AgentEvent, 'seq'>, document: PolicyDocument | null): OwnedBlock | null {
  if (!BLOCKING.has(event.action) || !SHOWN.has(event.type)) return null;
  const subject = event.subject;
  let what: string = event.type;
  let target: BlockNotice['target'];
  let uid: number | null = null;
  if (subject.kind === 'process') {
    what = subject.exePath;
    uid = subject.uid ?? null;
    if (subject.sha256) target = { kind: 'app', sha256: subject.sha256, exePath: subject.exePath };
  } else if (subject.kind === 'device') {
    const name = [subject.vendorName, subject.productName].filter(Boolean).join(' ');
    what = `${name ? `${name} ` : ''}(${subject.vendorId}:${subject.productId})`;
    if (subject.serial) target = { kind: 'usb-device', device: { vendorId: subject.vendorId, productId: subject.productId, serial: subject.serial } };
  } else if (subject.kind === 'file') {
    what = subject.path;
  }
  const block: BlockNotice = {
    eventId: event.id,
    occurredAt: event.occurredAt,
    type: event.type,
    action: event.action,
    what: what.slice(0, 1024),
    ruleId: event.ruleId,
    // The firm's words when the rule has them; else empty, and the tray and CLI say why in the user's language.
    reason: ruleDescription(document, event.ruleId) ?? '',
    policySerial: event.policySerial,
    user: event.user,
    ...(target ? { target } : {}),
  };
  return { block, uid };
}

/** Whether `owner` may see `entry`: their own blocks by uid, or by name when no process was involved. */
export function ownsBlock(entry: OwnedBlock, owner: { uid: number; name: string | null }): boolean {
  if (entry.uid !== null) return entry.uid === owner.uid;
  return owner.name !== null && entry.block.user === owner.name;
}

/** The last blocks on this workstation, in memory (an agent restart starts the list afresh). */
export class RecentBlocks {
  private readonly entries: OwnedBlock[] = [];

  add(entry: OwnedBlock): void {
    this.entries.push(entry);
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
  }

  /** Newest first, at most `limit`, filtered to what `visible` lets through. */
  list(limit: number, visible: (entry: OwnedBlock) => boolean): BlockNotice[] {
    const out: BlockNotice[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.entries[i];
      if (entry && visible(entry)) out.push(entry.block);
    }
    return out;
  }
}
