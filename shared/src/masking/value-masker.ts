/**
 * Masks one value: each detector hit in it (value level), or the whole value as the kind its column
 * holds (column level). Separators, surrounding text, full-width digits and letter case stay as they
 * were; only the masked characters change. A masked value never equals the original and, when the
 * caller knows the input's raw values, never equals any of them either (it is drawn again).
 */
import type { BuiltInDetectorId } from '../content';
import { isValidBankCard, isValidResidentId, isValidUscc, normaliseText } from '../content';
import { DrawStream, type KeyedDigest } from './draw-stream';
import { createHitFinder, type Hit, type HitFinder } from './hit-finder';
import type { KeepSpec, MaskKind, MaskStrategy } from './mask-kinds';
import { generateValue, keepFlags, type GenerateRequest } from './value-generators';

export interface MaskSettings {
  detectors: readonly BuiltInDetectorId[];
  strategy: Readonly<Record<MaskKind, MaskStrategy>>;
  keep: Readonly<Record<MaskKind, KeepSpec>>;
  /** Format-keeping masks with valid check characters (pseudonyms always have them). */
  validCheckDigits: boolean;
  /** Format-keeping masks write this instead of drawn characters (not in numbers, which stay numbers). */
  maskChar?: string;
  today: Date;
}

export interface MaskKeys {
  /** The firm's key: pseudonyms. */
  pseudonym?: KeyedDigest;
  /** A random key of this run: format-keeping masks are consistent within a run, unpredictable across runs. */
  run: KeyedDigest;
}

/** Draws per value before giving up on avoiding the input's raw values. */
const MAX_DRAWS = 64;
const CACHE_SIZE = 4096;

/** A slot of the cache for this value (FNV-1a over kind and value). */
function cacheSlot(kind: string, value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 0x01000193);
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return (h >>> 0) & (CACHE_SIZE - 1);
}

/** Placeholders a PII column holds where it has no value: nothing to mask. */
const PLACEHOLDER = /^(?:null|none|n\/?a|无|空|暂无|-+|\\N|\*+)$/i;
const ALNUM = /[0-9A-Za-z]/;
const MASKABLE = /[0-9A-Za-z\u3400-\u9fff]/;

/** `replacement` written the way `original` was: full-width stays full-width, a lower-case x stays lower-case. */
function sameWidth(original: string, replacement: string): string {
  const code = original.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(replacement.charCodeAt(0) + 0xfee0);
  if (code >= 97 && code <= 122) return replacement.toLowerCase();
  return replacement;
}

/** Where each canonical character sits in the (normalised) matched text. */
function canonicalPositions(detector: BuiltInDetectorId, span: string, canonical: string): number[] | undefined {
  if (detector === 'email') return span.length === canonical.length ? [...canonical].map((_, i) => i) : undefined;
  const positions: number[] = [];
  for (let i = 0; i < span.length; i++) if (ALNUM.test(span.charAt(i))) positions.push(i);
  // A mobile's +86/0086 prefix is not part of the number.
  const tail = positions.slice(positions.length - canonical.length);
  return tail.length === canonical.length ? tail : undefined;
}

/**
 * A column's value that is exactly one plain value of its kind, found without the regexes: what the
 * detectors would find there, the built-in priority included (an ID before a card before a credit
 * code). Anything else (separators, several values, a lower-case x) goes through the hit finder.
 */
function wholeValueHit(kind: MaskKind, text: string, settings: MaskSettings): Hit | undefined {
  if (!settings.detectors.includes(kind as BuiltInDetectorId)) return undefined;
  const whole = (detector: BuiltInDetectorId, value = text): Hit => ({ detector, start: 0, end: text.length, value });
  switch (kind) {
    case 'cn-resident-id':
      return text.length === 18 && /^\d{17}[\dX]$/.test(text) && isValidResidentId(text, settings.today) ? whole(kind) : undefined;
    case 'cn-mobile':
      return text.length === 11 && /^1[3-9]\d{9}$/.test(text) ? whole(kind) : undefined;
    // isValidBankCard and isValidUscc already refuse ID-shaped numbers; an all-digit code that is a valid card is a card.
    case 'bank-card':
      return /^\d{15,19}$/.test(text) && isValidBankCard(text) && !(settings.detectors.includes('cn-resident-id') && isValidResidentId(text, settings.today)) ? whole(kind) : undefined;
    case 'cn-uscc':
      return text.length === 18 && /^[0-9A-Z]{18}$/.test(text) && isValidUscc(text) && !(settings.detectors.includes('bank-card') && isValidBankCard(text)) ? whole(kind) : undefined;
    case 'email': {
      const at = text.indexOf('@');
      const local = text.slice(0, at);
      return at > 0 && at <= 64 && PLAIN_LOCAL.test(local) && PLAIN_DOMAIN.test(text.slice(at + 1)) ? whole(kind, `${local}@${text.slice(at + 1).toLowerCase()}`) : undefined;
    }
    default:
      return undefined;
  }
}

