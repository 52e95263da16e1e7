import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPiiGenerator, isValidBankCard, isValidResidentId, isValidUscc, type MaskReport } from '@dlp/shared';
import { scanFile } from '@dlp/shared/node';
import { createMemoryLogger } from '../testing/memory-logger';
import { MASK_EXIT, runMaskCommand } from './mask-command';
import { buildWorkbook, customers, readWorkbookCells, toCsv, zipEntries } from './mask-test-helpers';

const KEY = 'c0ffee-the-firm-keeps-this-key-0123456789abcdef';

describe('dlp mask (in process, real files)', () => {
  let dir: string;
  let err: string[];
  let out: string[];
  const run = (...argv: string[]): Promise<number> => runMaskCommand(argv, { out: (l) => void out.push(l), err: (l) => void err.push(l), env: { LANG: 'en_US.UTF-8' }, logger: createMemoryLogger() });
  const file = (name: string): string => path.join(dir, name);
  const report = async (name = 'report.json'): Promise<MaskReport> => JSON.parse(await readFile(file(name), 'utf8')) as MaskReport;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-mask-'));
    await writeFile(file('firm.key'), `${KEY}\n`, { mode: 0o600 });
    err = [];
    out = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function expectNoTempFiles(): Promise<void> {
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }

  it('CSV: masks the personal data, keeps rows, columns and the other values, and the agent’s scanner finds none of the raw values', async () => {
    const data = customers(400, 3);
    await writeFile(file('in.csv'), `\ufeff${toCsv(data)}`);
    expect(await run(file('in.csv'), '--out', file('out.csv'), '--report', file('report.json'))).toBe(MASK_EXIT.ok);
    const text = await readFile(file('out.csv'), 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = text.slice(1).trimEnd().split('\r\n').map((l) => l.split(','));
    expect(rows).toHaveLength(401);
    for (const [r, row] of data.rows.entries()) {
      const masked = rows[r + 1] ?? [];
      expect(masked).toHaveLength(row.length);
      for (const c of data.plainColumns) expect(masked[c]).toBe(row[c]);
      for (const c of [1, 2, 3, 4, 5, 6]) expect(masked[c]).not.toBe(row[c]);
    }
    expect(data.raw.filter((v) => text.includes(v))).toEqual([]);
    const r = await report();
    expect(r.verification).toMatchObject({ ok: true, rawValuesFound: 0 });
    expect(r.structure.rows).toBe(401);
    expect(r.totals.byKind).toMatchObject({ 'cn-resident-id': 400, 'cn-mobile': 400, 'bank-card': 400, 'cn-uscc': 400, email: 400, 'person-name': 400 });
    expect(r.columns.find((c) => c.column === '身份证号')).toMatchObject({ kind: 'cn-resident-id', reason: 'values', masked: 400 });
    expect(JSON.stringify(r)).not.toMatch(new RegExp(data.raw.slice(0, 50).join('|')));
    expect(err.join('\n')).toMatch(/Verified: no raw value remains/);
    // The scanner the agents run no longer sees bulk resident IDs: masked IDs fail their check character.
    const ids = async (name: string): Promise<number> => (await scanFile(file(name))).report.findings.find((f) => f.detector === 'cn-resident-id')?.distinct ?? 0;
    expect(await ids('in.csv')).toBe(400);
    expect(await ids('out.csv')).toBeLessThan(80);
    expect((await stat(file('out.csv'))).mode & 0o777).toBe(0o666 & ~process.umask());
    await expectNoTempFiles();
  });

  it('TSV with valid check digits, JSON lines and SQL keep their structure', async () => {
    const data = customers(120, 4);
    await writeFile(file('in.tsv'), toCsv(data, '\t'));
    expect(await run(file('in.tsv'), '--out', file('out.tsv'), '--valid-check-digits')).toBe(MASK_EXIT.ok);
    const tsv = (await readFile(file('out.tsv'), 'utf8')).trimEnd().split('\r\n').slice(1).map((l) => l.split('\t'));
    expect(tsv).toHaveLength(120);
    for (const row of tsv) {
      expect(isValidResidentId(row[2] ?? '', new Date())).toBe(true);
      expect(isValidBankCard(row[4] ?? '')).toBe(true);
      expect(isValidUscc(row[5] ?? '')).toBe(true);
    }

    const lines = data.rows.map((r) => JSON.stringify({ id: Number(r[0]), name: r[1], contact: { mobile: r[3], email: r[6] }, order: r[7] }));
    await writeFile(file('in.jsonl'), `${lines.join('\n')}\n`);
    expect(await run(file('in.jsonl'), '--out', file('out.jsonl'))).toBe(MASK_EXIT.ok);
    const json = (await readFile(file('out.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number; contact: { mobile: string }; order: string });
    expect(json.map((o) => o.id)).toEqual(data.rows.map((r) => Number(r[0])));
    expect(json.map((o) => o.order)).toEqual(data.rows.map((r) => r[7]));
    json.forEach((o, i) => expect(o.contact.mobile).not.toBe(data.rows[i]?.[3]));

    const sql = ['-- MySQL dump 10.13', 'CREATE TABLE `c` (`id` int, `sfz` char(18), `card` varchar(19), `order_no` varchar(32));',
      ...[0, 1, 2].map((s) => `INSERT INTO \`c\` VALUES ${data.rows.slice(s * 40, s * 40 + 40).map((r) => `(${r[0]},'${r[2]}','${r[4]}','${r[7]}')`).join(',')};`), ''].join('\n');
    await writeFile(file('in.sql'), sql);
    expect(await run(file('in.sql'), '--out', file('out.sql'), '--report', file('sql.json'))).toBe(MASK_EXIT.ok);
    const masked = await readFile(file('out.sql'), 'utf8');
    expect(masked.split('\n').map((l) => l.replace(/'[^']*'/g, "''"))).toEqual(sql.split('\n').map((l) => l.replace(/'[^']*'/g, "''")));
    expect((await report('sql.json')).structure).toMatchObject({ rows: 120, insertStatements: 3, statements: 4 });
    for (const r of data.rows) expect(masked).toContain(`'${r[7]}')`);
  });

  it('xlsx: shared strings and numbers masked, parts and rows kept, readable by other zip readers', async () => {
    const data = customers(150, 5);
    await writeFile(file('in.xlsx'), await buildWorkbook([data.header, ...data.rows]));
    expect(await run(file('in.xlsx'), '--out', file('out.xlsx'), '--report', file('x.json'), '--valid-check-digits')).toBe(MASK_EXIT.ok);
    expect(await zipEntries(file('out.xlsx'))).toEqual(await zipEntries(file('in.xlsx')));
    const cells = await readWorkbookCells(file('out.xlsx'));
    expect(cells).toHaveLength(151);
    expect(cells[0]).toEqual(data.header);
    data.rows.forEach((row, r) => {
      const masked = cells[r + 1] ?? [];
      for (const c of data.plainColumns) expect(masked[c]).toBe(row[c]);
      expect(isValidResidentId(masked[2] ?? '', new Date())).toBe(true);
      expect(masked[2]).not.toBe(row[2]);
      expect(masked[3]).toMatch(/^1[3-9]\d{9}$/);
      expect(masked[3]).not.toBe(row[3]);
    });
    const bytes = await readFile(file('out.xlsx'));
    expect(data.raw.filter((v) => bytes.includes(v))).toEqual([]);
    expect(execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))', file('out.xlsx')]).toString().trim()).toBe('5');
    expect((await report('x.json')).structure).toMatchObject({ sheets: 1, rows: 151 });
  });

  it('GB18030 input is read as the content scanner reads it and written back in GB18030', async () => {
    const g = createPiiGenerator(6);
    const ids = Array.from({ length: 30 }, () => g.residentId());
    const text = `姓名,证件号码,备注\n${ids.map((id) => `张三,${id},无`).join('\n')}\n`;
    // Encode with the platform's own GB18030 support through a round trip of the output check below.
    const { encodeGb18030 } = await import('@dlp/shared');
    await writeFile(file('gbk.csv'), encodeGb18030(text));
    expect(await run(file('gbk.csv'), '--out', file('gbk-out.csv'), '--report', file('g.json'))).toBe(MASK_EXIT.ok);
    const decoded = new TextDecoder('gb18030', { fatal: true }).decode(await readFile(file('gbk-out.csv')));
    expect(decoded.split('\n')[0]).toBe('姓名,证件号码,备注');
    expect(ids.filter((id) => decoded.includes(id))).toEqual([]);
    expect((await report('g.json')).input.encoding).toBe('gb18030');
  });

  it('pseudonyms: the same key gives the same values in another file (joins hold), another key other values; the key is in no output', async () => {
    const g = createPiiGenerator(7);
    const ids = Array.from({ length: 40 }, () => g.residentId());
    await writeFile(file('a.csv'), `身份证号,金额\n${ids.map((id, i) => `${id},${i}`).join('\n')}\n`);
    await writeFile(file('b.jsonl'), `${[...ids].reverse().map((id) => JSON.stringify({ customer: id })).join('\n')}\n`);
    await writeFile(file('other.key'), 'a-completely-different-key-of-the-firm-000000');
    expect(await run(file('a.csv'), '--out', file('a-out.csv'), '--strategy', 'pseudonym', '--key-file', file('firm.key'), '--report', file('a.json'))).toBe(MASK_EXIT.ok);
    expect(await run(file('b.jsonl'), '--out', file('b-out.jsonl'), '--strategy', 'cn-resident-id=pseudonym', '--key-file', file('firm.key'))).toBe(MASK_EXIT.ok);
    expect(await run(file('a.csv'), '--out', file('c-out.csv'), '--strategy', 'pseudonym', '--key-file', file('other.key'))).toBe(MASK_EXIT.ok);
    const a = (await readFile(file('a-out.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    const b = (await readFile(file('b-out.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { customer: string }).customer).reverse();
    const c = (await readFile(file('c-out.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(b).toEqual(a);
    expect(c.filter((v, i) => v === a[i])).toEqual([]);
    for (const v of a) expect(isValidResidentId(v ?? '', new Date())).toBe(true);
    const r = await readFile(file('a.json'), 'utf8');
    expect(r).not.toContain(KEY);
    expect(JSON.parse(r)).toMatchObject({ settings: { keyId: expect.stringMatching(/^[0-9a-f]{12}$/) } });
    expect([...err, ...out].join('\n')).not.toContain(KEY);
  });

  it('refuses to write over the input, to replace OUT without --force, and bad options, before touching anything', async () => {
    await writeFile(file('in.csv'), toCsv(customers(5, 8)));
    const before = await readFile(file('in.csv'));
    expect(await run(file('in.csv'), '--out', file('in.csv'), '--force')).toBe(MASK_EXIT.usage);
    expect(await run(file('in.csv'), '--out', path.join(dir, '.', 'sub', '..', 'in.csv'))).toBe(MASK_EXIT.usage);
    await writeFile(file('exists.csv'), 'keep me');
    expect(await run(file('in.csv'), '--out', file('exists.csv'))).toBe(MASK_EXIT.usage);
    expect(await readFile(file('exists.csv'), 'utf8')).toBe('keep me');
    expect(await run(file('in.csv'), '--out', file('exists.csv'), '--force')).toBe(MASK_EXIT.ok);
    expect(await run(file('in.csv'), '--out', file('x.csv'), '--strategy', 'pseudonym')).toBe(MASK_EXIT.usage);
    expect(await run(file('in.csv'), '--out', file('x.csv'), `--key=${KEY}`)).toBe(MASK_EXIT.usage);
    expect(await run(file('in.csv'), '--out', file('x.csv'), '--mask-char', '*', '--valid-check-digits')).toBe(MASK_EXIT.usage);
    await writeFile(file('short.key'), 'too short\n');
    expect(await run(file('in.csv'), '--out', file('x.csv'), '--strategy', 'pseudonym', '--key-file', file('short.key'))).toBe(MASK_EXIT.usage);
    expect(await readFile(file('in.csv'))).toEqual(before);
    expect(err.join('\n')).toMatch(/refusing to overwrite the input[\s\S]*exists: pass --force[\s\S]*need the firm’s key[\s\S]*--key is not accepted[\s\S]*exclude each other[\s\S]*fewer than 16 bytes/);
    expect(err.join('\n')).not.toContain(KEY);
    await expectNoTempFiles();
  });

  it('names the line of a malformed CSV, the byte of invalid UTF-8 and a truncated xlsx, and leaves no output', async () => {
    await writeFile(file('bad.csv'), 'a,b\n1,"2\n3,4\n');
    expect(await run(file('bad.csv'), '--out', file('o1.csv'))).toBe(MASK_EXIT.badInput);
    await writeFile(file('bad2.csv'), 'a,b\n1,"2"x\n');
    expect(await run(file('bad2.csv'), '--out', file('o2.csv'))).toBe(MASK_EXIT.badInput);
    const utf8 = Buffer.concat([Buffer.from(`a,b\n${'x,1\n'.repeat(30_000)}`), Buffer.from([0xe4, 0xb8]), Buffer.from(',2\n')]);
    await writeFile(file('bad3.csv'), utf8);
    expect(await run(file('bad3.csv'), '--out', file('o3.csv'), '--encoding', 'utf-8')).toBe(MASK_EXIT.badInput);
    const xlsx = await buildWorkbook([['姓名'], ['张三']]);
    await writeFile(file('cut.xlsx'), xlsx.subarray(0, xlsx.length - 40));
    expect(await run(file('cut.xlsx'), '--out', file('o4.xlsx'))).toBe(MASK_EXIT.badInput);
    const messages = err.join('\n');
    expect(messages).toMatch(/quoted field starting on line 2 is never closed/);
    expect(messages).toMatch(/after the closing quote of field 2 on line 2/);
    expect(messages).toMatch(new RegExp(`invalid UTF-8 at byte ${utf8.length - 5}`));
    expect(messages).toMatch(/xlsx: /);
    expect((await readdir(dir)).filter((n) => n.startsWith('o'))).toEqual([]);
    await expectNoTempFiles();
  });

  it('refuses an output that still holds a raw value: exit 4, no OUT, the report says which (redacted)', async () => {
    await writeFile(file('in.csv'), '说明,号码\n身份证号：,110105491231002\n');
    expect(await run(file('in.csv'), '--out', file('out.csv'), '--report', file('r.json'))).toBe(MASK_EXIT.rawValuesRemain);
    expect(await stat(file('out.csv')).catch(() => undefined)).toBeUndefined();
    const r = await report('r.json');
    expect(r.verification).toMatchObject({ ok: false, rawValuesFound: 1, findings: [{ detector: 'cn-resident-id', sample: '110105*****1002', line: 2 }] });
    expect(r.output.written).toBe(false);
    expect(JSON.stringify(r)).not.toContain('110105491231002');
    expect(err.join('\n')).toMatch(/Verification FAILED: 1 raw values remain/);
    await expectNoTempFiles();
  });

  it('speaks Chinese when LANG says so, and warns about a key file others can read', async () => {
    await writeFile(file('in.csv'), toCsv(customers(5, 9)));
    await chmod(file('firm.key'), 0o644);
    const zh = await runMaskCommand([file('in.csv'), '--out', file('out.csv'), '--strategy', 'pseudonym', '--key-file', file('firm.key')], { out: (l) => void out.push(l), err: (l) => void err.push(l), env: { LANG: 'zh_CN.UTF-8' }, logger: createMemoryLogger() });
    expect(zh).toBe(MASK_EXIT.ok);
    expect(err.join('\n')).toMatch(/警告：密钥文件[\s\S]*复查：输出中未发现任何原始值/);
  });
});
