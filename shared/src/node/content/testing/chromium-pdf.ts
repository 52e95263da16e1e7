/**
 * Real PDFs for tests and the benchmark: HTML printed by the system Chromium (`page.pdf()`, Skia's
 * PDF backend), which embeds fonts as Type0 Identity-H and Type3 with ToUnicode maps, as Chrome's
 * "Save as PDF" does. Chinese text renders with fonts-noto-cjk.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Debian's Chromium (apt package `chromium`), as the UI tests use; never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/lib/chromium/chromium';

/** Prints each HTML document to A4 PDF bytes in one browser. */
export async function printHtmlToPdf(documents: readonly string[]): Promise<Buffer[]> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk)`);
  // Loaded at run time, so a bundled benchmark takes playwright-core from node_modules with its own files.
  const { chromium } = createRequire(__filename)('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const pdfs: Buffer[] = [];
    for (const html of documents) {
      await page.setContent(html);
      pdfs.push(await page.pdf({ format: 'A4' }));
    }
    return pdfs;
  } finally {
    await browser.close();
  }
}

export interface CustomerRow {
  name: string;
  residentId: string;
  mobile: string;
  bankCard: string;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A customer list as a Chinese firm would print it: a heading, a paragraph, and a table over several pages. */
export function customerListHtml(rows: readonly CustomerRow[], options: { fontFamily?: string } = {}): string {
  const cells = rows.map((r) => `<tr><td>${escapeHtml(r.name)}</td><td>${r.residentId}</td><td>${r.mobile}</td><td>${r.bankCard}</td></tr>`).join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body { font-family: ${options.fontFamily ?? "'Noto Sans CJK SC', sans-serif"}; font-size: 12px; }
td, th { padding: 2px 8px; text-align: left; }
</style></head><body>
<h1>客户信息登记表</h1>
<p>以下客户资料仅供内部核对使用，包含姓名、身份证号码、手机号码和银行卡号，请勿外传。</p>
<table><thead><tr><th>姓名</th><th>身份证号</th><th>手机</th><th>银行卡号</th></tr></thead><tbody>
${cells}
</tbody></table></body></html>`;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超'];

/** A Chinese name for a synthetic row (from a small list: none is a real customer). */
export function syntheticName(pick: <T>(items: readonly T[]) => T): string {
  return pick(SURNAMES) + pick(GIVEN);
}
