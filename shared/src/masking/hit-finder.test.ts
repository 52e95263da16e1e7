import { BUILT_IN_DETECTORS, builtInDetector, type BuiltInDetectorId } from '../content';
import { edgeCaseText } from '../content/edge-case-text';
import { createHitFinder, type Hit } from './hit-finder';

const TODAY = new Date('2026-06-01T00:00:00Z');

/** The hit finder's rules spelled out over whole-text searches: priority claims, legacy IDs only after a label. */
function referenceHits(text: string): Hit[] {
  const claimed = new Uint8Array(text.length);
  const hits: Hit[] = [];
  for (const id of BUILT_IN_DETECTORS) {
    const detector = builtInDetector(id);
    detector.find(text, (start, end, value) => {
      if (detector.requiredLabel?.appliesTo(value) && !detector.requiredLabel.label.test(text.slice(Math.max(0, start - 16), start))) return;
      if (claimed.subarray(start, end).some((c) => c === 1)) return;
      claimed.fill(1, start, end);
      hits.push({ detector: id as BuiltInDetectorId, start, end, value });
    }, TODAY);
  }
  return hits.sort((a, b) => a.start - b.start);
}

describe('hit finder', () => {
  it('finds in long texts (searched by candidate windows) exactly what whole-text searches with priority claims find', () => {
    const finder = createHitFinder(BUILT_IN_DETECTORS, TODAY);
    let total = 0;
    for (let seed = 100; seed < 130; seed++) {
      const text = `身份证号：${edgeCaseText(seed, 3000)}`;
      const expected = referenceHits(text);
      expect(finder.find(text)).toEqual(expected);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(1000);
  });

  it('finds in short cells exactly what whole-text searches with priority claims find', () => {
    const finder = createHitFinder(BUILT_IN_DETECTORS, TODAY);
    let total = 0;
    for (let seed = 200; seed < 220; seed++) {
      for (const cell of edgeCaseText(seed, 3000).split(/[,，\n：]/)) {
        const expected = referenceHits(cell);
        expect(finder.find(cell)).toEqual(expected);
        total += expected.length;
      }
    }
    expect(total).toBeGreaterThan(300);
  });
});
