import type { IpcResponse } from '@dlp/shared';
import { agentNotRunning } from '@dlp/shared/node';
import type { TrayFailure, TrayResult } from '../common/tray-api';

/** When the agent says "rate limited" without saying for how long, the page waits this long. */
const DEFAULT_RETRY_AFTER_MS = 5_000;

/**
 * Turns the agent's answer into what the page shows. `pick` returns the value when the answer is
 * the one expected for the request, and undefined for any other type.
 */
export function resultFromResponse<T>(response: IpcResponse, pick: (response: IpcResponse) => T | undefined): TrayResult<T> {
  if (response.type === 'error') {
    switch (response.code) {
      case 'rate_limited':
        return { ok: false, failure: 'rate-limited', retryAfterMs: response.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS };
      case 'forbidden':
        return { ok: false, failure: 'forbidden' };
      default:
        return { ok: false, failure: 'error', message: `${response.code}: ${response.message}` };
    }
  }
  const value = pick(response);
  if (value === undefined) return { ok: false, failure: 'error', message: `the agent answered ${response.type}, which does not fit the request` };
  return { ok: true, value };
}

/** A request that got no answer: no agent listening is its own case; the rest say what broke. */
export function resultFromError(err: unknown): TrayFailure {
  if (agentNotRunning(err)) return { ok: false, failure: 'agent-not-running' };
  return { ok: false, failure: 'error', message: err instanceof Error ? err.message : String(err) };
}
