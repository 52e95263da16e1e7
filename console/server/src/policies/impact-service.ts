import { IMPACT_MAX_EVENTS, IMPACT_PAGE, type ImpactReport } from '@dlp/shared';
import type { ConsoleStore } from '../store/store';
import { APPS_AS_ENFORCED, ImpactReplay, type EffectiveApps } from './impact-replay';
import { notFound } from '../service-kit/service-error';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Impact preview: what a draft would have done to the last N days of stored events. */
export class ImpactService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly effectiveApps: EffectiveApps = APPS_AS_ENFORCED,
    private readonly now: () => number = Date.now,
  ) {}

  async preview(draftId: string, days: number): Promise<ImpactReport> {
    const draft = await this.store.drafts.findById(draftId);
    if (!draft) throw notFound('draft', draftId);
    const toMs = this.now();
    const fromMs = toMs - days * DAY_MS;
    const replay = new ImpactReplay(draft.document, this.effectiveApps);
    const osByAgent = new Map<string, string>();
    let truncated = false;
    for (const type of ['app', 'usb'] as const) {
      let seen = 0;
      let beforeRowId: number | undefined;
      for (;;) {
        const rows = await this.store.events.query({ type, fromMs, toMs, limit: IMPACT_PAGE, ...(beforeRowId !== undefined ? { beforeRowId } : {}) });
        for (const { event } of rows) replay.add(event, await this.osOf(event.agentId, osByAgent));
        seen += rows.length;
        const last = rows[rows.length - 1];
        if (rows.length < IMPACT_PAGE || !last) break;
        if (seen >= IMPACT_MAX_EVENTS) {
          truncated = true;
          break;
        }
        beforeRowId = last.rowId;
      }
    }
    return {
      draftId,
      policyId: draft.policyId,
      mode: draft.document.mode,
      days,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      appEvents: replay.appEvents,
      usbDevices: replay.usbDevices,
      truncated,
      ...replay.finish(),
    };
  }

  private async osOf(agentId: string, cache: Map<string, string>): Promise<string> {
    let os = cache.get(agentId);
    if (os === undefined) {
      os = (await this.store.agents.findById(agentId))?.info.os ?? 'linux';
      cache.set(agentId, os);
    }
    return os;
  }
}
