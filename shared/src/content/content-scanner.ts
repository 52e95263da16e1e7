/**
 * Streaming content scan: text arrives in chunks of any size; each match is counted exactly once,
 * also when it straddles a chunk boundary, and memory stays bounded by the chunk plus a small carry.
 * Raw matched values stay inside the scanner (distinct counting); the report has redacted samples only.
 */
import { WINDOWED_MIN_TEXT, findCandidateWindows, newCandidateWindows } from './candidate-windows';
import { BUILT_IN_DETECTORS, builtInDetector, type BuiltInDetectorId, type Detector } from './detectors';
import { compileCustomRegex, customRegexDetector, keywordDetector, CUSTOM_REGEX_WINDOW } from './custom-patterns';
import { DistinctHashes, valueHashInto } from './distinct-hashes';
import { normaliseText } from './normalize';

export interface ContentScanOptions {
  /** Built-in detectors to run; all of them when omitted. */
  detectors?: readonly BuiltInDetectorId[];
  keywords?: readonly string[];
  regexes?: readonly { id: string; pattern: string; flags?: string }[];
  /** "Today" for birth-date checks (tests pin it). */
  now?: Date;
  /** Distinct values remembered per detector; beyond it `distinct` is a lower bound. */
  maxDistinctTracked?: number;
  /** Redacted samples per detector (the event schema carries at most 5). */
  maxSamples?: number;
  /** Time each policy regex may take over the whole scan. */
  customRegexBudgetMs?: number;
}

export interface DetectorFinding {
  detector: string;
  /** Distinct canonical values (separators removed), a lower bound when `distinctCapped`. */
  distinct: number;
  total: number;
  /** 0–1: the detector's base confidence, raised by context words near matches or in the document. */
  confidence: number;
  /** Redacted, distinct, in order of first appearance. */
  samples: string[];
  distinctCapped?: boolean;
}

export interface ContentReport {
  findings: DetectorFinding[];
  /** UTF-16 units scanned. */
  scannedChars: number;
  /** Custom regexes refused by the safety check, with the reason; they did not run. */
  rejectedPatterns: { id: string; reason: string }[];
  /** Custom regexes (`regex:<id>`) that used up their time budget: their counts cover part of the text. */
  exhaustedPatterns: string[];
}

export interface ContentScanner {
  push(text: string): void;
  finish(): ContentReport;
}

/** Characters kept from one round to the next: longer than any match plus its context window. */
const CARRY = Math.max(512, CUSTOM_REGEX_WINDOW + 64);
/** Characters at the end of a round whose matches wait for the next one (the text may continue). */
const HOLD_BACK = 64;
/** New characters gathered before a round runs. */
const ROUND_MIN_NEW = 64 * 1024;
const CONTEXT_BEFORE = 48;
/** A value without a check character (15-digit legacy ID) needs its label within this many characters before it. */
const LABEL_BEFORE = 16;
/** Characters at the start of a document searched for labels (a header row). */
const DOCUMENT_HEAD = 64 * 1024;
const CONTEXT_AFTER = 16;

/**
 * How text is cut into rounds, in UTF-16 units of the decoded text: a reader of raw bytes (the UTF-8
 * byte scan in node/content) cuts its rounds at the same characters, so its findings are the same.
 */
export const SCAN_ROUNDS = { carry: CARRY, holdBack: HOLD_BACK, roundMinNew: ROUND_MIN_NEW, contextBefore: CONTEXT_BEFORE, contextAfter: CONTEXT_AFTER, labelBefore: LABEL_BEFORE, documentHead: DOCUMENT_HEAD } as const;

/**
 * One round's text as the detectors search it. The plain view is the normalised text itself; the
 * UTF-8 byte scan searches a one-byte view of the raw bytes instead (digits, letters, '@' and
 * separators are ASCII there too) and answers the context questions from the bytes.
 */
export interface RoundView {
  /** The text searched; offsets below are into it. */
  readonly text: string;
  /** The normalised document's first DOCUMENT_HEAD characters (asked on the first round only). */
  documentHead(): string;
  /** Is one of `context`'s words within CONTEXT_BEFORE characters before `start` or CONTEXT_AFTER after `end`? */
  contextNear(context: RegExp, start: number, end: number): boolean;
  /** The normalised LABEL_BEFORE characters before `start`. */
  labelBefore(start: number): string;
}

