/** `dlp mask` arguments, checked: every refusal names the option and what it accepts. */
import { parseArgs } from 'node:util';
import {
  BUILT_IN_DETECTORS, DEFAULT_KEEP, MASK_FORMATS, MASK_KINDS, MASK_STRATEGIES, isMaskKind,
  type BuiltInDetectorId, type ColumnOverride, type HeaderMode, type KeepSpec, type MaskFormat, type MaskKind, type MaskStrategy, type SqlDialect,
} from '@dlp/shared';
import type { TextEncodingName } from '@dlp/shared/node';
import { maskLang, type MaskLang } from './mask-text';

export interface MaskRunOptions {
  input: string;
  output: string;
  format?: MaskFormat;
  encoding?: TextEncodingName;
  strategies: Record<MaskKind, MaskStrategy>;
  keep: Record<MaskKind, KeepSpec>;
  validCheckDigits: boolean;
  maskChar?: string;
  keyFile?: string;
  kinds: MaskKind[];
  detectors: BuiltInDetectorId[];
  overrides: ColumnOverride[];
  header: HeaderMode;
  sampleRows: number;
  sqlDialect?: SqlDialect;
  report?: string;
  lang: MaskLang;
  force: boolean;
  filterMib?: number;
}

export type ParsedMaskArgs = { ok: true; options: MaskRunOptions } | { ok: false; message: string; help?: boolean };

const ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'gb18030', 'utf-16le', 'utf-16be'];
const KIND_LIST = MASK_KINDS.join(', ');

const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[]): value is T => value !== undefined && (allowed as readonly string[]).includes(value);