/** A plain email's local part (no leading, trailing or doubled dot) and domain, as the email detector accepts them. */
const PLAIN_LOCAL = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*$/;
const PLAIN_DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;

export class ValueMasker {
  readonly finder: HitFinder;
  /** Values drawn again because the first draw equalled (or may have equalled) a raw value of the input. */
  redrawn = 0;
  /** Values a valid form could not be found for, masked by shape only. */
  shapeFallbacks = 0;
  /**
   * Values seen recently and what they became (a customer recurs in an orders table): one slot per
   * hash, overwritten on collision, so the cache costs no more per value than a lookup.
   */
  private readonly cacheKinds = new Array<string | undefined>(CACHE_SIZE);
  private readonly cacheKeys = new Array<string | undefined>(CACHE_SIZE);
  private readonly cacheValues = new Array<string | undefined>(CACHE_SIZE);

  constructor(
    private readonly settings: MaskSettings,
    private readonly keys: MaskKeys,
    /** True when the canonical value is (or may be) a raw value of the input. */
    private readonly isRawValue: (canonical: string) => boolean = () => false,
  ) {
    this.finder = createHitFinder(settings.detectors, settings.today);
  }

  /** `text` with every hit replaced (hits from `finder.find(text)`). */
  replaceHits(text: string, hits: readonly Hit[], numeric: boolean): string {
    let out = '';
    let at = 0;
    for (const hit of hits) {
      out += text.slice(at, hit.start) + this.maskHit(text.slice(hit.start, hit.end), hit, numeric);
      at = hit.end;
    }
    return out + text.slice(at);
  }

  /**
   * The whole value as `kind` (its column's kind): detector hits in it are masked as such; a value
   * with none (a mistyped ID, a name) keeps its shape. Undefined when there is nothing to mask.
   */
  maskColumnValue(kind: MaskKind, text: string, numeric: boolean): { text: string; hits: Hit[] } | undefined {
    const core = text.trim();
    if (core === '' || PLACEHOLDER.test(core)) return undefined;
    if (kind !== 'person-name') {
      const whole = wholeValueHit(kind, text, this.settings);
      if (whole) return { text: this.replaceHits(text, [whole], numeric), hits: [whole] };
      const hits = this.finder.find(text);
      if (hits.length > 0) return { text: this.replaceHits(text, hits, numeric), hits };
    }
    const masked = this.maskShape(kind, core, numeric);
    if (masked === undefined) return undefined;
    const lead = text.length - text.trimStart().length;
    return { text: text.slice(0, lead) + masked + text.slice(lead + core.length), hits: [] };
  }

  private readonly strategies = new Map<MaskKind, { digest: KeyedDigest; valid: boolean; maskChar: string | undefined }>();

  private strategyOf(kind: MaskKind): { digest: KeyedDigest; valid: boolean; maskChar: string | undefined } {
    let strategy = this.strategies.get(kind);
    if (!strategy) {
      const pseudonym = this.settings.strategy[kind] === 'pseudonym';
      const digest = pseudonym ? this.keys.pseudonym : this.keys.run;
      if (!digest) throw new Error('pseudonyms need the key (--key-file)');
      strategy = { digest, valid: pseudonym || this.settings.validCheckDigits, maskChar: pseudonym ? undefined : this.settings.maskChar };
      this.strategies.set(kind, strategy);
    }
    return strategy;
  }

  /** Keep flags per kind, length and '@' position (emails): the same few shapes recur. */
  private readonly keepCache = new Map<MaskKind, Map<number, boolean[]>>();

  private keepFor(kind: MaskKind, length: number, at: number): boolean[] {
    let byShape = this.keepCache.get(kind);
    if (!byShape) {
      byShape = new Map();
      this.keepCache.set(kind, byShape);
    }
    const key = length * 1024 + Math.min(at, 1023);
    let flags = byShape.get(key);
    if (!flags) {
      const spec = this.settings.keep[kind];
      flags = keepFlags(length, spec.first, spec.last, (i) => i < at);
      if (byShape.size > 1000) byShape.clear();
      byShape.set(key, flags);
    }
    return flags;
  }

