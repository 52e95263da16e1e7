/**
 * PDF text extraction benchmark (issue 16, not a test): a multi-page Chinese customer list printed
 * by the system Chromium (Type0 Identity-H and Type3 fonts with ToUnicode maps). Figures, each against
 * a baseline in the same run:
 *  - extractPdfText MB/s (file bytes), against inflating every Flate stream of the same file;
 *  - scanBytes MB/s (extraction plus the detectors), against the same inflate baseline.
 *   node dist/bench/content-pdf.js [rows] [runs]
 */
import { constants, inflateSync } from 'node:zlib';
import { createPiiGenerator } from '../shared/src/content';
import { extractPdfText } from '../shared/src/node/content/pdf-text';
import { scanBytes } from '../shared/src/node/content/scan-file';
import { customerListHtml, printHtmlToPdf, syntheticName } from '../shared/src/node/content/testing/chromium-pdf';

const rows = Number(process.argv[2] ?? 3000);
const runs = Number(process.argv[3] ?? 5);
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
const emit = (f: { name: string; value: number; unit: string; baseline: number; ratio: number }): void => void process.stdout.write(`${JSON.stringify(f)}\n`);

/** The baseline: find every stream and inflate the Flate ones, nothing else. */
function inflateAll(pdf: Buffer): number {
  const latin = pdf.toString('latin1');
  const start = /stream\r?\n/g;
  let inflated = 0;
  for (let m = start.exec(latin); m !== null; m = start.exec(latin)) {
    const end = latin.indexOf('endstream', m.index + m[0].length);
    if (end === -1) break;
    try {
      inflated += inflateSync(pdf.subarray(m.index + m[0].length, end), { finishFlush: constants.Z_SYNC_FLUSH }).length;
    } catch {
      // an image stream in another filter
    }
    start.lastIndex = end + 'endstream'.length;
  }
  return inflated;
}

/** Best of `runs` wall-clock runs, in ms. */
function best(fn: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

async function main(): Promise<void> {
  const gen = createPiiGenerator(4242);
  const customers = Array.from({ length: rows }, () => ({ name: syntheticName(gen.pick), residentId: gen.residentId(), mobile: gen.mobile(), bankCard: gen.bankCard() }));
  const [pdf] = await printHtmlToPdf([customerListHtml(customers, { fontFamily: "'Liberation Sans', 'Noto Sans CJK SC', sans-serif" })]);
  if (!pdf) throw new Error('no PDF');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0;
  const mb = pdf.length / 1e6;
  let inflatedBytes = 0;
  const inflateMs = best(() => (inflatedBytes = inflateAll(pdf)));
  let textLength = 0;
  const extractMs = best(() => {
    const result = extractPdfText(pdf, { maxInflatedBytes: 512 << 20 });
    if (result.kind !== 'text' || result.unmappedCodes > 0) throw new Error(`extraction: ${JSON.stringify(result).slice(0, 200)}`);
    textLength = result.text.length;
  });
  let scanMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = await scanBytes(pdf, 'customers.pdf');
    scanMs = Math.min(scanMs, performance.now() - started);
    const ids = result.report.findings.find((f) => f.detector === 'cn-resident-id')?.distinct ?? 0;
    if (result.outcome !== 'scanned' || ids !== rows) throw new Error(`scan: ${result.outcome}, ${ids} of ${rows} IDs`);
  }
  process.stderr.write(`content-pdf: ${pages} pages, ${pdf.length} bytes, ${inflatedBytes} inflated, ${textLength} characters of text\n`);
  const inflateMbs = mb / (inflateMs / 1000);
  emit({ name: 'content.pdf.extract', value: round(mb / (extractMs / 1000)), unit: 'MB/s', baseline: round(inflateMbs), ratio: round(inflateMs / extractMs, 3) });
  emit({ name: 'content.pdf.scan', value: round(mb / (scanMs / 1000)), unit: 'MB/s', baseline: round(inflateMbs), ratio: round(inflateMs / scanMs, 3) });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
