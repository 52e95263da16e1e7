/**
 * A/B equivalence: the masking passes (shared/src/masking) give byte-identical output for the same
 * keys, seed, filter size and date, whatever is done to make them faster. The inputs
 * (mask-equivalence-fixtures/) are generated text with every detector, RFC 4180 quoting, CRLF and LF
 * lines, line breaks inside quoted fields, full-width digits, separators, Chinese text and
 * distractors; the expected outputs are the SHA-256 of what the code before the speed-up wrote
 * (`reference.json`). Some mobiles differ only in the digits a mask draws, so draws hit raw values
 * and the redraw path is compared too. To record a new reference on purpose (an intended change of
 * output): DLP_MASK_WRITE_REFERENCE=1 npx jest console/server/src/cli/mask-equivalence.test.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BUILT_IN_DETECTORS, DEFAULT_KEEP, MASK_KINDS, createPiiGenerator, hmacSha256, runTextPipeline, sipHash24, type MaskKind, type MaskStrategy, type PiiGenerator, type PipelineOptions, type TextFormat } from '@dlp/shared';

const DIR = path.join(__dirname, 'mask-equivalence-fixtures');
const WRITE = process.env.DLP_MASK_WRITE_REFERENCE === '1';
const TODAY = new Date(Date.UTC(2026, 5, 1));
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Mode { name: string; strategy: MaskStrategy; valid: boolean; maskChar?: string }
const MODES: readonly Mode[] = [
  { name: 'keep', strategy: 'keep', valid: false },
  { name: 'keep-valid', strategy: 'keep', valid: true },
  { name: 'keep-maskchar', strategy: 'keep', valid: false, maskChar: '*' },
  { name: 'pseudonym', strategy: 'pseudonym', valid: true },
];

function options(format: TextFormat, mode: Mode): PipelineOptions {
  return {
    format,
    settings: {
      detectors: BUILT_IN_DETECTORS,
      strategy: Object.fromEntries(MASK_KINDS.map((k) => [k, mode.strategy])) as Record<MaskKind, MaskStrategy>,
      keep: DEFAULT_KEEP[mode.strategy],
      validCheckDigits: mode.valid,
      ...(mode.maskChar !== undefined ? { maskChar: mode.maskChar } : {}),
      today: TODAY,
    },
    // As the CLI: SipHash with a run key for format-keeping masks, HMAC-SHA256 with the firm's key for pseudonyms.
    keys: { run: sipHash24(bytes('0123456789abcdef')), pseudonym: hmacSha256(bytes('the firm key, thirty-two bytes..')) },
    kinds: MASK_KINDS,
    headerMode: 'auto',
    sampleRows: 1000,
    overrides: [],
    // The smallest filter (64 Kibit) for some thousand raw values.
    filterBits: 2 ** 16,
    seed: 424242,
  };
}

/** A value written the way people do: groups, full-width digits, a +86 prefix, a lower-case x. */
function written(g: PiiGenerator, value: string, kind: 'id' | 'mobile' | 'card'): string {
  switch (g.int(5)) {
    case 0:
      return value.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    case 1:
      return kind === 'id' ? `${value.slice(0, 6)} ${value.slice(6, 14)} ${value.slice(14)}` : kind === 'mobile' ? `+86 ${value.slice(0, 3)}-${value.slice(3, 7)}-${value.slice(7)}` : value.replace(/(\d{4})(?=\d)/g, '$1 ');
    case 2:
      return kind === 'id' ? value.toLowerCase() : value;
    default:
      return value;
  }
}

const NAMES = ['张伟', '王芳', '李娜', '欧阳娜娜', '刘洋', '陈静'];

/**
 * Rows of customer data as cells: PII columns, distractors, a free-text note with values inside, and
 * mobiles that differ only in the four digits a format-keeping mask draws (so draws hit raw values).
 */
function rows(seed: number, count: number): string[][] {
  const g = createPiiGenerator(seed);
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    const id = g.int(7) === 0 ? g.residentIdWrongCheck() : g.residentId();
    const note = [
      `客户${g.pick(NAMES)}来电，新手机 ${written(g, g.mobile(), 'mobile')}`,
      `旧身份证号：${g.legacyResidentId()}，护照 ${g.passport()}`,
      `"对公"账户 ${written(g, g.bankCard(), 'card')}, 信用代码 ${g.uscc()}`,
      `第一行\n第二行 ${g.email()}\r\n第三行 ${g.orderNumber()}`,
      `build ${g.buildNumber()} imei ${g.imei()} 非卡 ${g.luhnValidNonCard()}`,
      '',
    ][g.int(6)] ?? '';
    out.push([String(100000 + i), g.pick(NAMES), written(g, id, 'id'), written(g, g.mobile(), 'mobile'), written(g, g.bankCard(), 'card'), g.uscc(), g.email(), g.orderNumber(), g.timestamp(), `${g.int(100000) / 100}`, note, `138${g.digits(4)}5678`]);
  }
  return out;
}

