/**
 * What masking recognises (issue 16 item 4): the built-in detectors, plus person names, which no
 * detector finds in free text but a column header such as 姓名 names. Header words, value shapes and
 * the default number of characters each strategy keeps, per kind.
 */
import { BUILT_IN_DETECTORS, type BuiltInDetectorId } from '../content';

export type MaskKind = BuiltInDetectorId | 'person-name';
export const MASK_KINDS: readonly MaskKind[] = [...BUILT_IN_DETECTORS, 'person-name'];

/**
 * `keep`: format-keeping masks (first/last characters kept, the rest replaced by characters of the
 * same class, or by a mask character); `pseudonym`: a keyed, deterministic value of the same format.
 */
export type MaskStrategy = 'keep' | 'pseudonym';
export const MASK_STRATEGIES: readonly MaskStrategy[] = ['keep', 'pseudonym'];

/** Characters of the value (digits and letters; an email's local part) kept at each end. */
export interface KeepSpec {
  first: number;
  last: number;
}

/**
 * Defaults: the usual display masks (110105********1234, 138****5678) for `keep`; nothing for
 * pseudonyms, whose point is that they reveal nothing and still join.
 */
export const DEFAULT_KEEP: Readonly<Record<MaskStrategy, Readonly<Record<MaskKind, KeepSpec>>>> = {
  keep: {
    'cn-resident-id': { first: 6, last: 4 },
    'bank-card': { first: 6, last: 4 },
    'cn-uscc': { first: 8, last: 2 },
    'cn-mobile': { first: 3, last: 4 },
    'cn-passport': { first: 1, last: 2 },
    email: { first: 1, last: 0 },
    'person-name': { first: 1, last: 0 },
  },
  pseudonym: {
    'cn-resident-id': { first: 0, last: 0 },
    'bank-card': { first: 0, last: 0 },
    'cn-uscc': { first: 0, last: 0 },
    'cn-mobile': { first: 0, last: 0 },
    'cn-passport': { first: 0, last: 0 },
    email: { first: 0, last: 0 },
    'person-name': { first: 0, last: 0 },
  },
};

/**
 * Column headers that name a kind, matched on the header lower-cased with runs of spaces, `-` and `_`
 * made one `_`. A header alone is not enough for the detector kinds: the sampled values must back it
 * (a 手机型号 column holds no numbers, a 会员卡号 column no bank cards), see column-classifier.ts.
 */
export const HEADER_WORDS: Readonly<Record<MaskKind, RegExp>> = {
  'cn-resident-id': /身份证|证件号|身份号码|公民身份|居民身份|^sfz(?:h|hm)?$|id_?card|id_?no$|id_?number|identity/,
  'bank-card': /卡号|银行卡|信用卡|借记卡|银行账号|银行帐号|账号|帐号|card_?no|card_?num|bank_?card|account_?(?:no|num)|acct_?(?:no|num)/,
  'cn-uscc': /统一社会信用代码|信用代码|社会信用|纳税人识别号|税号|营业执照|uscc|credit_?code|tax_?(?:id|no)/,
  'cn-mobile': /手机|移动电话|电话|联系方式|mobile|phone|^cell|^tel(?:_|$)|_tel$/,
  'cn-passport': /护照|passport/,
  email: /邮箱|电子邮件|邮件地址|e_?mail|^mail$/,
  'person-name': /^(?:客户|用户|持卡人|联系人|开户人?|真实|法人|员工|中文)?(?:姓名|名字)$|^(?:持卡人|联系人|户名|开户名|账户名|帐户名)$|^(?:full|real|customer|client|contact|card_?holder|account_?holder|first|last|given|family|sur)?_?name$|^surname$/,
};

/** Shapes of a value of each kind once separators are gone (upper-case): enough to back a header. */
export const VALUE_SHAPES: Readonly<Record<BuiltInDetectorId, RegExp>> = {
  'cn-resident-id': /^(?:\d{17}[\dX]|\d{15})$/,
  'bank-card': /^\d{12,19}$/,
  'cn-uscc': /^[0-9A-Z]{18}$/,
  'cn-mobile': /^(?:\+?86|0086)?1\d{10}$/,
  'cn-passport': /^[A-Z]{1,2}\d{7,8}$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
};

/** The header as HEADER_WORDS expects it. */
export function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

export function isMaskKind(value: string): value is MaskKind {
  return (MASK_KINDS as readonly string[]).includes(value);
}
