/**
 * The form edits the document as the JSON it is (not a parsed copy), one path at a time, so every
 * field the form does not show (unknown ones included) survives a form ↔ JSON round trip as is.
 */

/** A field's place in the document: `['apps', 'rules', 0, 'value']`. */
export type DocumentPath = ReadonlyArray<string | number>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined where any step is missing. */
export function valueAt(document: unknown, path: DocumentPath): unknown {
  let current = document;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? (current as unknown[])[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

/**
 * A copy of `document` with `value` at `path`, creating missing objects and arrays on the way and
 * keeping key order; `undefined` removes the key (an emptied optional field leaves no trace).
 */
export function withValueAt(document: unknown, path: DocumentPath, value: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return value;
  if (typeof step === 'number') {
    const list = Array.isArray(document) ? [...(document as unknown[])] : [];
    list[step] = withValueAt(list[step], rest, value);
    return list;
  }
  const record: Record<string, unknown> = isRecord(document) ? { ...document } : {};
  const next = withValueAt(record[step], rest, value);
  if (next === undefined) delete record[step];
  else record[step] = next;
  return record;
}

/** The dotted form zod and the console use for issue paths: `apps.rules.0.value`. */
export function dottedPath(path: DocumentPath): string {
  return path.map(String).join('.');
}

/** A DOM id for the field at `path` (issue links and labels point at it). */
export function fieldIdOf(path: DocumentPath | string): string {
  const dotted = typeof path === 'string' ? path : dottedPath(path);
  return `pf-${dotted.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The keys of a record that `known` does not list: what the form keeps without showing. */
export function unknownKeys(value: unknown, known: readonly string[]): string[] {
  return isRecord(value) ? Object.keys(value).filter((key) => !known.includes(key)) : [];
}
