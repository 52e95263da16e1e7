import { BUILT_IN_DETECTORS, createPiiGenerator, isValidBankCard, isValidResidentId, isValidUscc, type PiiGenerator } from '../content';
import { hmacSha256 } from './hmac-sha256';
import { DEFAULT_KEEP, MASK_KINDS, type MaskKind, type MaskStrategy } from './mask-kinds';
import { runTextPipeline, type PipelineOptions, type PipelineResult, type TextFormat } from './mask-pipeline';
import type { MaskSettings } from './value-masker';

const TODAY = new Date();
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function options(format: TextFormat, overrides: { strategy?: MaskStrategy; valid?: boolean; key?: string } = {}): PipelineOptions {
  const strategy = overrides.strategy ?? 'keep';
  const settings: MaskSettings = {
    detectors: BUILT_IN_DETECTORS,
    strategy: Object.fromEntries(MASK_KINDS.map((k) => [k, strategy])) as Record<MaskKind, MaskStrategy>,
    keep: DEFAULT_KEEP[strategy],
    validCheckDigits: overrides.valid ?? false,
    today: TODAY,
  };
  return { format, settings, keys: { run: hmacSha256(utf8(`run-${Math.random()}`)), pseudonym: hmacSha256(utf8(overrides.key ?? 'the firm key, 32 bytes or so....')) }, kinds: MASK_KINDS, headerMode: 'auto', sampleRows: 1000, overrides: [], filterBits: 2 ** 20, seed: 12345 };
}

/** The pipeline over text held in memory, cut into pieces of `piece` characters. */
async function mask(text: string, opts: PipelineOptions, piece = 4096): Promise<{ out: string; result: PipelineResult }> {
  const chunks = async function* (s: string): AsyncGenerator<string> {
    for (let i = 0; i < s.length; i += piece) yield s.slice(i, i + piece);
  };
  const written: string[] = [];
  const result = await runTextPipeline({ readInput: () => chunks(text), write: (t) => void written.push(t), closeOutput: () => undefined, readOutput: () => chunks(written.join('')) }, opts);
  return { out: written.join(''), result };
}

interface Dataset { text: string; raw: string[]; distractors: string[] }

/** A customer table: PII columns, an order number and a timestamp (distractors), an amount. */
function customers(g: PiiGenerator, rows: number, row: (cells: string[]) => string, header: string): Dataset {
  const raw: string[] = [];
  const distractors: string[] = [];
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const values = [g.residentId(), g.mobile(), g.bankCard(), g.uscc(), g.email()];
    const order = g.orderNumber();
    const time = g.timestamp();
    raw.push(...values);
    distractors.push(order, time, g.luhnValidNonCard());
    lines.push(row([String(i + 1), g.pick(['张伟', '王芳', '欧阳娜娜']), ...values, order, time, distractors[distractors.length - 1] ?? '', `${g.int(10_000)}.${g.int(100)}`]));
  }
  return { text: `${lines.join('\n')}\n`, raw, distractors };
}

const COLUMNS = ['序号', '客户姓名', '身份证号', '手机', '银行卡号', '统一社会信用代码', '邮箱', '订单号', '下单时间', '会员卡号', '金额'];

function expectNoRawValue(out: string, data: Dataset): void {
  const left = data.raw.filter((value) => out.includes(value));
  expect(left).toEqual([]);
  expect(data.distractors.filter((d) => !out.includes(d))).toEqual([]);
}

