import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createPiiGenerator, type MaskReport } from '@dlp/shared';
import { createMemoryLogger } from '../testing/memory-logger';
import { MASK_EXIT, runMaskCommand } from './mask-command';

// Large enough that holding the file (or its values) would exceed the bounds below many times over;
// small enough to keep `npm test` short (the masking runs at about 1-2 MB/s here).
const SIZE = 96 * 1024 * 1024;
const MiB = 1024 * 1024;

/** A 96 MB customer CSV, written as it is generated (never held in memory): a mobile per row among longer plain text. */
async function writeLargeCsv(file: string): Promise<number> {
  const g = createPiiGenerator(99);
  const filler = ['客户经理回访，满意度良好，下次跟进时间待定', '地址：某省某市某区某街道某号院', 'order status shipped; carrier SF; 3 parcels', '备注：无'];
  const out = createWriteStream(file);
  let written = 0;
  let rows = 0;
  out.write('编号,手机,说明,地址,状态,备注\n');
  while (written < SIZE) {
    let chunk = '';
    for (let i = 0; i < 2000; i++, rows++) chunk += `${rows},${g.mobile()},${filler[0]},${filler[1]},${filler[2]},${filler[rows % 4]}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

describe('dlp mask memory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-mask-mem-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('masks a 96 MB CSV with the heap bounded, whatever the file size', async () => {
    const input = path.join(dir, 'large.csv');
    const rows = await writeLargeCsv(input);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage();
    let heapPeak = 0;
    let buffersPeak = 0;
    let samples = 0;
    const sample = (): void => {
      // Live memory, once a second: garbage the collector has not reached yet is not what the run holds.
      if (samples++ % 5 !== 0) return;
      gc();
      const m = process.memoryUsage();
      heapPeak = Math.max(heapPeak, m.heapUsed - base.heapUsed);
      buffersPeak = Math.max(buffersPeak, m.arrayBuffers - base.arrayBuffers);
    };
    // The progress bar redraws every 200 ms: every fifth redraw collects garbage and samples memory.
    const code = await runMaskCommand([input, '--out', path.join(dir, 'masked.csv'), '--report', path.join(dir, 'report.json')], {
      out: () => undefined, err: () => undefined, env: {}, logger: createMemoryLogger(), terminal: { isTTY: true, write: sample },
    });
    expect(code).toBe(MASK_EXIT.ok);
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as MaskReport;
    expect(report.structure.rows).toBe(rows + 1);
    expect(report.totals.byKind['cn-mobile']).toBe(rows);
    expect((await stat(path.join(dir, 'masked.csv'))).size).toBe((await stat(input)).size);
    // The heap holds a piece of text, the carry and the tallies: it does not grow with the file.
    expect(heapPeak).toBeLessThan(24 * MiB);
    // Off the heap: the raw-value filter (fixed when the run starts) and read/write buffers.
    expect(buffersPeak).toBeLessThan(report.filterBytes + 48 * MiB);
    process.stdout.write(`mask memory: heap +${(heapPeak / MiB).toFixed(0)} MiB, buffers +${(buffersPeak / MiB).toFixed(0)} MiB (filter ${(report.filterBytes / MiB).toFixed(0)} MiB), ${report.input.bytes} bytes, ${report.elapsedMs} ms\n`);
  }, 900_000);
});
