/**
 * Masking benchmark (issue 16 item 4, not a test): `dlp mask` on a generated customer CSV (every row
 * a name, resident ID, mobile, bank card, credit code and email, plus an order number, a timestamp and
 * an amount), in MB/s of input, against a plain streaming copy of the same file in the same run (read,
 * decode, split into lines, write). Also the memory the masking run held at its peak (heap and
 * buffers above the start, sampled every 200 ms), against the copy's. And MB of input per CPU second
 * (process.cpuUsage: the main thread plus GC and I/O threads), against the copy's: on a shared
 * machine the wall clock says how busy the neighbours were, CPU time what a core does.
 *   node dist/bench/mask.js [MiB] [keep|pseudonym] [filter MiB]   (both strategies when the second is
 *   absent; the raw-value filter sized as `dlp mask` sizes it when the third is: see docs/MASKING.md)
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPiiGenerator } from '../shared/src/content';
import type { MaskReport } from '../shared/src/masking';
import { runMaskCommand } from '../console/server/src/cli/mask-command';

interface Figure { name: string; value: number; unit: string; baseline: number; ratio: number }
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const emit = (f: Figure): void => void process.stdout.write(`${JSON.stringify(f)}\n`);
const MiB = 2 ** 20;

async function writeCustomers(file: string, bytes: number): Promise<void> {
  const g = createPiiGenerator(16);
  const out = createWriteStream(file);
  out.write('客户编号,客户姓名,身份证号,手机,银行卡号,统一社会信用代码,邮箱,订单号,下单时间,金额\n');
  let written = 0;
  for (let n = 0; written < bytes; ) {
    let chunk = '';
    for (let i = 0; i < 2000; i++, n++) {
      chunk += `${100000 + n},${g.pick(['张伟', '王芳', '李娜', '刘洋', '欧阳娜娜'])},${g.residentId()},${g.mobile()},${g.bankCard()},${g.uscc()},${g.email()},${g.orderNumber()},${g.timestamp()},${g.int(100000) / 100}\n`;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Peak of heap plus buffers above the level at the start, sampled by `tick`. */
function memoryPeak(): { tick: () => void; peak: () => number } {
  const base = process.memoryUsage();
  let peak = 0;
  return {
    tick: () => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed - base.heapUsed + m.arrayBuffers - base.arrayBuffers);
    },
    peak: () => peak,
  };
}

/** The baseline: a streaming copy that reads, decodes, splits lines and writes them (as masking must at least). */
async function plainCopy(input: string, output: string): Promise<{ mbs: number; cpuMbs: number; peak: number }> {
  const memory = memoryPeak();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const out = createWriteStream(output);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry = '';
  let bytes = 0;
  for await (const chunk of createReadStream(input, { highWaterMark: MiB }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    memory.tick();
    const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
    carry = lines.pop() ?? '';
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end(carry + decoder.decode());
  await once(out, 'finish');
  return { mbs: bytes / 1e6 / ((performance.now() - started) / 1000), cpuMbs: bytes / 1e6 / cpuSeconds(cpu), peak: memory.peak() };
}

/** CPU seconds (user and system, all threads) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

async function maskRun(input: string, output: string, extra: string[], report: string): Promise<{ mbs: number; cpuMbs: number; peak: number; report: MaskReport }> {
  rmSync(output, { force: true });
  const memory = memoryPeak();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const code = await runMaskCommand([input, '--out', output, '--report', report, ...extra], {
    out: () => undefined,
    err: (line) => void process.stderr.write(`${line}\n`),
    env: { LANG: 'en' },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    terminal: { isTTY: true, write: memory.tick },
  });
  if (code !== 0) throw new Error(`dlp mask exited with ${code}`);
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as MaskReport;
  return { mbs: parsed.input.bytes / 1e6 / seconds, cpuMbs: parsed.input.bytes / 1e6 / cpuUsed, peak: memory.peak(), report: parsed };
}

async function main(mib: number, only: string | undefined, filterMib: string | undefined): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dlp-bench-mask-'));
  try {
    const input = path.join(dir, 'customers.csv');
    await writeCustomers(input, mib * MiB);
    const key = path.join(dir, 'firm.key');
    writeFileSync(key, 'bench-key-0123456789abcdef-0123456789abcdef', { mode: 0o600 });
    const filter = filterMib !== undefined ? ['--filter-mib', filterMib] : [];
    for (const [label, extra] of [['keep', []], ['pseudonym', ['--strategy', 'pseudonym', '--key-file', key]]] as const) {
      if (only !== undefined && only !== label) continue;
      const copy = await plainCopy(input, path.join(dir, 'copy.csv'));
      const masked = await maskRun(input, path.join(dir, 'masked.csv'), [...extra, ...filter], path.join(dir, `${label}.json`));
      emit({ name: `mask.csv_${label}_${mib}mib`, value: round(masked.mbs), unit: 'MB/s', baseline: round(copy.mbs), ratio: round(masked.mbs / copy.mbs, 3) });
      for (const pass of masked.report.passes) {
        emit({ name: `mask.csv_${label}_${mib}mib.pass_${pass.name}`, value: round(pass.bytes / 1e6 / (pass.ms / 1000)), unit: 'MB/s', baseline: round(copy.mbs), ratio: round(pass.bytes / 1e6 / (pass.ms / 1000) / copy.mbs, 3) });
      }
      emit({ name: `mask.csv_${label}_${mib}mib.per_cpu_second`, value: round(masked.cpuMbs), unit: 'MB/cpu-s', baseline: round(copy.cpuMbs), ratio: round(masked.cpuMbs / copy.cpuMbs, 3) });
      emit({ name: `mask.csv_${label}_${mib}mib.peak_memory`, value: round(masked.peak / MiB), unit: 'MiB', baseline: round(copy.peak / MiB), ratio: round(masked.peak / Math.max(1, copy.peak), 2) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 256), process.argv[3], process.argv[4]).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
