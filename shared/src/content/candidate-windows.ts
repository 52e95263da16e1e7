/**
 * Where the digit detectors can match at all, found in one pass so that each detector's regex runs
 * only there instead of over all the text (prose, logs and most table columns hold no candidate).
 *
 * A window is a maximal run of ASCII letters, digits and '+', joined across a single space or dash
 * that has a digit on both sides, that holds seven digits in a row (single separators allowed
 * between them). Every character a built-in digit detector (resident ID, card,
 * credit code, mobile, passport) matches is one of these, and its separators sit between digits, so
 * each of their matches lies inside one window. Their look-arounds reach at most two characters
 * past a match, which is why a detector searches a window with two characters of margin each side
 * (see detectors.ts): the matches are then exactly those a search of the whole text finds.
 */

const DIGIT = 1;
const LETTER = 2;
const PLUS = 3;
const SEPARATOR = 4;

const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER;
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
CLASS[43] = PLUS;
CLASS[32] = SEPARATOR;
CLASS[45] = SEPARATOR;

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** Windows shorter than this hold no match of any digit detector (a passport: E + 8 digits). */
const MIN_LENGTH = 9;

/** Texts at least this long count as long: the content scanner searches shorter ones whole, the hit finder skips its per-cell gating for longer ones. */
export const WINDOWED_MIN_TEXT = 256;

/** Windows of one text: parallel arrays, `count` of them in use. */
export interface CandidateWindows {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** Digits in the window. */
  digits: Int32Array;
  /** 1 when the window holds an upper-case E or G (a passport's first letter). */
  passportLetter: Uint8Array;
  /**
   * 1 when the window is digits only. A match can then only be the whole window (the detectors'
   * look-arounds refuse a start or an end next to a digit), so its length alone rules most detectors out.
   */
  plainDigits: Uint8Array;
  /**
   * The caller's claims (1 = a higher-priority detector's match holds the character), when every
   * match it is given must claim free characters: a window claimed whole is then not searched again
   * (an ID's digits are searched for a card, a credit code and a mobile for nothing).
   */
  claimed?: Uint8Array;
}

/** Is every character of window `w` claimed? */
export function isWindowClaimed(windows: CandidateWindows, w: number): boolean {
  const claimed = windows.claimed;
  if (!claimed) return false;
  const end = windows.ends[w] ?? 0;
  for (let i = windows.starts[w] ?? 0; i < end; i++) if (claimed[i] !== 1) return false;
  return true;
}

function grow(windows: CandidateWindows): void {
  const size = windows.starts.length * 2;
  const starts = new Int32Array(size);
  starts.set(windows.starts);
  const ends = new Int32Array(size);
  ends.set(windows.ends);
  const digits = new Int32Array(size);
  digits.set(windows.digits);
  const passportLetter = new Uint8Array(size);
  passportLetter.set(windows.passportLetter);
  const plainDigits = new Uint8Array(size);
  plainDigits.set(windows.plainDigits);
  windows.starts = starts;
  windows.ends = ends;
  windows.digits = digits;
  windows.passportLetter = passportLetter;
  windows.plainDigits = plainDigits;
}

export function newCandidateWindows(): CandidateWindows {
  return { count: 0, starts: new Int32Array(1024), ends: new Int32Array(1024), digits: new Int32Array(1024), passportLetter: new Uint8Array(1024), plainDigits: new Uint8Array(1024) };
}

/**
 * Seven digits in a row, or split by single separators: every digit detector's match holds such a
 * run (a credit code `[1-9]\d{6}`, a passport 7 or 8 digits, the others more). The regex engine skips
 * text without one far faster than a character loop in JS, so windows are grown only around these.
 */
const DIGIT_CLUSTER = /\d(?:[ -]?\d){6}/g;

/**
 * Can a built-in detector match in a window? Its needs (detectors.ts) in one test: eleven digits
 * (mobile; ID and card need fifteen), eighteen characters (credit code) or E/G (passport); in a
 * window of digits only, a length some detector's whole-window match can have.
 */
function isUseful(length: number, digits: number, passportLetter: number): boolean {
  if (digits === length) return length === 11 || (length >= 15 && length <= 19);
  return digits >= 11 || length >= 18 || passportLetter === 1;
}

/** Is the character at `p` part of a window (a separator only between two digits)? */
function inWindow(text: string, p: number): boolean {
  const c = text.charCodeAt(p);
  const kind = c < 128 ? (CLASS[c] ?? 0) : 0;
  if (kind === SEPARATOR) return isDigitCode(text.charCodeAt(p - 1)) && isDigitCode(text.charCodeAt(p + 1));
  return kind !== 0;
}

/** Fills `windows` (reused between calls: no allocation per text once it is large enough) with the candidates of `text`. */
export function findCandidateWindows(text: string, windows: CandidateWindows): CandidateWindows {
  windows.count = 0;
  const n = text.length;
  DIGIT_CLUSTER.lastIndex = 0;
  // test(), not exec(): no match array per cluster; the window is found from the cluster's end.
  while (DIGIT_CLUSTER.test(text)) {
    const clusterEnd = DIGIT_CLUSTER.lastIndex;
    // Every character of a cluster is a window character, its last one included.
    let start = clusterEnd - 1;
    while (start > 0 && inWindow(text, start - 1)) start--;
    let end = clusterEnd;
    while (end < n && inWindow(text, end)) end++;
    DIGIT_CLUSTER.lastIndex = end;
    let digits = 0;
    let passportLetter = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isDigitCode(c)) digits++;
      else if (c === 69 || c === 71) passportLetter = 1;
    }
    if (end - start < MIN_LENGTH || !isUseful(end - start, digits, passportLetter)) continue;
    if (windows.count === windows.starts.length) grow(windows);
    const w = windows.count++;
    windows.starts[w] = start;
    windows.ends[w] = end;
    windows.digits[w] = digits;
    windows.passportLetter[w] = passportLetter;
    windows.plainDigits[w] = digits === end - start ? 1 : 0;
  }
  return windows;
}
