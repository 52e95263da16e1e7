import {
  compileAppRules,
  decideByPolicy,
  isCaptureToolOs,
  withCaptureToolRules,
  type AppMatcher,
  type AppsSection,
  type ImpactExample,
  type ImpactGroup,
  type PolicyDocument,
  type StoredEvent,
  type UsbPolicyVerdict,
} from '@dlp/shared';
import type { ImpactProcessSubject, ImpactSubject } from '../store/impact-read-store';
import type { ImpactBucketTally } from './impact-buckets';
import type { ReplayedSet } from './impact-sets';

/** Examples quoted per group. */
const MAX_EXAMPLES = 5;

type ImpactAction = ImpactGroup['action'];

/** An example to quote: the newest event of a set, loaded by row id when the report is written. */
interface ExampleRef {
  rowId: number;
  subject: string;
  sha256: string | undefined;
}

/** Builds one impact group: counts, distinct hosts and users, a few distinct examples. */
class GroupTally {
  events = 0;
  private readonly hosts = new Set<string>();
  private readonly users = new Set<string>();
  private readonly examples: ExampleRef[] = [];
  private readonly quoted = new Set<string>();

  constructor(
    readonly ruleId: string | null,
    readonly action: ImpactAction,
  ) {}

  /** `events` of the set count here (all of them, or one for a device judged once). */
  add(set: ReplayedSet, events: number, subject: string, sha256: string | undefined): void {
    this.events += events;
    this.hosts.add(set.agentId);
    if (set.user !== null) this.users.add(set.user);
    // Sets arrive newest first: the first sighting of a subject is its latest.
    if (this.examples.length < MAX_EXAMPLES && !this.quoted.has(subject)) {
      this.quoted.add(subject);
      this.examples.push({ rowId: set.latest.rowId, subject, sha256 });
    }
  }

  exampleRowIds(): number[] {
    return this.examples.map((e) => e.rowId);
  }

  /** The group, its examples taken from `events` (an example purged meanwhile is left out). */
  result(events: ReadonlyMap<number, StoredEvent>): ImpactGroup {
    const examples: ImpactExample[] = [];
    for (const ref of this.examples) {
      const event = events.get(ref.rowId);
      if (!event) continue;
      const example: ImpactExample = { eventId: event.id, agentId: event.agentId, host: event.host, user: event.user, occurredAt: event.occurredAt, reportedAction: event.action, subject: ref.subject };
      if (ref.sha256 !== undefined) example.sha256 = ref.sha256;
      examples.push(example);
    }
    return { ruleId: this.ruleId, action: this.action, events: this.events, hosts: this.hosts.size, users: this.users.size, examples };
  }
}

class Tallies {
  private readonly byKey = new Map<string, GroupTally>();

  get(ruleId: string | null, action: ImpactAction): GroupTally {
    const key = `${action}\u0000${ruleId ?? ''}`;
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = new GroupTally(ruleId, action);
      this.byKey.set(key, tally);
    }
    return tally;
  }

  exampleRowIds(): number[] {
    return [...this.byKey.values()].flatMap((t) => t.exampleRowIds());
  }

  /** Most events first; ties by rule id so the report is stable. */
  results(events: ReadonlyMap<number, StoredEvent>): ImpactGroup[] {
    return [...this.byKey.values()].map((t) => t.result(events)).sort((a, b) => b.events - a.events || (a.ruleId ?? '').localeCompare(b.ruleId ?? ''));
  }
}

function wasRestricted(set: ReplayedSet): boolean {
  return set.action === 'blocked' || set.action === 'would-block';
}

/** The apps section the agent of `os` would enforce for a document (e.g. with capture-tool rules in front). */
export type EffectiveApps = (document: PolicyDocument, os: string) => AppsSection;

/**
 * What each agent really enforces: with `screen.blockCaptureTools` on, the capture-tool catalogue
 * for the agent's OS goes in front of the policy's rules, by the same shared code the agent runs.
 */
export const APPS_AS_ENFORCED: EffectiveApps = (document, os) =>
  isCaptureToolOs(os) ? withCaptureToolRules(document.apps, document.screen, os) : document.apps;

/**
 * Replays stored events against a draft with the agent's own decision code (@dlp/shared matchers):
 * app executions through the app matcher (first match; sha256 / path glob / name; default action
 * with trusted paths), USB devices (one sighting per device and agent) through the USB rules.
 * Events come as sets of identical events (ReplayedSet): each set is judged once, for all its events.
 */
export class ImpactReplay {
  appEvents = 0;
  private readonly wouldBlock = new Tallies();
  private readonly noLongerBlocked = new Tallies();
  private readonly wouldRestrict = new Tallies();
  private readonly noLongerRestricted = new Tallies();
  private readonly matchers = new Map<string, AppMatcher>();
  private readonly devices = new Map<string, { latest: DeviceSet; restricted: DeviceSet | null }>();

  constructor(
    private readonly document: PolicyDocument,
    private readonly effectiveApps: EffectiveApps = APPS_AS_ENFORCED,
    private readonly buckets?: ImpactBucketTally,
  ) {}

