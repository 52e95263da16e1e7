import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { customers, toCsv } from './mask-test-helpers';

const repoRoot = path.resolve(__dirname, '../../../..');
const KEY = 'f1rm-secret-key-never-to-be-printed-4d8e2a9c7b';

interface Result { code: number | null; stdout: string; stderr: string }

describe('dlp mask as a child process', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-mask-cli-'));
    bundle = path.join(dir, 'dlp.js');
    // The same bundling as scripts/build.mjs, into a private folder so this test needs no prior build.
    await build({ entryPoints: [path.join(__dirname, 'dlp.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['sqlite3', 'better-sqlite3', 'pg', 'bufferutil', 'pg-native'], logLevel: 'warning' });
    await writeFile(path.join(dir, 'firm.key'), `${KEY}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function dlp(...args: string[]): Promise<Result> {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(repoRoot, 'node_modules'), LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  }

  it('masks with pseudonyms, writes the report, shows progress lines and a summary, and never prints the key', async () => {
    const data = customers(300, 11);
    await writeFile(path.join(dir, 'customers.csv'), toCsv(data));
    const result = await dlp('mask', 'customers.csv', '--out', 'vendor.csv', '--strategy', 'pseudonym', '--key-file', 'firm.key', '--report', 'report.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    // Not a terminal: plain progress lines per pass, not a redrawn bar.
    expect(result.stderr).toMatch(/^1\/3 survey: 100% /m);
    expect(result.stderr).toMatch(/^2\/3 mask: 100% /m);
    expect(result.stderr).toMatch(/^3\/3 verify: 100% /m);
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).toMatch(/Verified: no raw value remains in the output/);
    const report = await readFile(path.join(dir, 'report.json'), 'utf8');
    expect(JSON.parse(report)).toMatchObject({ verification: { ok: true }, output: { written: true }, structure: { rows: 301 } });
    const vendor = await readFile(path.join(dir, 'vendor.csv'), 'utf8');
    expect(data.raw.filter((v) => vendor.includes(v))).toEqual([]);
    for (const text of [result.stdout, result.stderr, report, vendor]) expect(text).not.toContain(KEY);
  });

  it('exits 2 on refusing to overwrite the input, 3 on unreadable input, 4 when a raw value would remain', async () => {
    await writeFile(path.join(dir, 'in.csv'), 'a,b\n1,2\n');
    const overwrite = await dlp('mask', 'in.csv', '--out', './in.csv', '--force');
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/refusing to overwrite the input/);
    expect(await readFile(path.join(dir, 'in.csv'), 'utf8')).toBe('a,b\n1,2\n');

    await writeFile(path.join(dir, 'bad.csv'), 'a,b\n1,"open\n');
    const bad = await dlp('mask', 'bad.csv', '--out', 'bad-out.csv', '--lang', 'zh-CN');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/CSV 格式错误：第 2 行开始的带引号字段没有结束引号/);

    await writeFile(path.join(dir, 'leak.csv'), '说明,号码\n身份证号：,110105491231002\n');
    const leak = await dlp('mask', 'leak.csv', '--out', 'leak-out.csv', '--report', 'leak.json');
    expect(leak.code).toBe(4);
    expect(leak.stderr).toMatch(/Verification FAILED/);
    expect(leak.stderr).not.toContain('110105491231002');
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('bad-out') || f.startsWith('leak-out') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('documents itself: dlp mask --help, and a line in dlp’s usage', async () => {
    const help = await dlp('mask', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: dlp mask IN --out OUT[\s\S]*--key-file PATH[\s\S]*Exit codes: 0/);
    const usage = await dlp('--help');
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/dlp mask IN --out OUT \[options\]/);
  });
});
