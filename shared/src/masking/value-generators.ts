/**
 * New values for masked ones. Kept characters stay where they are; every other character gets one
 * of its class (digit, letter, Chinese character), drawn from a DrawStream. With `valid`, the value
 * also passes the kind's own checks (GB 11643, Luhn and issuer prefix, GB 32100 and GB 11714, a real
 * birth date, a mobile prefix), so a vendor's test system accepts it.
 */
import { USCC_ALPHABET, cardIssuer, isValidBankCard, isValidResidentId, isValidUscc, luhnCheckDigit, residentIdCheckChar } from '../content';
import { LOWER, codes, codesToString, maskedMobile, sameClassCode, shapeMasked } from './char-codes';
import type { DrawStream } from './draw-stream';
import type { MaskKind } from './mask-kinds';

export interface GenerateRequest {
  kind: MaskKind | 'generic';
  /** The canonical value (separators removed) or, for names and generic values, the text itself. */
  original: string;
  /** One flag per character of `original`: true = keep it. */
  keep: readonly boolean[];
  /** Pass the kind's checks (pseudonyms always do; format-keeping masks with --valid-check-digits). */
  valid: boolean;
  draw: DrawStream;
  today: Date;
}

const DIGITS = '0123456789';
const PROVINCES = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'];
/** Tries per value before giving up on `valid` (each try also solves one position exhaustively). */
const MAX_TRIES = 2000;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A real date from 1930-01-01 to 18 years before today, as YYYYMMDD. */
function birthDate(draw: DrawStream, today: Date): string {
  const start = Date.UTC(1930, 0, 1);
  const end = Date.UTC(today.getUTCFullYear() - 18, today.getUTCMonth(), today.getUTCDate());
  const day = new Date(start + draw.int(Math.floor((end - start) / 86_400_000)) * 86_400_000);
  return `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1, 2)}${pad(day.getUTCDate(), 2)}`;
}

const region = (draw: DrawStream): string => draw.pickOf(PROVINCES) + pad(1 + draw.below(99), 2) + pad(1 + draw.below(99), 2);
const digits = (n: number, draw: DrawStream): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += draw.digit();
  return s;
};

interface KindRules {
  /** A random valid value shaped like `original` (same length and issuer). */
  draft(original: string, draw: DrawStream, today: Date): string;
  /** Positions computed from the others, in the order they must be computed. */
  checks(length: number): number[];
  computeCheck(value: string[], position: number): string;
  /** Characters a non-check position may take, for solving one position exhaustively. */
  alphabet: string;
  isValid(value: string, today: Date): boolean;
  /** Fills free positions so kept check characters hold, faster than trying one position at a time. */
  solve?(value: string[], keep: readonly boolean[]): boolean;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A kept check character: the last free digit that makes the weighted sum fit it (10 of 11 sums are reachable). */
function solveResidentId(value: string[], keep: readonly boolean[]): boolean {
  if (value.length !== 18) return false;
  let free = -1;
  for (let i = 16; i >= 0; i--) if (!keep[i]) {
    free = i;
    break;
  }
  if (free < 0) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) if (i !== free) sum += ((value[i] ?? '0').charCodeAt(0) - 48) * (ID_WEIGHTS[i] ?? 0);
  const weight = ID_WEIGHTS[free] ?? 0;
  for (let d = 0; d < 10; d++) {
    if (ID_CHECK.charAt((sum + d * weight) % 11) === value[17]) {
      value[free] = DIGITS.charAt(d);
      return true;
    }
  }
  return false;
}

/** A kept Luhn digit: the last free digit that makes the sum a multiple of 10 (always one). */
function solveCard(value: string[], keep: readonly boolean[]): boolean {
  const n = value.length;
  let free = -1;
  for (let i = n - 2; i >= 0; i--) if (!keep[i]) {
    free = i;
    break;
  }
  if (free < 0) return false;
  const doubled = (n - 1 - free) % 2 === 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (i === free) continue;
    let d = (value[i] ?? '0').charCodeAt(0) - 48;
    if ((n - 1 - i) % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  for (let d = 0; d < 10; d++) {
    let c = d;
    if (doubled) {
      c *= 2;
      if (c > 9) c -= 9;
    }
    if ((sum + c) % 10 === 0) {
      value[free] = DIGITS.charAt(d);
      return true;
    }
  }
  return false;
}

const residentId: KindRules = {
  solve: solveResidentId,
  draft: (original, draw, today) => {
    if (original.length === 15) return region(draw) + birthDate(draw, today).slice(2) + digits(3, draw);
    const body = region(draw) + birthDate(draw, today) + digits(3, draw);
    return body + residentIdCheckChar(body);
  },
  checks: (length) => (length === 18 ? [17] : []),
  computeCheck: (value) => residentIdCheckChar(value.slice(0, 17).join('')),
  alphabet: DIGITS,
  isValid: (value, today) => isValidResidentId(value, today),
};

function cardPrefix(original: string, draw: DrawStream): string {
  switch (cardIssuer(original)) {
    case 'visa':
      return '4';
    case 'mastercard':
      return `5${1 + draw.below(5)}`;
    case 'amex':
      return draw.pick('47') === '4' ? '34' : '37';
    case 'jcb':
      return `35${28 + draw.below(62)}`;
    default:
      return '62';
  }
}

const bankCard: KindRules = {
  solve: solveCard,
  draft: (original, draw) => {
    const prefix = cardPrefix(original, draw);
    const body = prefix + digits(original.length - prefix.length - 1, draw);
    return body + luhnCheckDigit(body);
  },
  checks: (length) => [length - 1],
  computeCheck: (value) => luhnCheckDigit(value.slice(0, -1).join('')),
  alphabet: DIGITS,
  isValid: (value) => isValidBankCard(value),
};

/** GB 11714 and GB 32100 check characters over a character array (tables instead of parseInt and indexOf per character). */
const CODE_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 36; i++) CODE_VALUE[(i < 10 ? 48 + i : 55 + i)] = i;
const USCC_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_INDEX[USCC_ALPHABET.charCodeAt(i)] = i;

