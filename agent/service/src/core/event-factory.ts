import { LIMITS, uuidv7, type AgentEvent, type EventSubject } from '@dlp/shared';
import type { HostInfo } from '../platform/types';
import type { EventDraft } from './outbox';

/** What a control says happened; the factory adds identity, time, host, user and policy serial. */
export interface EventInput {
  type: AgentEvent['type'];
  action: AgentEvent['action'];
  severity: AgentEvent['severity'];
  subject: EventSubject;
  ruleId?: string | null;
  /** Serial of the policy that decided; defaults to the policy in force. */
  policySerial?: number | null;
  /** The uid the event is about (resolved to a user name through the host's user database). */
  uid?: number;
  /**
   * Without a uid: attribute the event to the user logged in at the workstation's console. Default:
   * true for `usb` events (a stick has no process owner, but someone plugged it in), false otherwise.
   */
  consoleUser?: boolean;
}

/**
 * Replaces control characters and bounds the length: process and file names come from whoever
 * named the file, and an event that fails validation would be an event lost.
 */
export function sanitizeName(value: string, max: number = LIMITS.maxShortString): string {
  let cleaned = '';
  for (const ch of value) cleaned += ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? '\uFFFD' : ch;
  cleaned = cleaned.slice(0, max);
  return cleaned === '' ? '?' : cleaned;
}

export interface EventFactoryOptions {
  host: HostInfo;
  hostname: string;
  now?: () => Date;
}

/** Builds outbox drafts with the fields every event carries. */
export class EventFactory {
  private currentPolicySerial: number | null = null;
  private readonly hostname: string;

  constructor(private readonly options: EventFactoryOptions) {
    this.hostname = sanitizeName(options.hostname);
  }

  setPolicySerial(serial: number | null): void {
    this.currentPolicySerial = serial;
  }

  async create(input: EventInput): Promise<EventDraft> {
    const now = (this.options.now ?? (() => new Date()))();
    const user = await this.userOf(input);
    return {
      id: uuidv7(now.getTime()),
      occurredAt: now.toISOString(),
      type: input.type,
      action: input.action,
      severity: input.severity,
      user: user === null ? null : user.slice(0, LIMITS.maxShortString),
      host: this.hostname,
      ruleId: input.ruleId ?? null,
      policySerial: input.policySerial === undefined ? this.currentPolicySerial : input.policySerial,
      subject: sanitizeSubject(input.subject),
    };
  }

  private async userOf(input: EventInput): Promise<string | null> {
    if (input.uid !== undefined) return (await this.options.host.userName(input.uid)) ?? `uid:${input.uid}`;
    if (input.consoleUser ?? input.type === 'usb') return this.options.host.loggedInUser().catch(() => null);
    return null;
  }

  /** The event the outbox writes when it had to drop events (synchronous: it runs inside a commit). */
  gapEvent(gap: { dropped: number; fromSeq: number; toSeq: number }): EventDraft {
    const now = (this.options.now ?? (() => new Date()))();
    return {
      id: uuidv7(now.getTime()),
      occurredAt: now.toISOString(),
      type: 'gap',
      action: 'info',
      severity: 'high',
      user: null,
      host: this.hostname,
      ruleId: null,
      policySerial: this.currentPolicySerial,
      subject: { kind: 'gap', ...gap },
    };
  }
}

function sanitizeSubject(subject: EventSubject): EventSubject {
  if (subject.kind === 'process') return { ...subject, name: sanitizeName(subject.name), exePath: subject.exePath.slice(0, LIMITS.maxPath) };
  if (subject.kind === 'policy') return { ...subject, reason: subject.reason.slice(0, LIMITS.maxText) };
  return subject;
}
