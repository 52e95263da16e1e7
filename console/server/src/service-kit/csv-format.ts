/** Excel and LibreOffice open a CSV that starts with this as UTF-8, so Chinese names survive. */
export const UTF8_BOM = '\uFEFF';

export type CsvValue = string | number | null | undefined;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. A field
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe,
 * because exported rows carry attacker-chosen text (user names, file paths, device names).
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line ending in CRLF. */
export function csvLine(fields: readonly CsvValue[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** A whole CSV as lines: BOM + header first, then one line per row, as the rows arrive. */
export async function* csvLines<T>(header: readonly string[], rows: AsyncIterable<T>, fields: (row: T) => readonly CsvValue[]): AsyncGenerator<string> {
  yield `${UTF8_BOM}${csvLine(header)}`;
  for await (const row of rows) yield csvLine(fields(row));
}
