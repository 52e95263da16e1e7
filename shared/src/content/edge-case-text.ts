/**
 * Test input (not product code, not exported from the index): text that sits on every edge the
 * detectors' candidate windows have, for tests that compare windowed searches with whole-text ones.
 */
import { createPiiGenerator } from './pii-generator';

/** Text made to sit on every edge the windows have: separators, decimals, letters glued to digits, +86, E/G. */
export function edgeCaseText(seed: number, length: number): string {
  const g = createPiiGenerator(seed);
  const pieces = [
    () => g.residentId(),
    () => {
      // A legacy 15-digit ID: region, two-digit year, month, day, sequence.
      const id = g.residentId();
      return `${id.slice(0, 6)}${id.slice(8, 14)}${id.slice(14, 17)}`;
    },
    () => g.bankCard(),
    () => g.uscc(),
    () => g.mobile(),
    () => `E${g.digits(8)}`,
    () => `G${g.digits(8)}`,
    () => `E${g.pick(['A', 'B', 'K', 'Z'])}${g.digits(7)}`,
    () => g.digits(1 + g.int(20)),
    () => `${g.digits(6)} ${g.digits(8)} ${g.digits(4)}`,
    () => `${g.digits(4)}-${g.digits(4)}-${g.digits(4)}-${g.digits(4)}`,
    () => `+86 ${g.mobile()}`,
    () => `0086-${g.mobile()}`,
    () => `0086${g.mobile()}`,
    () => `${g.mobile().slice(0, 3)} ${g.mobile().slice(3, 7)} 5678`,
    () => g.pick([' ', '-', '.', ',', 'x', 'X', 'a', 'E', 'G', '+', '  ', '--', '。', '号', '\n', '3.', '.5']),
  ];
  let out = '';
  const separators = [' ', ',', '，', '\n', '：'];
  // Half the pieces stand apart (matches), half are glued to the next (edges).
  while (out.length < length) out += (pieces[g.int(pieces.length)] ?? pieces[0] ?? (() => ''))() + (g.int(2) === 0 ? g.pick(separators) : '');
  return out;
}
