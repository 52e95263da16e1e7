/**
 * Keywords and regular expressions given by policy. A user regex runs on the same thread as every
 * other detector, so it is vetted before use: length cap, no backreferences or lookarounds, no
 * quantified group that itself contains a quantifier or an alternation (the shapes behind
 * exponential backtracking, e.g. `(a+)+`, `(a|aa)*`). What remains can still be polynomial
 * (`\d+\d+x` is cubic over a run of digits), so it runs only over windows of at most
 * `CUSTOM_REGEX_WINDOW` characters (a line, or pieces of a long line) and within a time budget per
 * scan; a pattern that uses up its budget stops and is reported, the rest of the scan goes on.
 */
import { normaliseText } from './normalize';
import { redactGeneric } from './redaction';
import type { Detector } from './detectors';

export const CUSTOM_PATTERN_LIMITS = { maxPatternLength: 256, maxKeywordLength: 128, maxKeywords: 256, maxRegexes: 32 } as const;
/** Window a custom regex runs over; lines longer than this are cut into overlapping windows. */
export const CUSTOM_REGEX_WINDOW = 256;
const WINDOW_OVERLAP = 64;
/** Time one custom regex may take over one scan, by default. */
export const DEFAULT_CUSTOM_REGEX_BUDGET_MS = 2000;

export type PatternCheck = { ok: true; regex: RegExp } | { ok: false; reason: string };

/** Why a pattern is refused, found in one pass over its source; undefined when it is acceptable. */
function unsafeShape(source: string): string | undefined {
  // Per open group: does it contain a quantifier or a top-level '|'?
  const groups: { quantified: boolean; alternation: boolean }[] = [];
  let lastGroup: { quantified: boolean; alternation: boolean } | undefined;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    const next = source.charAt(i + 1);
    if (ch === '\\') {
      if (/[1-9k]/.test(next)) return 'backreferences are not allowed';
      i++;
      lastGroup = undefined;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      lastGroup = undefined;
    } else if (ch === '(') {
      if (next === '?' && /[=!<]/.test(source.charAt(i + 2)) && !(source.charAt(i + 2) === '<' && /[A-Za-z]/.test(source.charAt(i + 3)))) {
        return 'lookarounds are not allowed';
      }
      groups.push({ quantified: false, alternation: false });
      lastGroup = undefined;
    } else if (ch === ')') {
      lastGroup = groups.pop();
      if (lastGroup === undefined) return 'unbalanced parenthesis';
      const parent = groups[groups.length - 1];
      if (parent && lastGroup.quantified) parent.quantified = true;
      continue;
    } else if (ch === '|') {
      const top = groups[groups.length - 1];
      if (top) top.alternation = true;
    } else if (ch === '*' || ch === '+' || ch === '?' || ch === '{') {
      if (ch === '?' && (source.charAt(i - 1) === '(' || /[*+?}]/.test(source.charAt(i - 1)))) continue; // (?: or lazy
      if (lastGroup && (lastGroup.quantified || lastGroup.alternation) && ch !== '?') {
        return 'a repeated group may not contain a quantifier or an alternation (catastrophic backtracking)';
      }
      const top = groups[groups.length - 1];
      if (top && ch !== '?') top.quantified = true;
    }
    lastGroup = undefined;
  }
  return undefined;
}

/** Compiles a policy regex (flags limited to i, m, s, u) or says why it is refused. */
export function compileCustomRegex(pattern: string, flags = ''): PatternCheck {
  if (pattern.length === 0 || pattern.length > CUSTOM_PATTERN_LIMITS.maxPatternLength) {
    return { ok: false, reason: `pattern must be 1–${CUSTOM_PATTERN_LIMITS.maxPatternLength} characters` };
  }
  if (!/^[imsu]*$/.test(flags)) return { ok: false, reason: 'only the flags i, m, s and u are allowed' };
  const shape = unsafeShape(pattern);
  if (shape) return { ok: false, reason: shape };
  try {
    const regex = new RegExp(pattern, `${flags}g`);
    if (regex.test('')) return { ok: false, reason: 'pattern matches the empty string' };
    return { ok: true, regex };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'invalid pattern' };
  }
}

/**
 * Visits the windows a custom regex is run over: lines, and long lines in overlapping pieces.
 * Stops when `visit` returns false.
 */
function forEachWindow(text: string, visit: (start: number, end: number) => boolean): void {
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    for (let start = lineStart; ; start += CUSTOM_REGEX_WINDOW - WINDOW_OVERLAP) {
      const end = Math.min(lineEnd, start + CUSTOM_REGEX_WINDOW);
      if (!visit(start, end)) return;
      if (end >= lineEnd) break;
    }
    lineStart = lineEnd + 1;
  }
}

/** A detector for one vetted policy regex; its id is `regex:<id>`. */
export function customRegexDetector(id: string, regex: RegExp, budgetMs = DEFAULT_CUSTOM_REGEX_BUDGET_MS): Detector {
  let spentMs = 0;
  return {
    id: `regex:${id}`,
    exhausted: () => spentMs > budgetMs,
    baseConfidence: 0.6,
    context: undefined,
    independent: true,
    redact: redactGeneric,
    find(text, emit) {
      let lastEnd = -1;
      let windows = 0;
      let clock = Date.now();
      forEachWindow(text, (start, end) => {
        // The clock is read every 64 windows: cheap, and a window is short enough to be bounded.
        if (++windows % 64 === 0) {
          const at = Date.now();
          spentMs += at - clock;
          clock = at;
          if (spentMs > budgetMs) return false;
        }
        const window = text.slice(start, end);
        regex.lastIndex = 0;
        for (let m = regex.exec(window); m !== null; m = regex.exec(window)) {
          if (m[0].length === 0) {
            regex.lastIndex++;
            continue;
          }
          // Overlapping windows find the same match twice; keep matches in order and once.
          if (start + m.index >= lastEnd) {
            emit(start + m.index, start + m.index + m[0].length, m[0]);
            lastEnd = start + m.index + m[0].length;
          }
        }
        return true;
      });
      spentMs += Date.now() - clock;
    },
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One detector for all policy keywords (case-insensitive, normalised like the text); id `keyword`. */
export function keywordDetector(keywords: readonly string[]): Detector | undefined {
  const words = [...new Set(keywords.map((k) => normaliseText(k).trim()).filter((k) => k.length > 0))];
  if (words.length === 0) return undefined;
  // Longest first, so a keyword that contains another is reported as itself.
  words.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(words.map(escapeRegex).join('|'), 'gi');
  return {
    id: 'keyword',
    baseConfidence: 1,
    context: undefined,
    independent: true,
    // Keywords come from policy, not from the scanned data: reporting them is not a leak.
    redact: (value) => value,
    find(text, emit) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) emit(m.index, m.index + m[0].length, m[0].toLowerCase());
    },
  };
}
