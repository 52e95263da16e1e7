import type { TriageBulkResult, TriageDetail, TriagedEvent, TriageInfo } from '@dlp/shared';

/**
 * Triage states changed on this page since the list loaded, by event key. The list is patched in
 * place instead of reloaded, so rows already loaded (row 600 of 700) and the scroll position stay.
 */
export type TriageOverrides = ReadonlyMap<string, TriageInfo>;

export const NO_OVERRIDES: TriageOverrides = new Map();

/** `<agentId>/<seq>`: how the page names a row. */
export const eventKeyOf = (event: { agentId: string; seq: number }): string => `${event.agentId}/${event.seq}`;

/** The state a row shows: changed here, else as loaded. */
export function triageOf(item: TriagedEvent, overrides: TriageOverrides): TriageInfo {
  return overrides.get(eventKeyOf(item.event)) ?? item.triage;
}

/**
 * After the drawer saved: the event shows its new effective state, and when its group has a state,
 * every loaded identical event without a state of its own shows the group's (as the console would).
 */
export function withDetail(overrides: TriageOverrides, items: readonly TriagedEvent[], detail: TriageDetail): TriageOverrides {
  const next = new Map(overrides);
  const key = eventKeyOf(detail);
  next.set(key, detail.effective);
  const group = detail.group;
  if (group) {
    for (const item of items) {
      const current = triageOf(item, next);
      if (eventKeyOf(item.event) === key || current.fingerprint !== detail.effective.fingerprint || current.scope === 'event') continue;
      next.set(eventKeyOf(item.event), { ...current, state: group.state, scope: 'group', updatedBy: group.updatedBy, updatedAt: group.updatedAt });
    }
  }
  return next;
}

/** After a bulk change: each named row shows its new state (its fingerprint is unchanged). */
export function withBulk(overrides: TriageOverrides, items: readonly TriagedEvent[], result: TriageBulkResult): TriageOverrides {
  const next = new Map(overrides);
  const loaded = new Map(items.map((item) => [eventKeyOf(item.event), item]));
  for (const changed of result.items) {
    const key = eventKeyOf(changed);
    const item = loaded.get(key);
    if (item) next.set(key, { ...changed.triage, fingerprint: triageOf(item, next).fingerprint });
  }
  return next;
}
