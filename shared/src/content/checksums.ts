/**
 * Check characters and structure rules of the identifiers the built-in detectors validate. Each
 * function takes the canonical form (separators removed, letters upper-case).
 */

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = '10X98765432';

/** GB 11643-1999 check character of the first 17 digits of a resident ID. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (RESIDENT_ID_WEIGHTS[i] ?? 0);
  return RESIDENT_ID_CHECK.charAt(sum % 11);
}

/**
 * Province-level codes (GB/T 2260 first two digits): mainland provinces, 71 Taiwan, and 81/82/83
 * used by residence permits of Hong Kong, Macau and Taiwan residents.
 */
const PROVINCE_CODES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
  61, 62, 63, 64, 65, 71, 81, 82, 83,
];
/** Indexed by the two-digit number: these checks run once per candidate in dense CSV, so no Set or Number(). */
const IS_PROVINCE = new Uint8Array(100);
for (const code of PROVINCE_CODES) IS_PROVINCE[code] = 1;

export function isProvinceCode(twoDigits: string): boolean {
  return twoDigits.length === 2 && IS_PROVINCE[twoDigitsAt(twoDigits, 0)] === 1;
}

/** The number written by the two characters at `i`, or 100 when one is not a digit. */
function twoDigitsAt(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 100;
}

/** `today` as YYYYMMDD, remembered for the last Date seen (the same one is passed for a whole scan). */
let lastToday: Date | undefined;
let lastTodayTime = NaN;
let lastTodayNumber = 0;
function dateNumber(today: Date): number {
  const time = today.getTime();
  if (today !== lastToday || time !== lastTodayTime) {
    lastToday = today;
    lastTodayTime = time;
    lastTodayNumber = today.getUTCFullYear() * 10_000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate();
  }
  return lastTodayNumber;
}

/** A real calendar date from 1900-01-01 up to `today` (so no birth dates in the future). */
export function isRealBirthDate(year: number, month: number, day: number, today: Date): boolean {
  // Arithmetic, not Date objects: this runs once per candidate number in dense CSV.
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > daysInMonth) return false;
  return year * 10_000 + month * 100 + day <= dateNumber(today);
}

/** Is every character of s[from, to) an ASCII digit? */
function allDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/** An 18-digit (GB 11643) or 15-digit (legacy, 19YYMMDD) resident ID: region shape, date, check. */
export function isValidResidentId(id: string, today: Date): boolean {
  const n = id.length;
  if (n !== 15 && n !== 18) return false;
  if (!allDigits(id, 0, n === 18 ? 17 : 15)) return false;
  if (IS_PROVINCE[twoDigitsAt(id, 0)] !== 1 || twoDigitsAt(id, 2) + twoDigitsAt(id, 4) === 0) return false;
  if (n === 15) return isRealBirthDate(1900 + twoDigitsAt(id, 6), twoDigitsAt(id, 8), twoDigitsAt(id, 10), today);
  const last = id.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88)) return false;
  if (!isRealBirthDate(twoDigitsAt(id, 6) * 100 + twoDigitsAt(id, 8), twoDigitsAt(id, 10), twoDigitsAt(id, 12), today)) return false;
  return residentIdCheckChar(id) === id.charAt(17);
}

/** GB 32100-2015 alphabet: digits and upper-case letters without I, O, Z, S, V. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 check character of the first 17 characters of a unified social credit code. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return '';
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 check character of an 8-character organisation code body (digits and A–Z). */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8.charAt(i), 36) * (ORG_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Value of each character code (0–9, A–Z) in base 36, −1 for others. */
const BASE36 = new Int8Array(128).fill(-1);
for (let i = 0; i < 36; i++) BASE36[i < 10 ? 48 + i : 55 + i] = i;
/** Index of each character code in USCC_ALPHABET, −1 for others. */
const USCC_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_INDEX[USCC_ALPHABET.charCodeAt(i)] = i;

/**
 * A unified social credit code: GB 32100 check character, region digits, and the embedded
 * organisation code's own GB 11714 check character. An all-digit code shaped like a resident ID
 * (province and a real birth date where an ID has them) is left to the ID detector: a mistyped ID
 * is far likelier than a credit code of that shape.
 */
export function isValidUscc(code: string): boolean {
  // Region digits: a province, or 10 for national-level registrations (100000).
  if (code.length !== 18) return false;
  const region = twoDigitsAt(code, 2);
  if (!(region === 10 || IS_PROVINCE[region] === 1)) return false;
  // Tables rather than usccCheckChar/orgCodeCheckChar: this runs once per candidate.
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_INDEX[code.charCodeAt(i) & 127] ?? -1;
    if (value < 0 || code.charCodeAt(i) > 127) return false;
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  if (code.charCodeAt(17) !== USCC_ALPHABET.charCodeAt((31 - (sum % 31)) % 31)) return false;
  let org = 0;
  for (let i = 0; i < 8; i++) org += (BASE36[code.charCodeAt(8 + i) & 127] ?? 0) * (ORG_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (org % 11);
  if (code.charCodeAt(16) !== (check === 10 ? 88 : check === 11 ? 48 : 48 + check)) return false;
  return !looksLikeResidentId(code);
}

/**
 * 18 characters with a province code and a date-shaped birth date (year 18xx–20xx, month 01–12,
 * day 01–31) where an ID has them, whatever the check character or whether the date exists: such a
 * number is a (mistyped) ID far more often than a card or credit code. About 1 in 1,000 random
 * 18-digit numbers has that shape.
 */
export function looksLikeResidentId(code: string): boolean {
  if (code.length !== 18 || !allDigits(code, 0, 17)) return false;
  const last = code.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88) || IS_PROVINCE[twoDigitsAt(code, 0)] !== 1) return false;
  const century = twoDigitsAt(code, 6);
  const month = twoDigitsAt(code, 10);
  const day = twoDigitsAt(code, 12);
  return century >= 18 && century <= 20 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The Luhn digit that makes `body + digit` valid (used by generators and masking). */
export function luhnCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + String(d))) return String(d);
  return '0';
}

export type CardIssuer = 'unionpay' | 'visa' | 'mastercard' | 'amex' | 'jcb';

/** The issuer whose prefix and length the number fits, or undefined. */
export function cardIssuer(digits: string): CardIssuer | undefined {
  const n = digits.length;
  const two = twoDigitsAt(digits, 0);
  const next = twoDigitsAt(digits, 2);
  const four = two < 100 && next < 100 ? two * 100 + next : -1;
  if (n === 15) return two === 34 || two === 37 ? 'amex' : undefined;
  if (n < 16 || n > 19) return undefined;
  if (two === 62) return 'unionpay';
  // Lengths as issued: Visa 16 or 19, Mastercard and JCB 16, UnionPay 16–19.
  if (digits.charCodeAt(0) === 52) return n === 16 || n === 19 ? 'visa' : undefined;
  if (n === 16 && ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720))) return 'mastercard';
  if (n === 16 && four >= 3528 && four <= 3589) return 'jcb';
  return undefined;
}

export function isValidBankCard(digits: string): boolean {
  return cardIssuer(digits) !== undefined && luhnValid(digits) && !(digits.length === 18 && looksLikeResidentId(digits));
}