/** Is one of the context words within CONTEXT_BEFORE characters before the match or CONTEXT_AFTER after it? */
function hasContextNear(context: RegExp, text: string, start: number, end: number): boolean {
  context.lastIndex = 0;
  if (context.test(text.slice(Math.max(0, start - CONTEXT_BEFORE), start))) return true;
  context.lastIndex = 0;
  return context.test(text.slice(end, end + CONTEXT_AFTER));
}

/** The view of normalised text. */
export function textView(text: string): RoundView {
  return {
    text,
    documentHead: () => text.slice(0, DOCUMENT_HEAD),
    contextNear: (context, start, end) => hasContextNear(context, text, start, end),
    labelBefore: (start) => text.slice(Math.max(0, start - LABEL_BEFORE), start),
  };
}

interface Tally {
  detector: Detector;
  values: DistinctHashes;
  distinct: number;
  capped: boolean;
  total: number;
  nearContext: number;
  documentContext: boolean;
  samples: string[];
}

/**
 * Distinct values are counted by a 53-bit hash (two FNV-1a variants), so the scanner keeps no raw
 * value in memory (nor, through V8's sliced strings, the text around it).
 */
const HASH = new Int32Array(2);

/** A flat copy, so a kept sample does not pin the chunk it was cut from. */
const detach = (s: string): string => s.split('').join('');

function confidenceOf(tally: Tally): number {
  const base = tally.detector.baseConfidence;
  const near = base + (1 - base) * 0.8;
  const far = tally.documentContext ? base + (1 - base) * 0.4 : base;
  const mean = (tally.nearContext * near + (tally.total - tally.nearContext) * far) / tally.total;
  return Math.round(mean * 100) / 100;
}

/** The detectors and their tallies: runs rounds over views, whoever cut the text into them. */
export interface ScanEngine {
  /** Only built-in detectors run (no policy keywords or regexes): views other than textView may be used. */
  readonly builtInOnly: boolean;
  /** UTF-16 units scanned so far (the report's scannedChars); whoever reads the text adds to it. */
  scannedChars: number;
  /** Runs every detector over `view`, counting matches that end in (countedUpTo, limit]. */
  round(view: RoundView, countedUpTo: number, limit: number): void;
  report(): ContentReport;
}

