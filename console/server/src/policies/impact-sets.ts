import type { ImpactSubjectSet } from '../store/impact-read-store';

/** A set of identical events (see ImpactSubjectSet) and the group it was read for. */
export interface ReplayedSet extends ImpactSubjectSet {
  groupId: string;
}

/**
 * The order the replay takes sets in: the scope's groups in turn, newest first within each (by
 * each set's newest event), so "first seen" means what it meant when events were read one by one.
 */
export function replayOrder(groupOrder: ReadonlyMap<string, number>): (a: ReplayedSet, b: ReplayedSet) => number {
  return (a, b) =>
    (groupOrder.get(a.groupId) ?? 0) - (groupOrder.get(b.groupId) ?? 0) || b.latest.occurredAtMs - a.latest.occurredAtMs || b.latest.rowId - a.latest.rowId;
}
