/**
 * Synthetic identifiers for tests and the benchmark corpus: valid ones (check characters computed)
 * and look-alikes that must not be detected. Seeded, so a failing corpus can be regenerated.
 * Nothing here is a real person's data: every value is random apart from its check character.
 */
import { USCC_ALPHABET, luhnCheckDigit, orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from './checksums';
import { seededRandom } from '../seeded-random';

const PROVINCES = ['11', '12', '13', '31', '32', '33', '35', '37', '44', '51', '62', '65'];

export interface PiiGenerator {
  int(maxExclusive: number): number;
  digits(n: number): string;
  pick<T>(items: readonly T[]): T;
  residentId(): string;
  legacyResidentId(): string;
  mobile(): string;
  bankCard(): string;
  uscc(): string;
  email(): string;
  passport(): string;
  /** Look-alikes: valid in shape but wrong check character, impossible date, or no such prefix. */
  residentIdWrongCheck(): string;
  residentIdBadDate(): string;
  bankCardWrongLuhn(): string;
  usccWrongCheck(): string;
  /** Realistic numbers that are none of the above. */
  orderNumber(): string;
  timestamp(): string;
  buildNumber(): string;
  imei(): string;
  luhnValidNonCard(): string;
}


export function createPiiGenerator(seed = 1): PiiGenerator {
  const next = seededRandom(seed);
  const int = (max: number): number => Math.floor(next() * max);
  const digits = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String(int(10));
    return s;
  };
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const birthDate = (): string => `${1940 + int(80)}${pad(1 + int(12), 2)}${pad(1 + int(28), 2)}`;
  const region = (): string => pick(PROVINCES) + pad(1 + int(99), 2) + pad(1 + int(99), 2);
  const idBody = (): string => region() + birthDate() + digits(3);
  const wrongChar = (right: string, alphabet: string): string => {
    const others = alphabet.replace(right, '');
    return others.charAt(int(others.length));
  };
  const cardBody = (): string => {
    const kind = int(5);
    if (kind === 0) return `4${digits(14)}`;
    if (kind === 1) return `5${1 + int(5)}${digits(13)}`;
    if (kind === 2) return `35${28 + int(62)}${digits(11)}`;
    return `62${digits(13 + int(4))}`; // UnionPay, 16–19 digits
  };
  const usccBody = (): string => {
    // Organisation codes are digits and A–Z (their own check included); letters only from the USCC alphabet.
    let org = '';
    for (let i = 0; i < 8; i++) org += int(3) === 0 ? USCC_ALPHABET.charAt(10 + int(21)) : String(int(10));
    org += orgCodeCheckChar(org);
    return pick(['9', '1', '5', 'Y']) + pick(['1', '2', '3']) + region() + org;
  };
  return {
    int,
    digits,
    pick,
    residentId: () => {
      const body = idBody();
      return body + residentIdCheckChar(body);
    },
    legacyResidentId: () => region() + birthDate().slice(2) + digits(3),
    mobile: () => `1${pick(['3', '5', '7', '8', '9'])}${digits(9)}`,
    bankCard: () => {
      const body = cardBody();
      return body + luhnCheckDigit(body);
    },
    uscc: () => {
      const body = usccBody();
      return body + usccCheckChar(body);
    },
    email: () => `${pick(['zhang.wei', 'li_na', 'wang.fang', 'chen123', 'liu.yang'])}${int(1000)}@${pick(['example.com', 'corp.example.cn', 'mail.example.org'])}`,
    passport: () => (int(2) === 0 ? `${pick(['E', 'G'])}${digits(8)}` : `E${pick([...'ABCDEFGHJKLMNPQRSTUVWXYZ'])}${digits(7)}`),
    residentIdWrongCheck: () => {
      const body = idBody();
      return body + wrongChar(residentIdCheckChar(body), '0123456789X');
    },
    residentIdBadDate: () => {
      const body = region() + pick([`${2090 + int(9)}0101`, `19${pad(int(100), 2)}1332`, '19900230', '18991231']) + digits(3);
      return body + residentIdCheckChar(body);
    },
    bankCardWrongLuhn: () => {
      const body = cardBody();
      return body + wrongChar(luhnCheckDigit(body), '0123456789');
    },
    usccWrongCheck: () => {
      const body = usccBody();
      return body + wrongChar(usccCheckChar(body), USCC_ALPHABET);
    },
    orderNumber: () => `${pick(['DD', 'SO', 'PO', ''])}${2024 + int(3)}${pad(1 + int(12), 2)}${pad(1 + int(28), 2)}${digits(8 + int(3))}`,
    timestamp: () => `${2020 + int(6)}${pad(1 + int(12), 2)}${pad(1 + int(28), 2)}${pad(int(24), 2)}${pad(int(60), 2)}${pad(int(60), 2)}`,
    buildNumber: () => `${pick(['build ', 'v', 'rev '])}${pick(['1', '2'])}${digits(10)}.${digits(3)}`,
    imei: () => {
      const body = `35${digits(12)}`;
      return body + luhnCheckDigit(body);
    },
    luhnValidNonCard: () => {
      // Luhn-valid, card length, but a prefix no listed issuer uses (e.g. loyalty and gift-card numbers).
      const body = `${pick(['7', '8', '9'])}${digits(14 + int(3))}`;
      return body + luhnCheckDigit(body);
    },
  };
}
