/**
 * Which columns hold personal data, from the survey's sample of each column: the detector hit rate on
 * whole values, or a header that names the kind backed by values of the kind's shape (a mistyped ID is
 * still an ID in a 身份证号 column). Names have no detector: their header alone decides.
 */
import type { BuiltInDetectorId } from '../content';
import type { Hit } from './hit-finder';
import { HEADER_WORDS, MASK_KINDS, VALUE_SHAPES, normaliseHeader, type MaskKind } from './mask-kinds';

export interface ColumnSample {
  table: string;
  column: number | string;
  /** The header (CSV/xlsx first row, SQL column list, JSON key path). */
  name?: string;
  sampled: number;
  whole: Partial<Record<BuiltInDetectorId, number>>;
  shape: Partial<Record<BuiltInDetectorId, number>>;
}

export type ColumnReason = 'header' | 'values' | 'option';

export interface ColumnPlan {
  table: string;
  column: number | string;
  name?: string;
  kind: MaskKind;
  reason: ColumnReason;
  /** Share of sampled non-empty values that are one whole value of `kind` (0 for names). */
  hitRate: number;
}

/** `--column NAME=KIND|none`: NAME is a header, `#N` (1-based position) or `TABLE.NAME`. */
export interface ColumnOverride {
  column: string;
  kind: MaskKind | 'none';
}

/** Whole values of one kind in at least this share of the sample make a column of that kind. */
export const VALUE_HIT_RATE = 0.6;
/**
 * With a header naming the kind: this share of values with the kind's shape, or of hits. Kinds with a
 * check character need hits: a shape of 12–19 digits alone would take a 会员卡号 (loyalty card) or
 * order-number column for bank cards.
 */
const HEADER_SHAPE_RATE = 0.5;
const HEADER_HIT_RATE = 0.1;
const HEADER_CHECKED_HIT_RATE = 0.2;
const CHECKED: ReadonlySet<MaskKind> = new Set(['cn-resident-id', 'bank-card', 'cn-uscc']);

export const columnKey = (table: string, column: number | string): string => `${table}\u0000${column}`;

/** Adds one sampled value (hits from the hit finder) to its column's sample. */
export function sampleValue(sample: ColumnSample, value: string, hits: readonly Hit[]): void {
  const core = value.trim();
  if (core === '') return;
  sample.sampled++;
  const first = hits[0];
  if (hits.length === 1 && first && first.start <= value.length - value.trimStart().length && first.end >= value.trimEnd().length) {
    sample.whole[first.detector] = (sample.whole[first.detector] ?? 0) + 1;
  }
  const compact = core.replace(/[ -]/g, '').toUpperCase();
  for (const [detector, shape] of Object.entries(VALUE_SHAPES) as [BuiltInDetectorId, RegExp][]) {
    if (shape.test(compact)) sample.shape[detector] = (sample.shape[detector] ?? 0) + 1;
  }
}

function overrideFor(sample: ColumnSample, overrides: readonly ColumnOverride[]): ColumnOverride | undefined {
  const position = typeof sample.column === 'number' ? `#${sample.column + 1}` : undefined;
  return overrides.find((o) => o.column === sample.name || o.column === position || o.column === sample.column
    || (sample.table !== '' && (o.column === `${sample.table}.${sample.name ?? ''}` || o.column === `${sample.table}.${position ?? ''}`)));
}

/** The plan for one column, or undefined when it holds no personal data as a whole (hits are still masked one by one). */
export function classifyColumn(sample: ColumnSample, enabled: readonly MaskKind[], overrides: readonly ColumnOverride[]): ColumnPlan | undefined {
  const base = { table: sample.table, column: sample.column, ...(sample.name !== undefined ? { name: sample.name } : {}) };
  const rate = (kind: MaskKind, of: Partial<Record<BuiltInDetectorId, number>>): number => (kind === 'person-name' || sample.sampled === 0 ? 0 : (of[kind] ?? 0) / sample.sampled);
  const forced = overrideFor(sample, overrides);
  if (forced) return forced.kind === 'none' ? undefined : { ...base, kind: forced.kind, reason: 'option', hitRate: rate(forced.kind, sample.whole) };
  let best: { kind: MaskKind; rate: number } | undefined;
  for (const kind of enabled) {
    const r = rate(kind, sample.whole);
    if (r >= VALUE_HIT_RATE && (!best || r > best.rate)) best = { kind, rate: r };
  }
  if (best) return { ...base, kind: best.kind, reason: 'values', hitRate: best.rate };
  if (sample.name === undefined) return undefined;
  const header = normaliseHeader(sample.name);
  for (const kind of MASK_KINDS) {
    if (!enabled.includes(kind) || !HEADER_WORDS[kind].test(header)) continue;
    const backed = CHECKED.has(kind) ? rate(kind, sample.whole) >= HEADER_CHECKED_HIT_RATE : rate(kind, sample.shape) >= HEADER_SHAPE_RATE || rate(kind, sample.whole) >= HEADER_HIT_RATE;
    if (kind === 'person-name' || sample.sampled === 0 || backed) {
      return { ...base, kind, reason: 'header', hitRate: rate(kind, sample.whole) };
    }
  }
  return undefined;
}