  /** Feed sets in replay order (impact-sets.ts); `os` is the reporting agent's OS. */
  add(set: ReplayedSet, os: string): void {
    this.buckets?.see(set);
    if (set.type === 'app' && set.subject.kind === 'process') this.addExecution(set, set.subject, os);
    else if (set.type === 'usb' && set.subject.kind === 'device') this.addDeviceSet({ ...set, subject: set.subject });
  }

  /** Puts a set's events in their bucket: blocked then and now, newly blocked, or no longer blocked. */
  private judge(set: ReplayedSet, blocksNow: boolean, ruleIdNow: string | null, subject: string): void {
    if (!this.buckets) return;
    const blockedThen = set.action === 'blocked';
    if (blocksNow) this.buckets.add({ set, bucket: blockedThen ? 'alreadyBlocked' : 'newlyBlocked', ruleId: ruleIdNow, subject });
    else if (blockedThen) this.buckets.add({ set, bucket: 'noLongerBlocked', ruleId: set.ruleId, subject });
  }

  get usbDevices(): number {
    return this.devices.size;
  }

  /** The per-rule sections; `load` fetches the quoted examples' events by row id (once, all at once). */
  async finish(load: (rowIds: number[]) => Promise<ReadonlyMap<number, StoredEvent>>): Promise<{
    apps: { wouldBlock: ImpactGroup[]; noLongerBlocked: ImpactGroup[] };
    usb: { wouldRestrict: ImpactGroup[]; noLongerRestricted: ImpactGroup[] };
  }> {
    for (const { latest, restricted } of this.devices.values()) this.judgeDevice(latest, restricted);
    const sections = [this.wouldBlock, this.noLongerBlocked, this.wouldRestrict, this.noLongerRestricted];
    const events = await load([...new Set(sections.flatMap((s) => s.exampleRowIds()))]);
    return {
      apps: { wouldBlock: this.wouldBlock.results(events), noLongerBlocked: this.noLongerBlocked.results(events) },
      usb: { wouldRestrict: this.wouldRestrict.results(events), noLongerRestricted: this.noLongerRestricted.results(events) },
    };
  }

  private matcherFor(os: string): AppMatcher {
    let matcher = this.matchers.get(os);
    if (!matcher) {
      matcher = compileAppRules(this.effectiveApps(this.document, os));
      this.matchers.set(os, matcher);
    }
    return matcher;
  }

  private addExecution(set: ReplayedSet, subject: ImpactProcessSubject, os: string): void {
    this.appEvents += set.events;
    // Exceptions are per agent and time-boxed: the preview judges the policy alone.
    const decision = this.matcherFor(os).decide({ exePath: subject.exePath, name: subject.name, sha256: subject.sha256 ?? null });
    this.judge(set, decision.action === 'block', decision.ruleId, subject.exePath);
    if (decision.action === 'block') {
      this.wouldBlock.get(decision.ruleId, 'block').add(set, set.events, subject.exePath, subject.sha256);
    } else if (wasRestricted(set)) {
      this.noLongerBlocked.get(set.ruleId, 'allow').add(set, set.events, subject.exePath, subject.sha256);
    }
  }

  private addDeviceSet(set: DeviceSet): void {
    // Buckets count events: each sighting is judged (the sections below judge each device once).
    const verdict = this.verdictOf(set.subject);
    this.judge(set, verdict.action !== 'allow', verdict.ruleId, deviceLabel(set.subject));
    const { subject } = set;
    const key = [set.agentId, subject.vendorId, subject.productId, subject.serial ?? '', subject.port ?? ''].join('\u0000');
    const seen = this.devices.get(key);
    if (!seen) this.devices.set(key, { latest: set, restricted: wasRestricted(set) ? set : null });
    else if (seen.restricted === null && wasRestricted(set)) seen.restricted = set;
  }

  /** A device counts once per section, by its latest sighting (and the latest that restricted it). */
  private judgeDevice(latest: DeviceSet, restricted: DeviceSet | null): void {
    const label = deviceLabel(latest.subject);
    const verdict = this.verdictOf(latest.subject);
    if (verdict.action !== 'allow') this.wouldRestrict.get(verdict.ruleId, verdict.action).add(latest, 1, label, undefined);
    else if (restricted) this.noLongerRestricted.get(restricted.ruleId, 'allow').add(restricted, 1, label, undefined);
  }

  private verdictOf(s: DeviceSubject): UsbPolicyVerdict {
    return decideByPolicy(
      {
        port: s.port ?? null,
        vendorId: s.vendorId,
        productId: s.productId,
        serial: s.serial ?? null,
        deviceClass: 0,
        interfaces: s.interfaces.map((interfaceClass) => ({ interfaceClass })),
        isHub: false,
      },
      this.document.usb,
    );
  }
}

type DeviceSubject = Extract<ImpactSubject, { kind: 'device' }>;
type DeviceSet = ReplayedSet & { subject: DeviceSubject };

/** `vvvv:pppp serial (product)`, as the preview names a device. */
function deviceLabel(s: DeviceSubject): string {
  return `${s.vendorId}:${s.productId}${s.serial ? ` ${s.serial}` : ''}${s.productName ? ` (${s.productName})` : ''}`;
}