describe('masking pipeline, text formats', () => {
  it('CSV: masks every personal-data column, keeps the rest and the structure, and the re-scan finds nothing raw', async () => {
    const data = customers(createPiiGenerator(21), 300, (cells) => cells.join(','), COLUMNS.join(','));
    const { out, result } = await mask(data.text, options('csv'), 777);
    expectNoRawValue(out, data);
    const inRows = data.text.split('\n');
    const outRows = out.split('\n');
    expect(outRows).toHaveLength(inRows.length);
    expect(outRows[0]).toBe(inRows[0]);
    for (let r = 1; r < inRows.length - 1; r++) {
      const a = (inRows[r] ?? '').split(',');
      const b = (outRows[r] ?? '').split(',');
      expect(b).toHaveLength(a.length);
      for (const c of [0, 7, 8, 9, 10]) expect(b[c]).toBe(a[c]);
      for (const c of [1, 2, 3, 4, 5, 6]) expect(b[c]).not.toBe(a[c]);
      expect(b[2]?.slice(0, 6)).toBe(a[2]?.slice(0, 6));
      expect(b[3]).toMatch(/^1\d{10}$/);
    }
    expect(result.counts.rows).toBe(301);
    expect(result.confirmed).toEqual([]);
    expect([...result.plan.columns.values()].map((c) => [c.name, c.kind]).sort()).toEqual([
      ['客户姓名', 'person-name'], ['手机', 'cn-mobile'], ['统一社会信用代码', 'cn-uscc'], ['身份证号', 'cn-resident-id'], ['邮箱', 'email'], ['银行卡号', 'bank-card'],
    ].sort());
  });

  it('TSV with --valid-check-digits: masked IDs, cards and credit codes pass their checks', async () => {
    const data = customers(createPiiGenerator(22), 200, (cells) => cells.join('\t'), COLUMNS.join('\t'));
    const { out } = await mask(data.text, options('tsv', { valid: true }));
    expectNoRawValue(out, data);
    for (const line of out.trim().split('\n').slice(1)) {
      const cells = line.split('\t');
      expect(isValidResidentId(cells[2] ?? '', TODAY)).toBe(true);
      expect(isValidBankCard(cells[4] ?? '')).toBe(true);
      expect(isValidUscc(cells[5] ?? '')).toBe(true);
    }
  });

  it('JSON lines: pseudonyms are the same for the same key in another file, and differ for another key', async () => {
    const g = createPiiGenerator(23);
    const ids = Array.from({ length: 50 }, () => g.residentId());
    const lines = ids.map((id, i) => JSON.stringify({ no: i, customer: { idCard: id, mobile: g.mobile() }, memo: `身份证 ${id}` }));
    const text = `${lines.join('\n')}\n`;
    const reordered = `${[...lines].reverse().join('\n')}\n`;
    const a = await mask(text, options('jsonl', { strategy: 'pseudonym' }));
    const b = await mask(reordered, options('jsonl', { strategy: 'pseudonym' }));
    const other = await mask(text, options('jsonl', { strategy: 'pseudonym', key: 'another key of the firm, also long' }));
    const idsOf = (out: string): string[] => out.trim().split('\n').map((l) => (JSON.parse(l) as { customer: { idCard: string } }).customer.idCard);
    const pa = idsOf(a.out);
    expect(idsOf(b.out).reverse()).toEqual(pa);
    expect(idsOf(other.out).filter((p, i) => p === pa[i])).toEqual([]);
    pa.forEach((p, i) => {
      expect(isValidResidentId(p, TODAY)).toBe(true);
      expect(p).not.toBe(ids[i]);
      // The same ID in free text of the same record gets the same pseudonym: joins hold inside a file too.
      expect(a.out.split('\n')[i]).toContain(`身份证 ${p}`);
    });
    expect(a.out).not.toMatch(new RegExp(ids.join('|')));
  });

  it('SQL (MySQL and PostgreSQL): same statements and rows, masked values, untouched distractors', async () => {
    const g = createPiiGenerator(24);
    const rows = Array.from({ length: 100 }, (_, i) => ({ i, id: g.residentId(), card: g.bankCard(), order: g.orderNumber() }));
    const mysql = ['-- MySQL dump', 'CREATE TABLE `t` (`id` int, `name` varchar(8), `sfz` char(18), `card` varchar(19), `order_no` varchar(32));',
      `INSERT INTO \`t\` VALUES ${rows.map((r) => `(${r.i},'张三','${r.id}','${r.card}','${r.order}')`).join(',')};`, ''].join('\n');
    const my = await mask(mysql, options('sql'), 500);
    expect(my.result.counts).toMatchObject({ rows: 100, insertStatements: 1, statements: 2 });
    expect(my.result.sqlDialect).toBe('mysql');
    for (const r of rows) {
      expect(my.out).not.toContain(r.id);
      expect(my.out).not.toContain(r.card);
      expect(my.out).toContain(`'${r.order}')`);
    }
    const pg = ['-- PostgreSQL database dump', 'COPY public.t (id, sfz, card, order_no) FROM stdin;', ...rows.map((r) => `${r.i}\t${r.id}\t${r.card}\t${r.order}`), '\\.', ''].join('\n');
    const p = await mask(pg, options('sql'), 333);
    expect(p.result.counts.rows).toBe(100);
    expect(p.out.split('\n')).toHaveLength(pg.split('\n').length);
    for (const r of rows) {
      expect(p.out).not.toContain(r.id);
      expect(p.out).toContain(`\t${r.order}\n`);
    }
  });

  it('refuses an output in which the detectors still find a raw value, and says where', async () => {
    // A legacy 15-digit ID counts only after an ID label: here the label is in the cell before it, so
    // the value is not masked in its own cell, while the scan of the text (as the agent reads it) sees it.
    const text = '说明,号码\n身份证号：,110105491231002\n';
    const { result } = await mask(text, options('csv'));
    expect(result.confirmed).toEqual([expect.objectContaining({ detector: 'cn-resident-id', sample: '110105*****1002', line: 2 })]);
  });
});