function orgCheckOf(value: readonly string[]): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (CODE_VALUE[(value[8 + i] ?? '0').charCodeAt(0) & 127] ?? 0) * (ORG_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : DIGITS.charAt(check);
}

function usccCheckOf(value: readonly string[]): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const index = USCC_INDEX[(value[i] ?? '').charCodeAt(0) & 127] ?? -1;
    if (index < 0) return '';
    sum += index * (USCC_WEIGHTS[i] ?? 0);
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

const uscc: KindRules = {
  draft: (_original, draw) => {
    const value = new Array<string>(18);
    value[0] = draw.pick('159Y');
    value[1] = DIGITS.charAt(1 + draw.below(3));
    const r = region(draw);
    for (let i = 0; i < 6; i++) value[2 + i] = r.charAt(i);
    for (let i = 8; i < 16; i++) value[i] = draw.below(3) === 0 ? USCC_ALPHABET.charAt(10 + draw.below(21)) : draw.digit();
    value[16] = orgCheckOf(value);
    value[17] = usccCheckOf(value);
    return value.join('');
  },
  checks: () => [16, 17],
  computeCheck: (value, position) => (position === 16 ? orgCheckOf(value) : usccCheckOf(value)),
  alphabet: USCC_ALPHABET,
  isValid: (value) => isValidUscc(value),
  solve: solveUscc,
};

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Both check characters of a credit code kept: two free positions of the organisation code are
 * searched together (31 × 31 pairs, with running sums), which almost always has a solution.
 */
function solveUscc(value: string[], keep: readonly boolean[]): boolean {
  const free: number[] = [];
  for (let i = 15; i >= 0 && free.length < 2; i--) if (!keep[i]) free.push(i);
  const [a, b] = free;
  if (a === undefined || b === undefined || a < 8) return false;
  let orgBase = 0;
  let usccBase = 0;
  for (let i = 0; i < 16; i++) {
    if (i === a || i === b) continue;
    const ch = value[i] ?? '0';
    if (i >= 8) orgBase += parseInt(ch, 36) * (ORG_WEIGHTS[i - 8] ?? 0);
    usccBase += USCC_ALPHABET.indexOf(ch) * (USCC_WEIGHTS[i] ?? 0);
  }
  const wa = ORG_WEIGHTS[a - 8] ?? 0;
  const wb = b >= 8 ? (ORG_WEIGHTS[b - 8] ?? 0) : 0;
  const ua = USCC_WEIGHTS[a] ?? 0;
  const ub = USCC_WEIGHTS[b] ?? 0;
  const u16 = USCC_WEIGHTS[16] ?? 0;
  for (let ia = 0; ia < USCC_ALPHABET.length; ia++) {
    const orgA = orgBase + (USCC_ORG_VALUES[ia] ?? 0) * wa;
    const usccA = usccBase + ia * ua;
    for (let ib = 0; ib < USCC_ALPHABET.length; ib++) {
      const rest = 11 - ((orgA + (USCC_ORG_VALUES[ib] ?? 0) * wb) % 11);
      const check16 = rest === 10 ? 'X' : rest === 11 ? '0' : String(rest);
      if (keep[16] && check16 !== value[16]) continue;
      const check17 = USCC_ALPHABET.charAt((31 - ((usccA + ib * ub + USCC_ALPHABET.indexOf(check16) * u16) % 31)) % 31);
      if (keep[17] && check17 !== value[17]) continue;
      value[a] = USCC_ALPHABET.charAt(ia);
      value[b] = USCC_ALPHABET.charAt(ib);
      value[16] = check16;
      value[17] = check17;
      return true;
    }
  }
  return false;
}

/** Each USCC alphabet character's value in an organisation code (base 36). */
const USCC_ORG_VALUES = [...USCC_ALPHABET].map((ch) => parseInt(ch, 36));

