import { chunksOf, clickAll, clickRow, NO_SELECTION } from './search-selection';

const ROWS = ['a/1', 'a/2', 'a/3', 'a/4', 'a/5', 'a/6'];
const ticked = (selection: { keys: ReadonlySet<string> }) => ROWS.filter((row) => selection.keys.has(row));

describe('row selection for bulk triage', () => {
  it('flips one row per click and ticks or unticks a range with shift', () => {
    let selection = clickRow(NO_SELECTION, ROWS, 'a/2', false);
    expect(ticked(selection)).toEqual(['a/2']);
    selection = clickRow(selection, ROWS, 'a/5', true);
    expect(ticked(selection)).toEqual(['a/2', 'a/3', 'a/4', 'a/5']);
    // Upwards, from the last clicked row; unticking a ticked row unticks the range.
    selection = clickRow(selection, ROWS, 'a/3', true);
    expect(ticked(selection)).toEqual(['a/2']);
    selection = clickRow(selection, ROWS, 'a/2', false);
    expect(ticked(selection)).toEqual([]);
  });

  it('treats a shift-click without an anchor as a plain click', () => {
    expect(ticked(clickRow(NO_SELECTION, ROWS, 'a/4', true))).toEqual(['a/4']);
  });

  it('ticks every shown row with the header box, and clears them when all are ticked', () => {
    const all = clickAll(clickRow(NO_SELECTION, ROWS, 'a/1', false), ROWS);
    expect(ticked(all)).toEqual(ROWS);
    expect(ticked(clickAll(all, ROWS))).toEqual([]);
    expect(ticked(clickAll(NO_SELECTION, []))).toEqual([]);
  });

  it('cuts a long selection into capped requests', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 500)).toEqual([]);
  });
});
