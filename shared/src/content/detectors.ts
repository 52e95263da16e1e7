/**
 * The built-in detectors. Each finds candidates in normalised text and keeps only those whose
 * structure and check character hold, so an 18-digit order number or a 15-digit IMEI is not a hit.
 */
import { isWindowClaimed, type CandidateWindows } from './candidate-windows';
import { isValidBankCard, isValidResidentId, isValidUscc } from './checksums';
import { redactBankCard, redactEmail, redactGeneric, redactMobile, redactResidentId, redactUscc } from './redaction';

/** In priority order: where two detectors claim the same characters, the earlier one keeps them. */
// A card number before a credit code: an all-digit 18-character value that passes both checks is far
// likelier an 18-digit UnionPay card (customer data) than a credit code from registration office 6.
export const BUILT_IN_DETECTORS = ['cn-resident-id', 'bank-card', 'cn-uscc', 'cn-mobile', 'cn-passport', 'email'] as const;
export type BuiltInDetectorId = (typeof BUILT_IN_DETECTORS)[number];

/** Called once per validated match: offsets into the searched text, and the canonical value. */
export type EmitMatch = (start: number, end: number, value: string) => void;

export interface Detector {
  readonly id: string;
  /** Confidence of a match with no context word anywhere near it or in the document. */
  readonly baseConfidence: number;
  /** Words that, near a match, make it likelier to be what the detector says (case-insensitive). */
  readonly context: RegExp | undefined;
  /**
   * Policy keywords and regexes neither claim characters nor yield them: a keyword inside an ID
   * number still counts. Built-in detectors claim theirs in priority order.
   */
  readonly independent?: boolean;
  /** A policy regex that used up its time budget and stopped (reported, not silently dropped). */
  exhausted?(): boolean;
  /**
   * For values with no check character to go by (15-digit legacy IDs): counted only when one of
   * these labels comes right before them.
   */
  requiredLabel?: { appliesTo(value: string): boolean; label: RegExp };
  /**
   * Emits every match in `text`, in order. With `windows` (findCandidateWindows of this same text),
   * a digit detector searches only those windows: the same matches, without reading the rest.
   */
  find(text: string, emit: EmitMatch, today: Date, windows?: CandidateWindows): void;
  redact(value: string): string;
}

/** Windows a detector may match in: enough digits, characters, or a passport's first letter. */
interface WindowNeeds {
  minDigits: number;
  minLength: number;
  passportLetter?: boolean;
  /** In a window of digits only, a match is the whole window: the lengths this detector's matches can have there. */
  plainLengths: readonly number[];
}

/** Characters of margin around a window: the look-behinds reach two characters back (`\d\.`), the look-ahead two forward. */
const WINDOW_MARGIN = 2;

// A number is not a match when it continues a longer run of letters or digits, or is one side of a
// decimal (`3.1415…`, `6222….50`): that is what makes "a digit run inside a longer run" no match.
// The look-behind comes after the first character, so the regex engine can skip ahead to
// candidates by that character instead of trying the look-behind at every position.
const before = (first: string): string => String.raw`${first}(?<![0-9A-Za-z]${first}|\d\.${first})`;
const AFTER = String.raw`(?![0-9A-Za-z]|\.\d)`;

