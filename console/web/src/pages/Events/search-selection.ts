/**
 * The rows ticked for bulk triage, by event key (`<agentId>/<seq>`), and the row a shift-click
 * extends from. Pure, so the rules are tested without a browser.
 */
export interface RowSelection {
  keys: ReadonlySet<string>;
  /** The row last ticked or unticked by hand: a shift-click sets every row between it and the clicked one. */
  anchor: string | null;
}

export const NO_SELECTION: RowSelection = { keys: new Set(), anchor: null };

/**
 * A click on one row's box, `rows` being the rows as shown. A plain click flips the row; a
 * shift-click gives every row from the anchor to this one the clicked row's new state (so a range
 * can be ticked, or unticked, in one go).
 */
export function clickRow(selection: RowSelection, rows: readonly string[], key: string, shift: boolean): RowSelection {
  const next = new Set(selection.keys);
  const checked = !selection.keys.has(key);
  const from = selection.anchor === null ? -1 : rows.indexOf(selection.anchor);
  const to = rows.indexOf(key);
  if (shift && from >= 0 && to >= 0) {
    for (const row of rows.slice(Math.min(from, to), Math.max(from, to) + 1)) {
      if (checked) next.add(row);
      else next.delete(row);
    }
  } else if (checked) next.add(key);
  else next.delete(key);
  return { keys: next, anchor: key };
}

/** The header box: ticks every row shown, or clears them all when every one is ticked already. */
export function clickAll(selection: RowSelection, rows: readonly string[]): RowSelection {
  const allTicked = rows.length > 0 && rows.every((row) => selection.keys.has(row));
  return { keys: allTicked ? new Set() : new Set(rows), anchor: null };
}

/** Consecutive pieces of at most `size` items (bulk calls are capped per request). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