const mobile: KindRules = {
  draft: (_original, draw) => `1${3 + draw.below(7)}${digits(9, draw)}`,
  checks: () => [],
  computeCheck: () => '',
  alphabet: DIGITS,
  isValid: (value) => /^1[3-9]\d{9}$/.test(value),
};

const passport: KindRules = {
  draft: (original, draw) => (/^E[A-Z]/.test(original) ? `E${draw.pick('ABCDEFGHJKLMNPQRSTUVWXYZ')}${digits(7, draw)}` : `${draw.pick('EG')}${digits(8, draw)}`),
  checks: () => [],
  computeCheck: () => '',
  alphabet: DIGITS,
  isValid: (value) => /^(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7})$/.test(value),
};

const RULES: Partial<Record<MaskKind, KindRules>> = { 'cn-resident-id': residentId, 'bank-card': bankCard, 'cn-uscc': uscc, 'cn-mobile': mobile, 'cn-passport': passport };

function overlay(draft: string, original: string, keep: readonly boolean[]): string[] {
  const out = draft.split('');
  for (let i = 0; i < out.length; i++) if (keep[i]) out[i] = original.charAt(i);
  return out;
}

/** The last position neither kept nor a check character, or -1. */
function lastFree(length: number, keep: readonly boolean[], checks: readonly number[]): number {
  for (let i = length - 1; i >= 0; i--) if (!keep[i] && !checks.includes(i)) return i;
  return -1;
}

/** Valid value with the kept characters: a valid draft, kept characters laid over it, checks recomputed or one free position solved. */
function generateValid(rules: KindRules, request: GenerateRequest): string | undefined {
  const { original, keep, draw, today } = request;
  const checks = rules.checks(original.length);
  const recompute = (value: string[]): void => {
    for (const p of checks) if (!keep[p]) value[p] = rules.computeCheck(value, p);
  };
  // Nothing kept (pseudonyms): the draft is the value as it is, its check characters already computed
  // from its own body, so laying nothing over it and recomputing them would give the draft again.
  const noneKept = !keep.some(Boolean);
  let free = -2;
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const draft = rules.draft(original, draw, today);
    if (noneKept && rules.isValid(draft, today)) return draft;
    const value = overlay(draft, original, keep);
    recompute(value);
    let joined = value.join('');
    if (rules.isValid(joined, today)) return joined;
    if (rules.solve) {
      if (!rules.solve(value, keep)) continue;
      joined = value.join('');
      if (rules.isValid(joined, today)) return joined;
      continue;
    }
    if (free === -2) free = lastFree(original.length, keep, checks);
    if (free < 0) continue;
    // A kept check character: some character at the last free position satisfies it.
    for (const ch of rules.alphabet) {
      value[free] = ch;
      recompute(value);
      joined = value.join('');
      if (rules.isValid(joined, today)) return joined;
    }
  }
  return undefined;
}

function generateEmail(request: GenerateRequest): string {
  const { original, keep, draw } = request;
  const at = original.lastIndexOf('@');
  const n = original.length;
  for (let i = 0; i < n; i++) {
    const code = original.charCodeAt(i);
    // A leading digit becomes a letter.
    codes[i] = i >= at || keep[i] ? code : i === 0 && code >= 48 && code <= 57 ? LOWER.charCodeAt(draw.below(LOWER.length)) : sameClassCode(code, draw, 1);
  }
  return codesToString(n);
}


/**
 * A new value for `original` keeping the flagged characters, or undefined when `valid` cannot be met
 * (the caller then uses a shape-only value). The result may still equal `original`: the caller draws again.
 */
export function generateValue(request: GenerateRequest): string | undefined {
  const { kind, original, keep, draw } = request;
  if (kind === 'email') return generateEmail(request);
  const rules = kind === 'generic' ? undefined : RULES[kind];
  if (request.valid && rules) return generateValid(rules, request);
  if (kind === 'cn-mobile') return original.length >= 11 ? maskedMobile(original, keep, draw) : overlay(mobile.draft(original, draw, request.today), original, keep).join('');
  return shapeMasked(original, keep, draw);
}

/** Which characters of a value of length `length` stay: the first/last counts, shrunk so at least a third is masked. */
export function keepFlags(length: number, first: number, last: number, maskable: (index: number) => boolean = () => true): boolean[] {
  const indexes: number[] = [];
  for (let i = 0; i < length; i++) if (maskable(i)) indexes.push(i);
  const n = indexes.length;
  const minMasked = Math.max(1, Math.ceil(n / 3));
  let keepLast = Math.min(last, n);
  let keepFirst = Math.min(first, n);
  while (n - keepFirst - keepLast < minMasked && (keepFirst > 0 || keepLast > 0)) {
    if (keepLast >= keepFirst && keepLast > 0) keepLast--;
    else keepFirst--;
  }
  const flags = new Array<boolean>(length).fill(true);
  for (let j = keepFirst; j < n - keepLast; j++) flags[indexes[j] ?? 0] = false;
  return flags;
}
