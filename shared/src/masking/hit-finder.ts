/**
 * Detector hits inside one value (a cell, a string literal, a line of free text), with the same rules
 * as the content scanner: normalised text, the built-in priority (an ID's digits are not also a
 * card), legacy 15-digit IDs only right after an ID label. Offsets are into the value as given:
 * normalisation maps one UTF-16 unit to one.
 */
import { WINDOWED_MIN_TEXT, builtInDetector, findCandidateWindows, newCandidateWindows, normaliseText, type BuiltInDetectorId, type CandidateWindows } from '../content';

export interface Hit {
  detector: BuiltInDetectorId;
  start: number;
  end: number;
  /** The canonical value (separators removed, ID check letter upper-case, email domain lower-case). */
  value: string;
}

const LABEL_BEFORE = 16;

/**
 * What a detector needs before it is worth running on a value: its shortest match, the longest run
 * of digits any of its written forms has (an ID written 6-8-4 still has 8 in a row; a card in groups
 * of four only 4), or an '@'. Most cells (names, amounts, dates, words) need no regex at all.
 */
const NEEDS: Record<BuiltInDetectorId, { minLength: number; minDigitRun: number; at?: boolean }> = {
  'cn-resident-id': { minLength: 15, minDigitRun: 8 },
  'bank-card': { minLength: 15, minDigitRun: 3 },
  'cn-uscc': { minLength: 18, minDigitRun: 6 },
  'cn-mobile': { minLength: 11, minDigitRun: 3 },
  'cn-passport': { minLength: 9, minDigitRun: 7 },
  email: { minLength: 5, minDigitRun: 0, at: true },
};

/** What shapeOf found (module variables: it runs once per cell, so no object per call). */
let digitRun = 0;
let hasAt = false;
let needsNormalising = false;

/**
 * The longest run of (ASCII or full-width) digits, whether there is an '@', and whether any
 * character is one normaliseText may replace (all are U+00A0 or above): one pass, no regex.
 */
function shapeOf(text: string): void {
  let run = 0;
  let longest = 0;
  let at = false;
  let wide = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xa0) wide = true;
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) {
      if (++run > longest) longest = run;
    } else {
      run = 0;
      if (c === 64 || c === 0xff20) at = true;
    }
  }
  digitRun = longest;
  hasAt = at;
  needsNormalising = wide;
}

export interface HitFinder {
  /** Hits in `text`, in order of position; empty when there are none. */
  find(text: string): Hit[];
}

export function createHitFinder(detectors: readonly BuiltInDetectorId[], today: Date): HitFinder {
  // In the scanner's priority order, whatever order the caller gave.
  const ordered = (['cn-resident-id', 'bank-card', 'cn-uscc', 'cn-mobile', 'cn-passport', 'email'] as const).filter((d) => detectors.includes(d)).map((id) => ({ id, detector: builtInDetector(id) }));
  let claimed = new Uint8Array(256);
  const windows = newCandidateWindows();
  return {
    find(text) {
      if (text.length < 5) return [];
      if (text.length >= WINDOWED_MIN_TEXT) {
        // A long text (a round of the raw-text scan) is searched by windows, which do this gating
        // themselves: a pass of shapeOf over it would only cost time (emails are found by '@').
        digitRun = text.length;
        hasAt = true;
        needsNormalising = true;
      } else {
        shapeOf(text);
        if (digitRun < 3 && !hasAt) return [];
      }
      let normal: string | undefined;
      if (claimed.length < text.length) claimed = new Uint8Array(text.length * 2);
      else claimed.fill(0, 0, text.length);
      const hits: Hit[] = [];
      let candidates: CandidateWindows | undefined;
      for (const { id, detector } of ordered) {
        const needs = NEEDS[id];
        if (text.length < needs.minLength || digitRun < needs.minDigitRun || (needs.at === true && !hasAt)) continue;
        if (normal === undefined) {
          normal = needsNormalising ? normaliseText(text) : text;
          // Searched only where a digit detector can match: in a long text (a round of the raw-text
          // scan) that skips most of it; in a cell (an order number, a timestamp) the windows' digit
          // counts and lengths rule out most detectors without running their regexes.
          candidates = findCandidateWindows(normal, windows);
          windows.claimed = claimed;
        }
        const required = detector.requiredLabel;
        const searched = normal;
        detector.find(searched, (start, end, value) => {
          if (required?.appliesTo(value) && !required.label.test(searched.slice(Math.max(0, start - LABEL_BEFORE), start))) return;
          for (let i = start; i < end; i++) if (claimed[i]) return;
          claimed.fill(1, start, end);
          hits.push({ detector: id, start, end, value });
        }, today, candidates);
      }
      return hits.length > 1 ? hits.sort((a, b) => a.start - b.start) : hits;
    },
  };
}
