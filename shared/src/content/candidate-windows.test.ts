import { findCandidateWindows, newCandidateWindows } from './candidate-windows';
import { BUILT_IN_DETECTORS, builtInDetector } from './detectors';
import { edgeCaseText } from './edge-case-text';

const TODAY = new Date('2026-06-01T00:00:00Z');

function matches(text: string, id: (typeof BUILT_IN_DETECTORS)[number], windowed: boolean): string[] {
  const found: string[] = [];
  const windows = windowed ? findCandidateWindows(text, newCandidateWindows()) : undefined;
  builtInDetector(id).find(text, (start, end, value) => found.push(`${start}-${end}:${value}`), TODAY, windows);
  return found;
}

describe('candidate windows', () => {
  it('give every built-in detector exactly the matches of a search over the whole text', () => {
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const text = edgeCaseText(seed, 4000);
      for (const id of BUILT_IN_DETECTORS) {
        const whole = matches(text, id, false);
        expect(matches(text, id, true)).toEqual(whole);
        total += whole.length;
      }
    }
    // The texts must hold matches, or the comparison proves nothing.
    expect(total).toBeGreaterThan(2000);
  });

  it('leave out prose, short numbers, timestamps and runs no detector can match, and keep numbers joined by single separators whole', () => {
    const text = 'Revenue grew 12.5% in 2026-12-06 09:00:21, order 1234567; 客户 110105 19900307 1234 and E12345678.';
    const windows = findCandidateWindows(text, newCandidateWindows());
    const found = Array.from({ length: windows.count }, (_, w) => text.slice(windows.starts[w], windows.ends[w]));
    expect(found).toEqual(['110105 19900307 1234', 'E12345678']);
  });
});