export function parseMaskArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedMaskArgs {
  // A key given on the command line would sit in ps output and shell history: refuse it by name, without echoing it.
  if (argv.some((a) => /^--key(?:=|$)/.test(a))) return { ok: false, message: '--key is not accepted: the key is read from a file only (--key-file PATH or env DLP_MASK_KEY_FILE)' };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        format: { type: 'string' },
        encoding: { type: 'string' },
        strategy: { type: 'string', multiple: true },
        keep: { type: 'string', multiple: true },
        'valid-check-digits': { type: 'boolean' },
        'mask-char': { type: 'string' },
        'key-file': { type: 'string' },
        kinds: { type: 'string' },
        column: { type: 'string', multiple: true },
        header: { type: 'string' },
        'sample-rows': { type: 'string' },
        'sql-dialect': { type: 'string' },
        report: { type: 'string' },
        lang: { type: 'string' },
        force: { type: 'boolean' },
        'filter-mib': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  const v = parsed.values;
  if (v.help) return { ok: false, message: '', help: true };
  if (v.lang !== undefined && !oneOf(v.lang, ['zh-CN', 'en'] as const)) return { ok: false, message: '--lang must be zh-CN or en' };
  const lang = maskLang(v.lang, env);
  if (parsed.positionals.length !== 1) return { ok: false, message: 'give exactly one input file: dlp mask IN --out OUT' };
  const input = parsed.positionals[0] ?? '';
  if (!v.out) return { ok: false, message: '--out OUT is required' };
  if (v.format !== undefined && !oneOf(v.format, MASK_FORMATS)) return { ok: false, message: `--format must be one of ${MASK_FORMATS.join(', ')}` };
  if (v.encoding !== undefined && !oneOf(v.encoding, ENCODINGS)) return { ok: false, message: `--encoding must be one of ${ENCODINGS.join(', ')}` };
  if (v.header !== undefined && !oneOf(v.header, ['auto', 'yes', 'no'] as const)) return { ok: false, message: '--header must be auto, yes or no' };
  if (v['sql-dialect'] !== undefined && !oneOf(v['sql-dialect'], ['mysql', 'postgres'] as const)) return { ok: false, message: '--sql-dialect must be mysql or postgres' };

  const strategies = Object.fromEntries(MASK_KINDS.map((k) => [k, 'keep'])) as Record<MaskKind, MaskStrategy>;
  for (const item of v.strategy ?? []) {
    const [left, right] = item.includes('=') ? item.split('=', 2) : [undefined, item];
    if (!oneOf(right, MASK_STRATEGIES)) return { ok: false, message: `--strategy ${item}: the strategy must be keep or pseudonym` };
    if (left === undefined) for (const k of MASK_KINDS) strategies[k] = right;
    else if (isMaskKind(left)) strategies[left] = right;
    else return { ok: false, message: `--strategy ${item}: unknown kind ${left} (kinds: ${KIND_LIST})` };
  }
  const keep = Object.fromEntries(MASK_KINDS.map((k) => [k, DEFAULT_KEEP[strategies[k]][k]])) as Record<MaskKind, KeepSpec>;
  for (const item of v.keep ?? []) {
    const match = /^([a-z-]+)=(\d{1,2}):(\d{1,2})$/.exec(item);
    if (!match || !isMaskKind(match[1] ?? '')) return { ok: false, message: `--keep ${item}: expected KIND=FIRST:LAST, e.g. cn-mobile=3:4 (kinds: ${KIND_LIST})` };
    keep[match[1] as MaskKind] = { first: Number(match[2]), last: Number(match[3]) };
  }
  const maskChar = v['mask-char'];
  if (maskChar !== undefined) {
    // One visible character that no format treats specially and no detector counts as part of a value.
    if (maskChar.length !== 1 || /[\p{L}\p{N}\s"'`,;\\<>&@.+-]/u.test(maskChar)) return { ok: false, message: '--mask-char must be one visible character other than a letter, digit, quote, comma, semicolon, backslash, < > & @ . + -' };
    if (v['valid-check-digits']) return { ok: false, message: '--mask-char and --valid-check-digits exclude each other: a masked character has no check digit' };
  }
  let kinds: MaskKind[] = [...MASK_KINDS];
  if (v.kinds !== undefined) {
    const list = v.kinds.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = list.find((k) => !isMaskKind(k));
    if (unknown !== undefined || list.length === 0) return { ok: false, message: `--kinds: unknown kind ${unknown ?? '(none)'} (kinds: ${KIND_LIST})` };
    kinds = list as MaskKind[];
  }
  const overrides: ColumnOverride[] = [];
  for (const item of v.column ?? []) {
    const at = item.lastIndexOf('=');
    const column = item.slice(0, at);
    const kind = item.slice(at + 1);
    if (at <= 0 || !(kind === 'none' || isMaskKind(kind))) return { ok: false, message: `--column ${item}: expected NAME=KIND or NAME=none (kinds: ${KIND_LIST})` };
    overrides.push({ column, kind });
  }
  const sampleRows = v['sample-rows'] === undefined ? 1000 : Number(v['sample-rows']);
  if (!Number.isInteger(sampleRows) || sampleRows < 1 || sampleRows > 1_000_000) return { ok: false, message: '--sample-rows must be a whole number from 1 to 1000000' };
  const filterMib = v['filter-mib'] === undefined ? undefined : Number(v['filter-mib']);
  if (filterMib !== undefined && (!Number.isInteger(filterMib) || filterMib < 1 || filterMib > 256)) return { ok: false, message: '--filter-mib must be a whole number from 1 to 256' };
  const keyFile = v['key-file'] ?? env.DLP_MASK_KEY_FILE;
  return {
    ok: true,
    options: {
      input,
      output: v.out,
      ...(v.format ? { format: v.format as MaskFormat } : {}),
      ...(v.encoding ? { encoding: v.encoding as TextEncodingName } : {}),
      strategies,
      keep,
      validCheckDigits: v['valid-check-digits'] === true,
      ...(maskChar !== undefined ? { maskChar } : {}),
      ...(keyFile ? { keyFile } : {}),
      kinds,
      detectors: BUILT_IN_DETECTORS.filter((d) => kinds.includes(d)),
      overrides,
      header: (v.header ?? 'auto') as HeaderMode,
      sampleRows,
      ...(v['sql-dialect'] ? { sqlDialect: v['sql-dialect'] as SqlDialect } : {}),
      ...(v.report ? { report: v.report } : {}),
      lang,
      force: v.force === true,
      ...(filterMib !== undefined ? { filterMib } : {}),
    },
  };
}
