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
import type { ImpactBucketTally } from './impact-buckets';

/** Examples quoted per group. */
const MAX_EXAMPLES = 5;

type ImpactAction = ImpactGroup['action'];

/** Builds one impact group: counts, distinct hosts and users, a few distinct examples. */
class GroupTally {
  events = 0;
  private readonly hosts = new Set<string>();
  private readonly users = new Set<string>();
  private readonly examples: ImpactExample[] = [];
  private readonly quoted = new Set<string>();

  constructor(
    readonly ruleId: string | null,
    readonly action: ImpactAction,
  ) {}

  add(event: StoredEvent, subject: string, sha256: string | undefined): void {
    this.events += 1;
    this.hosts.add(event.agentId);
    if (event.user !== null) this.users.add(event.user);
    // Events arrive newest first: the first sighting of a subject is its latest.
    if (this.examples.length < MAX_EXAMPLES && !this.quoted.has(subject)) {
      this.quoted.add(subject);
      const example: ImpactExample = {
        eventId: event.id,
        agentId: event.agentId,
        host: event.host,
        user: event.user,
        occurredAt: event.occurredAt,
        reportedAction: event.action,
        subject,
      };
      if (sha256 !== undefined) example.sha256 = sha256;
      this.examples.push(example);
    }
  }

  result(): ImpactGroup {
    return { ruleId: this.ruleId, action: this.action, events: this.events, hosts: this.hosts.size, users: this.users.size, examples: this.examples };
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

  /** Most events first; ties by rule id so the report is stable. */
  results(): ImpactGroup[] {
    return [...this.byKey.values()].map((t) => t.result()).sort((a, b) => b.events - a.events || (a.ruleId ?? '').localeCompare(b.ruleId ?? ''));
  }
}

function wasRestricted(event: StoredEvent): boolean {
  return event.action === 'blocked' || event.action === 'would-block';
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
 */
export class ImpactReplay {
  appEvents = 0;
  private readonly wouldBlock = new Tallies();
  private readonly noLongerBlocked = new Tallies();
  private readonly wouldRestrict = new Tallies();
  private readonly noLongerRestricted = new Tallies();
  private readonly matchers = new Map<string, AppMatcher>();
  private readonly devices = new Map<string, { latest: StoredEvent; restricted: StoredEvent | null }>();

  constructor(
    private readonly document: PolicyDocument,
    private readonly effectiveApps: EffectiveApps = APPS_AS_ENFORCED,
    private readonly buckets?: ImpactBucketTally,
  ) {}

  /** Feed events newest first; `os` is the reporting agent's OS, `groupId` its group when the event was recorded. */
  add(event: StoredEvent, os: string, groupId = ''): void {
    this.buckets?.see(event, groupId);
    if (event.type === 'app' && event.subject.kind === 'process') this.addExecution(event, event.subject, os, groupId);
    else if (event.type === 'usb' && event.subject.kind === 'device') this.addDeviceEvent(event, event.subject, groupId);
  }

  /** Puts one event in its bucket: blocked then and now, newly blocked, or no longer blocked. */
  private judge(event: StoredEvent, groupId: string, blocksNow: boolean, ruleIdNow: string | null, subject: string): void {
    if (!this.buckets) return;
    const blockedThen = event.action === 'blocked';
    if (blocksNow) this.buckets.add({ event, groupId, bucket: blockedThen ? 'alreadyBlocked' : 'newlyBlocked', ruleId: ruleIdNow, subject });
    else if (blockedThen) this.buckets.add({ event, groupId, bucket: 'noLongerBlocked', ruleId: event.ruleId, subject });
  }

  get usbDevices(): number {
    return this.devices.size;
  }

  finish(): { apps: { wouldBlock: ImpactGroup[]; noLongerBlocked: ImpactGroup[] }; usb: { wouldRestrict: ImpactGroup[]; noLongerRestricted: ImpactGroup[] } } {
    for (const { latest, restricted } of this.devices.values()) this.judgeDevice(latest, restricted);
    return {
      apps: { wouldBlock: this.wouldBlock.results(), noLongerBlocked: this.noLongerBlocked.results() },
      usb: { wouldRestrict: this.wouldRestrict.results(), noLongerRestricted: this.noLongerRestricted.results() },
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

  private addExecution(event: StoredEvent, subject: Extract<StoredEvent['subject'], { kind: 'process' }>, os: string, groupId: string): void {
    this.appEvents += 1;
    // Exceptions are per agent and time-boxed: the preview judges the policy alone.
    const decision = this.matcherFor(os).decide({ exePath: subject.exePath, name: subject.name, sha256: subject.sha256 ?? null });
    this.judge(event, groupId, decision.action === 'block', decision.ruleId, subject.exePath);
    if (decision.action === 'block') {
      this.wouldBlock.get(decision.ruleId, 'block').add(event, subject.exePath, subject.sha256);
    } else if (wasRestricted(event)) {
      this.noLongerBlocked.get(event.ruleId, 'allow').add(event, subject.exePath, subject.sha256);
    }
  }

  private addDeviceEvent(event: StoredEvent, subject: Extract<StoredEvent['subject'], { kind: 'device' }>, groupId: string): void {
    // Buckets count events: each sighting is judged (the sections below judge each device once).
    const verdict = this.verdictOf(subject);
    this.judge(event, groupId, verdict.action !== 'allow', verdict.ruleId, deviceLabel(subject));
    const key = [event.agentId, subject.vendorId, subject.productId, subject.serial ?? '', subject.port ?? ''].join('\u0000');
    const seen = this.devices.get(key);
    if (!seen) this.devices.set(key, { latest: event, restricted: wasRestricted(event) ? event : null });
    else if (seen.restricted === null && wasRestricted(event)) seen.restricted = event;
  }

  private judgeDevice(latest: StoredEvent, restricted: StoredEvent | null): void {
    if (latest.subject.kind !== 'device') return;
    const label = deviceLabel(latest.subject);
    const verdict = this.verdictOf(latest.subject);
    if (verdict.action !== 'allow') this.wouldRestrict.get(verdict.ruleId, verdict.action).add(latest, label, undefined);
    else if (restricted) this.noLongerRestricted.get(restricted.ruleId, 'allow').add(restricted, label, undefined);
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

type DeviceSubject = Extract<StoredEvent['subject'], { kind: 'device' }>;

/** `vvvv:pppp serial (product)`, as the preview names a device. */
function deviceLabel(s: DeviceSubject): string {
  return `${s.vendorId}:${s.productId}${s.serial ? ` ${s.serial}` : ''}${s.productName ? ` (${s.productName})` : ''}`;
}
