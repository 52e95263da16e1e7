import type { EventAction, EventType } from '@dlp/shared';
import type { TabId } from '../TrayWindow/tabs';

/**
 * The tray's own page words (titles, labels, buttons). Sentences about the agent's answers come
 * from `employeeText` in @dlp/shared, so the tray and the `dlp-agent` command never disagree.
 * Both languages implement this interface, so neither can miss a key.
 */
export interface PageText {
  windowTitle: string;
  tabsLabel: string;
  /** Short, so the five fit one row at 420 px. */
  tabs: Record<TabId, string>;
  /** Each section's heading. */
  titles: Record<TabId, string>;
  loading: string;
  retry: string;
  /** A failure the page has no better words for; the raw error is never shown. */
  unexpectedError: string;
  /** The preload did not expose the API: the tray was started wrongly. */
  bridgeMissing: string;
  status: {
    console: string;
    lastContact: (time: string) => string;
    neverContacted: string;
    policy: string;
    noPolicy: string;
    policySummary: (name: string, serial: number) => string;
    mode: Record<'enforce' | 'monitor', string>;
    computer: string;
    inForce: string;
    noControls: string;
  };
  notice: { heading: string; openHelp: string };
  blocks: { empty: string; action: Record<EventAction, string>; type: Record<EventType, string>; requestException: string };
  target: { program: string; fingerprint: string; usbDevice: string; serial: string };
  request: {
    noTarget: string;
    target: string;
    justification: string;
    justificationHint: (max: number) => string;
    justificationRequired: string;
    duration: string;
    custom: string;
    customMinutes: string;
    minutesRange: (max: number) => string;
    submit: string;
    sending: string;
  };
  myRequests: { empty: string; requestedAt: string; duration: string; until: (time: string) => string; endedAt: (time: string) => string; refresh: string };
  unlock: { intro: string; code: string; codeHint: string; submit: string; checking: string; youTyped: string };
  duration: { minutes: (n: number) => string; hours: (n: number) => string; days: (n: number) => string };
}
