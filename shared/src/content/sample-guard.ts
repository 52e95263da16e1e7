/**
 * The last line against raw customer data in a content event's samples (issue 16): whatever an
 * agent sends, a sample that does not look redacted is masked before it is stored, shown or sent
 * on. The event schema applies it, so the agent's outbox, the console's ingest and every reader of a
 * stored event see only samples that pass. Browser-safe; no imports beyond the redaction helpers.
 */
import { redactGeneric } from './redaction';

/** Separators people and the redaction helpers put between groups of characters. */
const SEPARATORS = /[\s\-_./·]/gu;
/** Most digits a redacted sample shows: 6 + 4 of a resident ID, 8 + 2 of a credit code. */
const MAX_VISIBLE_DIGITS = 10;
/** Longest run of digits a redacted sample shows: the 8 leading characters of a credit code. */
const MAX_DIGIT_RUN = 8;
/** A sample with no mask at all is a policy keyword; those hold no more digits than this. */
const MAX_KEYWORD_DIGITS = 4;

function digitsIn(text: string): { total: number; longestRun: number } {
  let total = 0;
  let run = 0;
  let longestRun = 0;
  for (const char of text) {
    if (/\p{Nd}/u.test(char)) {
      total++;
      run++;
      if (run > longestRun) longestRun = run;
    } else run = 0;
  }
  return { total, longestRun };
}

/**
 * Whether a sample is redacted as the detectors redact (`110105********1234`, `138****5678`,
 * `6222 **** **** 1234`, `z***@example.com`, all stars for short values) or is a policy keyword
 * (words without a mask, few digits, no address). Full-width digits count as digits.
 */
export function isRedactedSample(sample: string): boolean {
  const compact = sample.normalize('NFKC').replace(SEPARATORS, '');
  if (compact.length === 0) return true;
  const digits = digitsIn(compact);
  // An address shows at most one character of its local part.
  const at = compact.lastIndexOf('@');
  if (at >= 0 && compact.slice(0, at).replace(/\*/gu, '').length > 1) return false;
  const masked = compact.includes('***') || /^\*+$/u.test(compact);
  if (!masked) return digits.total <= MAX_KEYWORD_DIGITS && !compact.includes('@');
  return digits.total <= MAX_VISIBLE_DIGITS && digits.longestRun <= MAX_DIGIT_RUN;
}

/** The sample when it is redacted; otherwise a generic mask of it (two characters at each end). */
export function redactedSampleOf(sample: string): string {
  if (isRedactedSample(sample)) return sample;
  const masked = redactGeneric(sample.normalize('NFKC'));
  // Short values are all stars already; longer ones still show 2 + 2 characters, never a usable value.
  return isRedactedSample(masked) ? masked : '*'.repeat(Math.min(sample.length, 64));
}
