/** Files for the content channel's tests: CSVs of generated (never real) resident IDs, written fast or slowly. */
import { open, writeFile } from 'node:fs/promises';
import { createPiiGenerator } from '@dlp/shared';

/** `count` distinct valid resident IDs (check characters computed), from a seed so runs repeat. */
export function residentIds(count: number, seed = 7): string[] {
  const pii = createPiiGenerator(seed);
  const ids = new Set<string>();
  while (ids.size < count) ids.add(pii.residentId());
  return [...ids];
}

/** A customer list as a firm would export it: header row, one customer per line. */
export function customerCsv(ids: readonly string[]): string {
  return ['姓名,身份证号,城市', ...ids.map((id, i) => `客户${i + 1},${id},北京`)].join('\n') + '\n';
}

export async function writeCustomerCsv(file: string, ids: readonly string[]): Promise<void> {
  await writeFile(file, customerCsv(ids));
}

/** Writes the CSV a line every `everyMs`, as a slow copy or download would. */
export async function writeSlowly(file: string, ids: readonly string[], everyMs: number): Promise<void> {
  const lines = customerCsv(ids).split(/(?<=\n)/);
  const handle = await open(file, 'w');
  try {
    for (const line of lines) {
      await handle.write(line);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  } finally {
    await handle.close();
  }
}

/** What an encrypted xlsx looks like on disk: an OLE compound file (magic D0 CF 11 E0) named .xlsx. */
export function encryptedXlsxBytes(): Buffer {
  const bytes = Buffer.alloc(4096);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes);
  return bytes;
}
