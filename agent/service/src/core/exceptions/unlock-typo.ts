import type { DeviceIdentity } from '@dlp/shared';
import { unlockCodeCorrections, unlockCodeTypoPosition, verifyUnlockCode } from '@dlp/shared/node';

export interface TypoContext {
  key: Uint8Array;
  agentId: string;
  /** The restricted devices plugged in now. */
  candidates: readonly DeviceIdentity[];
  nowMs: number;
}

/**
 * The 1-based position of the mistyped character in a code refused as `format` or `checksum`, or
 * null when it cannot be named. When the check characters alone leave several candidates, the ones
 * whose correction is a genuine code (under this agent's key, for a plugged-in device) decide. This
 * only names the position, never redeems a corrected code: the person must still type it right.
 */
export function locateUnlockTypo(code: string, ctx: TypoContext | null): number | null {
  const fromCheck = unlockCodeTypoPosition(code);
  if (fromCheck !== null || !ctx) return fromCheck;
  const positions = new Set<number>();
  for (const correction of unlockCodeCorrections(code)) {
    // Genuine means the MAC matches: expired or already used still says "this is the right code".
    const genuine = ctx.candidates.some((device) => {
      const verdict = verifyUnlockCode(ctx.key, ctx.agentId, device, correction.code, ctx.nowMs, new Set());
      return verdict.ok || verdict.reason === 'expired';
    });
    if (genuine) positions.add(correction.position);
  }
  const [only] = positions;
  return positions.size === 1 && only !== undefined ? only : null;
}
