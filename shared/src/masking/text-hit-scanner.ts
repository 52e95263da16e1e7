/**
 * Detector hits over a stream of text regardless of its format, as the agent's scanner sees a file:
 * the second look of every pass, so a value in a place no parser treats as a value (a JSON key, an
 * SQL identifier, an XML attribute) is still seen. Pieces may be cut anywhere: text is scanned in
 * rounds that keep a carry from the previous one, and each hit is reported once.
 */
import type { Hit, HitFinder } from './hit-finder';

/** Longer than any value plus the label a legacy ID needs before it. */
const CARRY = 512;
/** The end of a round may continue in the next piece: hits ending there wait. */
const HOLD_BACK = 64;
/**
 * New text per round. Pieces of a megabyte are scanned a round of this at a time: a round's hits
 * (tens of thousands in a dense customer table) then die young, where a megabyte's worth lived
 * through several young-generation GCs and copying them was most of a pass's GC time.
 */
const ROUND_MIN_NEW = 32 * 1024;

export interface TextHitScanner {
  push(text: string): void;
  end(): void;
}

/** `onHit` gets each hit once, with the line it ends on. */
export function createTextHitScanner(finder: HitFinder, onHit: (hit: Hit, line: number) => void): TextHitScanner {
  let pending = '';
  let countedUpTo = 0;
  /** Line number at offset 0 of `pending`. */
  let line = 1;

  function round(limit: number): void {
    const hits = finder.find(pending);
    let at = 0;
    let current = line;
    for (const hit of hits) {
      if (hit.end <= countedUpTo || hit.end > limit) continue;
      for (let k = pending.indexOf('\n', at); k !== -1 && k < hit.end; k = pending.indexOf('\n', at)) {
        current++;
        at = k + 1;
      }
      onHit(hit, current);
    }
    countedUpTo = limit;
  }

  function pushPart(text: string): void {
    pending += text;
    if (pending.length < CARRY + HOLD_BACK + ROUND_MIN_NEW) return;
    round(pending.length - HOLD_BACK);
    const drop = pending.length - HOLD_BACK - CARRY;
    for (let k = pending.indexOf('\n'); k !== -1 && k < drop; k = pending.indexOf('\n', k + 1)) line++;
    pending = pending.slice(drop);
    countedUpTo -= drop;
  }

  return {
    push(text) {
      if (text.length <= ROUND_MIN_NEW) {
        if (text.length > 0) pushPart(text);
        return;
      }
      for (let at = 0; at < text.length; at += ROUND_MIN_NEW) pushPart(text.slice(at, at + ROUND_MIN_NEW));
    },
    end() {
      round(pending.length);
      pending = '';
    },
  };
}
