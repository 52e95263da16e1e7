/**
 * A labelled corpus for the content detectors: lines with known counts of valid values per
 * detector, mixed with look-alikes (wrong check characters, impossible dates, order numbers,
 * timestamps, build numbers, IMEIs, Luhn-valid non-card numbers). Seeded and synthetic.
 */
import { createPiiGenerator, type BuiltInDetectorId } from '../../shared/src/content';

export interface LabelledLine {
  text: string;
  /** True values on the line per detector. */
  expected: Partial<Record<BuiltInDetectorId, number>>;
}

const FULL_WIDTH = (s: string): string => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

export function labelledCorpus(lines: number, seed = 2026): LabelledLine[] {
  const gen = createPiiGenerator(seed);
  const grouped = (digits: string, sizes: number[], sep: string): string => {
    const parts: string[] = [];
    let at = 0;
    for (const size of sizes) {
      parts.push(digits.slice(at, at + size));
      at += size;
    }
    if (at < digits.length) parts.push(digits.slice(at));
    return parts.join(sep);
  };
  // How a true value is written: bare, with separators, full-width, with or without a label.
  const positives: { detector: BuiltInDetectorId; write: () => string }[] = [
    { detector: 'cn-resident-id', write: () => gen.residentId() },
    { detector: 'cn-resident-id', write: () => `身份证号：${gen.pick([(v: string) => v, FULL_WIDTH, (v: string) => grouped(v, [6, 8], ' ')])(gen.residentId())}` },
    { detector: 'bank-card', write: () => gen.bankCard() },
    { detector: 'bank-card', write: () => `卡号 ${grouped(gen.bankCard(), [4, 4, 4, 4], gen.pick([' ', '-']))}` },
    { detector: 'cn-uscc', write: () => gen.uscc() },
    { detector: 'cn-uscc', write: () => `统一社会信用代码:${gen.uscc()}` },
    { detector: 'cn-mobile', write: () => gen.mobile() },
    { detector: 'cn-mobile', write: () => `手机 ${gen.pick(['+86 ', '0086', '', '+86-'])}${grouped(gen.mobile(), [3, 4], gen.pick([' ', '-', '']))}` },
    { detector: 'email', write: () => gen.email() },
    { detector: 'cn-passport', write: () => `护照 ${gen.passport()}` },
  ];
  const negatives: (() => string)[] = [
    () => gen.residentIdWrongCheck(),
    () => `身份证 ${gen.residentIdWrongCheck()}`,
    () => gen.residentIdBadDate(),
    () => gen.bankCardWrongLuhn(),
    () => `卡号 ${gen.bankCardWrongLuhn()}`,
    () => gen.usccWrongCheck(),
    () => `订单号 ${gen.orderNumber()}`,
    () => gen.timestamp(),
    () => gen.buildNumber(),
    () => `IMEI ${gen.imei()}`,
    () => `会员卡 ${gen.luhnValidNonCard()}`,
    () => `金额 ${gen.digits(6)}.${gen.digits(2)}`,
  ];
  const fillers = ['备注：已核对', 'status=ok', '地址：北京市朝阳区', 'request id', '客户反馈', 'ts', '用户', '-'];
  const corpus: LabelledLine[] = [];
  for (let i = 0; i < lines; i++) {
    const expected: LabelledLine['expected'] = {};
    const parts: string[] = [gen.pick(fillers)];
    for (let n = gen.int(3); n > 0; n--) {
      const p = gen.pick(positives);
      parts.push(p.write());
      expected[p.detector] = (expected[p.detector] ?? 0) + 1;
    }
    for (let n = gen.int(3); n > 0; n--) parts.push(gen.pick(negatives)());
    parts.push(gen.pick(fillers));
    corpus.push({ text: parts.join(gen.pick([' ', ', ', '\t', ' | '])), expected });
  }
  return corpus;
}

/** Baseline: what a plain regex (shape only, no check character or date) finds per detector. */
export const NAIVE_PATTERNS: Record<BuiltInDetectorId, RegExp> = {
  'cn-resident-id': /(?<![0-9])\d{17}[\dXx](?![0-9])/g,
  'bank-card': /(?<![0-9])(?:\d{16,19}|\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4})(?![0-9])/g,
  'cn-uscc': /(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])/g,
  'cn-mobile': /(?<![0-9])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])/g,
  email: /[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+/g,
  'cn-passport': /(?<![0-9A-Z])[EG][A-Z0-9]\d{7}(?![0-9])/g,
};
