import {
  IMPACT_MAX_SLICES,
  type EventSearchFilter,
  type ImpactBucket,
  type ImpactBucketName,
  type ImpactBuckets,
  type ImpactPart,
  type ImpactSlice,
} from '@dlp/shared';
import type { ImpactSubject } from '../store/impact-read-store';
import type { ReplayedSet } from './impact-sets';

/** The free-text filter's longest value (a longer path cannot be searched for as a whole). */
const MAX_TEXT_FILTER = 200;

/** What one replayed set of identical events was judged, and what the search can select it by. */
export interface JudgedSet {
  set: ReplayedSet;
  bucket: ImpactBucketName;
  ruleId: string | null;
  /** The executable or `vvvv:pppp serial`, as people read it. */
  subject: string;
}

/** Distinct hosts and users and the event count of a set of events. */
class Distinct {
  events = 0;
  private readonly hosts = new Set<string>();
  private readonly users = new Set<string>();

  /** A set is one agent's and one user's events, so the distinct counts stay exact. */
  add(set: ReplayedSet): void {
    this.events += set.events;
    this.hosts.add(set.agentId);
    if (set.user !== null) this.users.add(set.user);
  }

  counts(): { events: number; hosts: number; users: number } {
    return { events: this.events, hosts: this.hosts.size, users: this.users.size };
  }
}

interface PartTally {
  groupId: string;
  type: ImpactPart['type'];
  recordedAction: ImpactPart['recordedAction'];
  distinct: Distinct;
  /** Events of the whole scope the part's filters select (the part's own included). */
  signature: string;
}

interface SliceTally extends PartTally {
  ruleId: string | null;
  subject: string;
  subjectFilter: Pick<EventSearchFilter, 'sha256' | 'device' | 'q'>;
  /** False when the subject filter is a substring (free text), which the replay cannot check. */
  checkable: boolean;
}

/** The search's subject filter of a subject and the signatures of every filter that selects it. */
function subjectFiltersOf(s: ImpactSubject): { filter: SliceTally['subjectFilter']; key: string; checkable: boolean; alsoMatches: string[] } {
  if (s.kind === 'device') {
    const model = `${s.vendorId}:${s.productId}`;
    // `vid:pid` selects every serial of the model; `vid:pid:serial` one device.
    if (s.serial === undefined || s.serial === '') return { filter: { device: model }, key: `device=${model}`, checkable: true, alsoMatches: [] };
    const device = `${model}:${s.serial}`;
    return { filter: { device }, key: `device=${device}`, checkable: true, alsoMatches: [`device=${model}`] };
  }
  if (s.kind === 'process' && s.sha256 !== undefined) return { filter: { sha256: s.sha256 }, key: `sha256=${s.sha256}`, checkable: true, alsoMatches: [] };
  const path = s.kind === 'process' ? s.exePath : '';
  const q = path.length <= MAX_TEXT_FILTER && !hasControlCharacter(path) ? path : undefined;
  return { filter: q !== undefined && q !== '' ? { q } : {}, key: `q=${path}`, checkable: false, alsoMatches: [] };
}

/** The search refuses control characters in free text (C0 and DEL). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const partSignature = (groupId: string, type: string, action: string) => `${groupId}\u0000${type}\u0000${action}`;

/**
 * Sorts replayed events into the three buckets and works out, for each bucket, each part and each
 * subject, the search filters that find them. Every replayed event of the scope is counted under
 * every filter that selects it, so a filter is known to be exact when it selects no other event.
 */
export class ImpactBucketTally {
  private readonly buckets = new Map<ImpactBucketName, { distinct: Distinct; parts: Map<string, PartTally>; slices: Map<string, SliceTally> }>();
  /** Scope events per filter signature. */
  private readonly selected = new Map<string, number>();

  constructor(private readonly range: { from: string; to: string }) {
    for (const name of ['alreadyBlocked', 'newlyBlocked', 'noLongerBlocked'] as const) this.buckets.set(name, { distinct: new Distinct(), parts: new Map(), slices: new Map() });
  }

  /** Every replayed set of the scope, judged or not, so filters can be checked for exactness. */
  see(set: ReplayedSet): void {
    const part = partSignature(set.groupId, set.type, set.action);
    const subject = subjectFiltersOf(set.subject);
    for (const signature of [part, ...[subject.key, ...subject.alsoMatches].map((key) => `${part}\u0000${key}`)]) this.selected.set(signature, (this.selected.get(signature) ?? 0) + set.events);
  }

  /** A set that lands in a bucket (call `see` for it too). */
  add(judged: JudgedSet): void {
    const { set } = judged;
    const bucket = this.buckets.get(judged.bucket);
    if (!bucket) return;
    bucket.distinct.add(set);
    const signature = partSignature(set.groupId, set.type, set.action);
    let part = bucket.parts.get(signature);
    if (!part) {
      part = { groupId: set.groupId, type: set.type, recordedAction: set.action, distinct: new Distinct(), signature };
      bucket.parts.set(signature, part);
    }
    part.distinct.add(set);
    const subject = subjectFiltersOf(set.subject);
    const sliceSignature = `${signature}\u0000${subject.key}`;
    const sliceKey = `${sliceSignature}\u0000${judged.ruleId ?? ''}`;
    let slice = bucket.slices.get(sliceKey);
    if (!slice) {
      slice = { ...part, distinct: new Distinct(), signature: sliceSignature, ruleId: judged.ruleId, subject: judged.subject, subjectFilter: subject.filter, checkable: subject.checkable };
      bucket.slices.set(sliceKey, slice);
    }
    slice.distinct.add(set);
  }

  /** The buckets; with `truncated` no filter is claimed exact (older events were not replayed). */
  finish(truncated: boolean): ImpactBuckets {
    const bucketOf = (name: ImpactBucketName): ImpactBucket => {
      const tally = this.buckets.get(name);
      if (!tally) throw new Error(`unknown bucket ${name}`);
      const exact = (t: PartTally, checkable = true) => !truncated && checkable && this.selected.get(t.signature) === t.distinct.events;
      const filtersOf = (t: PartTally): EventSearchFilter => ({ ...this.range, groupId: t.groupId, type: t.type, action: t.recordedAction });
      const parts = [...tally.parts.values()].sort(byEvents).map((t): ImpactPart => ({ groupId: t.groupId, type: t.type, recordedAction: t.recordedAction, ...t.distinct.counts(), filters: filtersOf(t), exact: exact(t) }));
      const slices = [...tally.slices.values()].sort(byEvents);
      const onlyPart = parts.length === 1 ? parts[0] : undefined;
      return {
        ...tally.distinct.counts(),
        filters: onlyPart?.exact ? onlyPart.filters : null,
        parts,
        slices: slices.slice(0, IMPACT_MAX_SLICES).map(
          (t): ImpactSlice => ({
            groupId: t.groupId,
            type: t.type,
            recordedAction: t.recordedAction,
            ...t.distinct.counts(),
            filters: { ...filtersOf(t), ...t.subjectFilter },
            exact: exact(t, t.checkable),
            ruleId: t.ruleId,
            subject: t.subject,
          }),
        ),
        moreSlices: Math.max(0, slices.length - IMPACT_MAX_SLICES),
      };
    };
    return { alreadyBlocked: bucketOf('alreadyBlocked'), newlyBlocked: bucketOf('newlyBlocked'), noLongerBlocked: bucketOf('noLongerBlocked') };
  }
}

/** Most events first; ties by signature so the answer is stable. */
function byEvents(a: PartTally, b: PartTally): number {
  return b.distinct.events - a.distinct.events || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0);
}