function regexDetector(spec: {
  id: BuiltInDetectorId;
  /** The first character (a class) and the rest of the pattern. */
  first: string;
  pattern: string;
  baseConfidence: number;
  context: string;
  canonical: (raw: string, today: Date) => string | undefined;
  redact: (value: string) => string;
  needs: WindowNeeds;
}): Detector {
  const pattern = new RegExp(before(spec.first) + spec.pattern + AFTER, 'g');
  const { minDigits, minLength, passportLetter } = spec.needs;
  const plainLength = new Uint8Array(32);
  for (const length of spec.needs.plainLengths) plainLength[length] = 1;
  /** Matches in `text` (the whole text, or a window of it starting at `offset`). */
  const search = (text: string, offset: number, emit: EmitMatch, today: Date): void => {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const value = spec.canonical(m[0], today);
      if (value !== undefined) emit(offset + m.index, offset + m.index + m[0].length, value);
    }
  };
  return {
    id: spec.id,
    baseConfidence: spec.baseConfidence,
    context: new RegExp(spec.context, 'gi'),
    redact: spec.redact,
    find(text, emit, today, windows) {
      if (!windows) {
        search(text, 0, emit, today);
        return;
      }
      for (let w = 0; w < windows.count; w++) {
        const start = windows.starts[w] ?? 0;
        const end = windows.ends[w] ?? 0;
        const length = end - start;
        if ((windows.digits[w] ?? 0) < minDigits || length < minLength || (passportLetter === true && windows.passportLetter[w] !== 1)) continue;
        if ((windows.plainDigits[w] === 1 && (length >= 32 || plainLength[length] !== 1)) || isWindowClaimed(windows, w)) continue;
        const from = Math.max(0, start - WINDOW_MARGIN);
        search(text.slice(from, Math.min(text.length, end + WINDOW_MARGIN)), from, emit, today);
      }
    },
  };
}

const stripSeparators = (raw: string): string => (raw.includes(' ') || raw.includes('-') ? raw.replace(/[ -]/g, '') : raw);
const NAME_WORDS = '姓名|客户|持卡人|name';

const residentId = regexDetector({
  id: 'cn-resident-id',
  // 18 characters as 6-8-4 with optional single separators, or the legacy 15 digits.
  first: String.raw`\d`,
  pattern: String.raw`(?:\d{5}([ -]?)\d{8}\1\d{3}[\dXx]|\d{14})`,
  baseConfidence: 0.9,
  context: `身份证|证件号|身份号码|公民身份|居民身份|${NAME_WORDS}|\\bID\\b|id ?card|id ?no`,
  canonical: (raw, today) => {
    const stripped = stripSeparators(raw);
    const id = stripped.charCodeAt(stripped.length - 1) === 120 ? stripped.toUpperCase() : stripped;
    return isValidResidentId(id, today) ? id : undefined;
  },
  redact: redactResidentId,
  // 17 digits and a check character, or 15 digits.
  needs: { minDigits: 15, minLength: 15, plainLengths: [15, 18] },
});
// Legacy 15-digit IDs carry no check character: about 1 in 25 random 15-digit numbers with a
// province prefix (IMEIs start with 35, Fujian) has a real date in the right place, so they count
// only right after an ID label (身份证号：…), not under a table header.
// The label is specific (no 姓名, 客户 or a bare "ID", as in "request id, IMEI 35…").
residentId.requiredLabel = { appliesTo: (value) => value.length === 15, label: /(?:身份证|证件|身份号码|公民身份|居民身份|id ?card|id ?no)[^0-9]{0,8}$/i };

const uscc = regexDetector({
  id: 'cn-uscc',
  // Registration authority (1–9, A, N, Y), entity type, 6-digit region, 9-character organisation code, check.
  first: '[1-9ANY]',
  pattern: String.raw`[1-9]\d{6}[0-9A-HJ-NP-RTUW-Y]{10}`,
  baseConfidence: 0.85,
  context: '信用代码|社会信用|税号|纳税人识别号|营业执照|uscc|credit code',
  canonical: (raw) => (isValidUscc(raw) ? raw : undefined),
  redact: redactUscc,
  // 18 characters, 7 digits in a row among them.
  needs: { minDigits: 7, minLength: 18, plainLengths: [18] },
});

const bankCard = regexDetector({
  id: 'bank-card',
  // Plain 15–19 digits, groups of four with one consistent separator, or Amex's 4-6-5.
  first: String.raw`\d`,
  pattern: String.raw`(?:\d{14,18}|\d{3}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{3}([ -])\d{6}\2\d{5})`,
  baseConfidence: 0.7,
  context: `卡号|银行卡|信用卡|借记卡|银行账号|账号|开户行|${NAME_WORDS}|card ?no|card ?number|account`,
  canonical: (raw) => {
    const digits = stripSeparators(raw);
    return isValidBankCard(digits) ? digits : undefined;
  },
  redact: redactBankCard,
  needs: { minDigits: 15, minLength: 15, plainLengths: [15, 16, 17, 18, 19] },
});