const HEADER = ['客户编号', '客户姓名', '身份证号', '手机', '银行卡号', '统一社会信用代码', '邮箱', '订单号', '下单时间', '金额', '备注', '备用手机'];

function csv(data: string[][], delimiter: string): string {
  const field = (v: string): string => (v.includes(delimiter) || /["\r\n]/.test(v) || v.startsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v);
  // Every third record ends with CRLF, the rest with LF.
  return [HEADER, ...data].map((r, i) => r.map(field).join(delimiter) + (i % 3 === 2 ? '\r\n' : '\n')).join('');
}

function jsonLines(data: string[][]): string {
  return data.map((r) => `${JSON.stringify({ id: Number(r[0]), name: r[1], customer: { idNumber: r[2], mobile: r[3] }, cards: [r[4]], uscc: r[5], email: r[6], order: r[7], at: r[8], amount: Number(r[9]), note: r[10], backup: r[11] })}\n`).join('');
}

function sqlDump(data: string[][]): string {
  const literal = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  const lines = ['-- customers dump, 客户表', 'CREATE TABLE `customers` (`id` int, `name` varchar(20), `id_no` varchar(30), `mobile` varchar(30), `card` varchar(30), `uscc` char(18), `email` varchar(80), `order_no` varchar(30), `at` varchar(30), `amount` decimal(10,2), `note` text, `backup_mobile` varchar(11));'];
  for (let i = 0; i < data.length; i += 7) {
    const tuples = data.slice(i, i + 7).map((r) => `(${r[0]},${r.slice(1, 9).map(literal).join(',')},${r[9]},${literal(r[10] ?? '')},${literal(r[11] ?? '')})`);
    lines.push(`INSERT INTO \`customers\` VALUES ${tuples.join(',\n')};`);
  }
  return `${lines.join('\n')}\n`;
}

const INPUTS: ReadonlyArray<{ file: string; format: TextFormat; make: () => string }> = [
  { file: 'customers.csv', format: 'csv', make: () => csv(rows(1601, 240), ',') },
  { file: 'customers.tsv', format: 'tsv', make: () => csv(rows(1602, 120), '\t') },
  { file: 'customers.jsonl', format: 'jsonl', make: () => jsonLines(rows(1603, 120)) },
  { file: 'customers.sql', format: 'sql', make: () => sqlDump(rows(1604, 120)) },
];

/** The pipeline over text in memory, cut into pieces of `piece` characters (so values straddle pieces). */
async function mask(text: string, opts: PipelineOptions, piece: number): Promise<{ out: string; redrawn: number; shapeFallbacks: number; rows: number; suspects: number }> {
  const chunks = async function* (s: string): AsyncGenerator<string> {
    for (let i = 0; i < s.length; i += piece) yield s.slice(i, i + piece);
  };
  const written: string[] = [];
  const result = await runTextPipeline({ readInput: () => chunks(text), write: (t) => void written.push(t), closeOutput: () => undefined, readOutput: () => chunks(written.join('')) }, opts);
  return { out: written.join(''), redrawn: result.masker.redrawn, shapeFallbacks: result.masker.shapeFallbacks, rows: result.counts.rows, suspects: result.checker.suspects.size };
}

type Reference = Record<string, { sha256: string; redrawn: number; shapeFallbacks: number; rows: number; suspects: number }>;
const referenceFile = path.join(DIR, 'reference.json');
const reference: Reference = WRITE ? {} : (JSON.parse(readFileSync(referenceFile, 'utf8')) as Reference);
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

describe('masking output is byte-identical to the reference (A/B)', () => {
  if (WRITE) mkdirSync(DIR, { recursive: true });
  for (const input of INPUTS) {
    for (const mode of MODES) {
      it(`${input.file}, ${mode.name}`, async () => {
        if (WRITE) writeFileSync(path.join(DIR, input.file), input.make());
        const text = readFileSync(path.join(DIR, input.file), 'utf8');
        const got = await mask(text, options(input.format, mode), 997);
        const entry = { sha256: sha256(got.out), redrawn: got.redrawn, shapeFallbacks: got.shapeFallbacks, rows: got.rows, suspects: got.suspects };
        const key = `${input.file} ${mode.name}`;
        if (WRITE) {
          reference[key] = entry;
          writeFileSync(referenceFile, `${JSON.stringify(reference, null, 2)}\n`);
        }
        expect(got.out).not.toBe(text);
        expect(entry).toEqual(reference[key]);
        // The same output whatever the piece size (carries across pieces).
        expect(sha256((await mask(text, options(input.format, mode), 64 * 1024)).out)).toBe(entry.sha256);
      });
    }
  }
  it('the reference has redraws (so the redraw path is compared)', () => {
    if (WRITE) return;
    expect(Object.values(reference).some((r) => r.redrawn > 0)).toBe(true);
  });
});