export function createScanEngine(options: ContentScanOptions = {}): ScanEngine {
  const today = options.now ?? new Date();
  const maxDistinct = options.maxDistinctTracked ?? 200_000;
  const maxSamples = options.maxSamples ?? 5;
  const detectors: Detector[] = (options.detectors ?? BUILT_IN_DETECTORS).map(builtInDetector);
  const builtInCount = detectors.length;
  const rejectedPatterns: ContentReport['rejectedPatterns'] = [];
  const keywords = keywordDetector(options.keywords ?? []);
  if (keywords) detectors.push(keywords);
  for (const { id, pattern, flags } of options.regexes ?? []) {
    const compiled = compileCustomRegex(pattern, flags);
    if (compiled.ok) detectors.push(customRegexDetector(id, compiled.regex, options.customRegexBudgetMs));
    else rejectedPatterns.push({ id, reason: compiled.reason });
  }
  const tallies: Tally[] = detectors.map((detector) => ({ detector, values: new DistinctHashes(), distinct: 0, capped: false, total: 0, nearContext: 0, documentContext: false, samples: [] }));

  function record(tally: Tally, value: string, near: boolean): void {
    tally.total++;
    if (near) tally.nearContext++;
    valueHashInto(value, HASH);
    const a = HASH[0] ?? 0;
    const b = HASH[1] ?? 0;
    if (tally.values.size >= maxDistinct) {
      if (!tally.values.has(a, b)) tally.capped = true;
      return;
    }
    if (!tally.values.add(a, b)) return;
    tally.distinct++;
    if (tally.samples.length < maxSamples) tally.samples.push(detach(tally.detector.redact(value)));
  }

  /** Reused between rounds: characters a higher-priority detector claimed (an ID is not also a card). */
  let claimed = new Uint8Array(0);
  let firstRound = true;
  /** Reused between rounds: where the digit detectors can match, found once per round for all of them. */
  const windows = newCandidateWindows();

  const engine: ScanEngine = {
    builtInOnly: detectors.length === builtInCount,
    scannedChars: 0,
    round(view, countedUpTo, limit) {
      const text = view.text;
      if (claimed.length < text.length) claimed = new Uint8Array(text.length);
      else claimed.fill(0, 0, text.length);
      const candidates = text.length >= WINDOWED_MIN_TEXT ? findCandidateWindows(text, windows) : undefined;
      // Every built-in detector claims what it emits (policy keywords and regexes take no windows).
      windows.claimed = claimed;
      for (const tally of tallies) {
        const { detector } = tally;
        const context = detector.context;
        if (detector.exhausted?.()) continue;
        if (firstRound && context) {
          // Document context: a label in the document's head (a table's header row) or near any match.
          context.lastIndex = 0;
          tally.documentContext = context.test(view.documentHead());
        }
        const claims = !detector.independent;
        const required = detector.requiredLabel;
        detector.find(text, (start, end, value) => {
          // Unlabelled, a legacy ID is no ID: its digits stay free for the next detector (an Amex card).
          if (required?.appliesTo(value) && !required.label.test(view.labelBefore(start))) return;
          if (claims) {
            for (let i = start; i < end; i++) if (claimed[i]) return;
            claimed.fill(1, start, end);
          }
          if (end <= countedUpTo || end > limit) return;
          const near = context !== undefined && view.contextNear(context, start, end);
          if (near) tally.documentContext = true;
          record(tally, value, near);
        }, today, candidates);
      }
      firstRound = false;
    },
    report() {
      return {
        findings: tallies.filter((t) => t.total > 0).map((t) => ({
          detector: t.detector.id,
          distinct: t.distinct,
          total: t.total,
          confidence: confidenceOf(t),
          samples: t.samples,
          ...(t.capped ? { distinctCapped: true } : {}),
        })),
        scannedChars: engine.scannedChars,
        rejectedPatterns,
        exhaustedPatterns: detectors.filter((d) => d.exhausted?.()).map((d) => d.id),
      };
    },
  };
  return engine;
}

/** Decoded text pushed in chunks, cut into rounds. */
export interface TextRounds {
  push(text: string): void;
  /** Runs the last round over what is pending. */
  flush(): void;
}

/**
 * Rounds over decoded text pushed to `engine`; `resume` continues rounds another reader began
 * (`pending` normalised, matches ending up to `countedUpTo` in it already counted).
 */
export function textRounds(engine: ScanEngine, resume?: { pending: string; countedUpTo: number }): TextRounds {
  let pending = resume?.pending ?? '';
  /** Offset in `pending` up to which match ends were already counted. */
  let countedUpTo = resume?.countedUpTo ?? 0;
  return {
    push(chunk) {
      if (chunk.length === 0) return;
      engine.scannedChars += chunk.length;
      pending += normaliseText(chunk);
      // Small pushes (XML text runs) are gathered first, so the carry is not rescanned per push.
      if (pending.length < CARRY + HOLD_BACK + ROUND_MIN_NEW) return;
      engine.round(textView(pending), countedUpTo, pending.length - HOLD_BACK);
      const drop = pending.length - HOLD_BACK - CARRY;
      pending = pending.slice(drop);
      countedUpTo = CARRY;
    },
    flush() {
      engine.round(textView(pending), countedUpTo, pending.length);
      pending = '';
      countedUpTo = 0;
    },
  };
}

/** A streaming scanner over its own engine. */
export function createContentScanner(options: ContentScanOptions = {}): ContentScanner {
  const engine = createScanEngine(options);
  const rounds = textRounds(engine);
  return {
    push: rounds.push,
    finish() {
      rounds.flush();
      return engine.report();
    },
  };
}

/** Scans one string in one go. */
export function scanText(text: string, options: ContentScanOptions = {}): ContentReport {
  const scanner = createContentScanner(options);
  scanner.push(text);
  return scanner.finish();
}