const mobile = regexDetector({
  id: 'cn-mobile',
  // +86 or 0086 prefix optional; 3-4-4 with one consistent separator, or 11 digits.
  // The first character is '+', the first 0 of 0086, or the 1 of the number itself.
  first: '[+01]',
  pattern: String.raw`(?:(?<=\+)86[ -]?1|(?<=0)086[ -]?1|(?<=1))[3-9]\d([ -]?)\d{4}\1\d{4}`,
  baseConfidence: 0.6,
  context: `手机|电话|联系方式|联系电话|${NAME_WORDS}|mobile|phone|\\btel\\b`,
  canonical: (raw) => stripSeparators(raw).slice(-11),
  redact: redactMobile,
  // 11 digits, or 0086 and 11 digits.
  needs: { minDigits: 11, minLength: 11, plainLengths: [11, 15] },
});

const passport = regexDetector({
  id: 'cn-passport',
  // E or G and 8 digits; the 2012 format E, a letter other than I or O, 7 digits.
  first: '[EG]',
  pattern: String.raw`(?:\d{8}|(?<=E)[A-HJ-NP-Z]\d{7})`,
  baseConfidence: 0.3,
  context: `护照|${NAME_WORDS}|passport`,
  canonical: (raw) => raw,
  redact: redactGeneric,
  needs: { minDigits: 7, minLength: 9, passportLetter: true, plainLengths: [] },
});

/** Character classes by code (ASCII): 1 = domain character [A-Za-z0-9.-], 2 = local only [_%+]. */
const EMAIL_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9.-]/.test(ch)) EMAIL_CHAR[c] = 1;
  else if (/[_%+]/.test(ch)) EMAIL_CHAR[c] = 2;
}
const isLocalChar = (c: number): boolean => c < 128 && EMAIL_CHAR[c] !== 0;
const isDomainChar = (c: number): boolean => c < 128 && EMAIL_CHAR[c] === 1;
const DOMAIN_SHAPE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;
const DOT = 46;
const DASH = 45;

/**
 * Addresses around each '@', expanded by hand so a long run without '@' costs linear time; the
 * character classes are table look-ups (a regex test per character cost more than the rest).
 */
function findEmails(text: string, emit: EmitMatch): void {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && isLocalChar(text.charCodeAt(start - 1))) start--;
    if (start > 0 && isLocalChar(text.charCodeAt(start - 1))) continue; // local part longer than 64
    while (text.charCodeAt(start) === DOT) start++;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === DASH)) end--;
    if (start >= at || text.charCodeAt(at - 1) === DOT) continue;
    const local = text.slice(start, at);
    const domain = text.slice(at + 1, end);
    if (local.includes('..') || !DOMAIN_SHAPE.test(domain)) continue;
    emit(start, end, `${local}@${domain.toLowerCase()}`);
  }
}

const email: Detector = {
  id: 'email',
  baseConfidence: 0.9,
  context: /邮箱|电子邮件|e-?mail/gi,
  find: (text, emit) => findEmails(text, emit),
  redact: redactEmail,
};

const DETECTORS: Record<BuiltInDetectorId, Detector> = {
  'cn-resident-id': residentId,
  'cn-uscc': uscc,
  'bank-card': bankCard,
  'cn-mobile': mobile,
  'cn-passport': passport,
  email,
};

/**
 * The low-level detector: `find` emits raw values with their offsets, for masking (issue 16 item 4).
 * Reports and events go through createContentScanner / scanText, which return redacted samples only.
 */
export function builtInDetector(id: BuiltInDetectorId): Detector {
  return DETECTORS[id];
}
