import type { EventAction, EventSubject, StoredEvent } from '@dlp/shared';
import type { EventSearchPosition } from './event-position';

/** What the impact preview reads of a process: the matcher's inputs (the rest of the subject is not read). */
export interface ImpactProcessSubject {
  kind: 'process';
  exePath: string;
  name: string;
  sha256?: string;
}

/** A USB device as stored; any other subject kind by its kind alone (the replay skips it). */
export type ImpactSubject = ImpactProcessSubject | Extract<EventSubject, { kind: 'device' }> | { kind: 'other' };

/**
 * Identical app or USB events of one group: same agent, user, type, action, rule and subject (for a
 * process its path, name and hash; for a device its whole stored subject). The preview replays
 * each set once instead of each event, and still counts hosts and users exactly (one of each per set).
 */
export interface ImpactSubjectSet {
  agentId: string;
  user: string | null;
  type: 'app' | 'usb';
  action: EventAction;
  ruleId: string | null;
  subject: ImpactSubject;
  events: number;
  /** Its newest event, in the search's newest-first order. */
  latest: EventSearchPosition;
}

export interface ImpactSubjectFilter {
  groupId: string;
  /** Half-open range on occurredAt, Unix ms. */
  fromMs: number;
  toMs: number;
  /** The oldest event included (the preview's event budget cut the group here), if any. */
  oldest?: EventSearchPosition;
}

/** The impact preview's reads: events grouped in SQL, so only the columns the replay needs leave the store. */
export interface ImpactReadRepository {
  /** The app and USB events of a group in the range, as sets of identical events. */
  subjectSets(filter: ImpactSubjectFilter): Promise<ImpactSubjectSet[]>;
  /** The position of the group's `n`-th newest event (any type) in the range, if it has that many. */
  nthNewest(groupId: string, range: { fromMs: number; toMs: number }, n: number): Promise<EventSearchPosition | undefined>;
  /** Whole events by row id (the examples a preview quotes); missing rows are left out. */
  eventsByRowId(rowIds: readonly number[]): Promise<Map<number, StoredEvent>>;
}