  private maskHit(raw: string, hit: Hit, numeric: boolean): string {
    const canonical = hit.value;
    const at = hit.detector === 'email' ? canonical.lastIndexOf('@') : canonical.length;
    const keep = this.keepFor(hit.detector, canonical.length, at);
    const { digest, valid, maskChar } = this.strategyOf(hit.detector);
    if (raw === canonical && (maskChar === undefined || numeric)) {
      // Written as its canonical form (no separators, full-width digits or lower-case x): the new value as it is.
      return this.draw(hit.detector, hit.detector === 'email' ? canonical.toLowerCase() : canonical, digest, hit.detector, canonical, keep, valid);
    }
    const span = normaliseText(raw);
    const positions = canonicalPositions(hit.detector, span, canonical);
    if (!positions) return this.maskShape(hit.detector, raw, numeric) ?? raw;
    const chars = raw.split('');
    if (maskChar !== undefined && !numeric) {
      for (let i = 0; i < canonical.length; i++) if (!keep[i]) chars[positions[i] ?? 0] = maskChar;
      return chars.join('');
    }
    const key = hit.detector === 'email' ? canonical.toLowerCase() : canonical;
    const replacement = this.draw(hit.detector, key, digest, hit.detector, canonical, keep, valid);
    for (let i = 0; i < canonical.length; i++) {
      const p = positions[i] ?? 0;
      if (!keep[i]) chars[p] = sameWidth(raw.charAt(p), replacement.charAt(i));
    }
    return chars.join('');
  }

  /** Digits, letters and Chinese characters replaced by ones of the same class; the rest kept. */
  private maskShape(kind: MaskKind, core: string, numeric: boolean): string | undefined {
    // In a number only the digits before an exponent change, so it stays a number.
    const exponent = numeric ? core.search(/[eE]/) : -1;
    const maskable = (i: number): boolean => MASKABLE.test(core.charAt(i)) && (exponent < 0 || i < exponent);
    const spec = this.settings.keep[kind];
    const keep = keepFlags(core.length, spec.first, spec.last, maskable);
    if (keep.every(Boolean)) return undefined;
    const { digest, maskChar } = this.strategyOf(kind);
    if (maskChar !== undefined && !numeric) return core.split('').map((ch, i) => (keep[i] ? ch : maskChar)).join('');
    const generic = kind === 'person-name' ? 'person-name' : 'generic';
    return this.draw(numeric ? `${generic}#` : generic, core, digest, generic, core, keep, false);
  }

  /** Per draw kind (a few): its label prefix (a trailing '#' dropped) and its cache name for pseudonyms. */
  private readonly drawNames = new Map<string, { labelPrefix: string; pseudonymCache: string }>();

  private namesOf(kind: string): { labelPrefix: string; pseudonymCache: string } {
    let names = this.drawNames.get(kind);
    if (!names) {
      names = { labelPrefix: kind.endsWith('#') ? kind.slice(0, -1) : kind, pseudonymCache: `${kind}@` };
      this.drawNames.set(kind, names);
    }
    return names;
  }

  private stream: DrawStream | undefined;
  /** What draw generates from, refilled per value: no closure and no request object per value. */
  private request: GenerateRequest | undefined;

  /**
   * Draws until the value differs from the original and from every raw value of the input: values
   * of `generateKind` keeping the flagged characters of `original` (valid ones with `valid`).
   */
  private draw(kind: string, value: string, digest: KeyedDigest, generateKind: GenerateRequest['kind'], original: string, keep: readonly boolean[], valid: boolean): string {
    const names = this.namesOf(kind);
    const cacheName = digest === this.keys.run ? kind : names.pseudonymCache;
    const slot = cacheSlot(cacheName, value);
    if (this.cacheKeys[slot] === value && this.cacheKinds[slot] === cacheName) return this.cacheValues[slot] ?? '';
    // One stream per masker, reset per value: draw is never re-entered while a value is generated.
    // The label is `${prefix}\u0000${value}`, hashed in parts (no string per value).
    const stream = this.stream ? this.stream.resetLabel(digest, names.labelPrefix, value) : (this.stream = new DrawStream(digest, `${names.labelPrefix}\u0000${value}`));
    const request = this.request ?? (this.request = { kind: generateKind, original, keep, valid, draw: stream, today: this.settings.today });
    request.kind = generateKind;
    request.original = original;
    request.keep = keep;
    request.valid = valid;
    request.draw = stream;
    let result: string | undefined;
    for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
      let candidate = generateValue(request);
      if (candidate === undefined) {
        this.shapeFallbacks++;
        candidate = generateValue({ kind: 'generic', original, keep: [...original].map(() => false), valid: false, draw: stream, today: this.settings.today });
        if (candidate === undefined) break;
      }
      if (candidate === original) continue;
      if (this.isRawValue(candidate)) {
        this.redrawn++;
        continue;
      }
      result = candidate;
      break;
    }
    if (result === undefined) throw new Error('no masked value could be drawn that differs from the input’s values');
    this.cacheKinds[slot] = cacheName;
    this.cacheKeys[slot] = value;
    this.cacheValues[slot] = result;
    return result;
  }
}
