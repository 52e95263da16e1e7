import type { Hit } from './hit-finder';
import { RawValueFilter } from './raw-value-filter';
import { OutputChecker } from './scan-sinks';

const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i * 7919).padStart(12, '0')}`);

describe('RawValueFilter, adds written in batches and look-ups answered in batches', () => {
  it('knows every value added, whether the batch was full or not, and answers mayHaveAll as mayHave', () => {
    // 2^16 bits for 8,000 values: crowded, so false alarms happen and both answers are compared.
    const filter = new RawValueFilter(2 ** 16, 7);
    const added = values('a', 8000);
    for (const v of added.slice(0, 100)) filter.add(v);
    // A look-up right after fewer adds than a batch still sees them.
    expect(added.slice(0, 100).every((v) => filter.mayHave(v))).toBe(true);
    for (const v of added.slice(100)) filter.add(v);
    expect(added.every((v) => filter.mayHave(v))).toBe(true);
    expect(filter.added).toBe(8000);

    const probes = [...values('b', 3000), ...added.slice(0, 40)];
    const blocks = new Int32Array(probes.length);
    const seeds = new Int32Array(probes.length);
    const answers = new Uint8Array(probes.length);
    probes.forEach((v, i) => filter.hashOf(v, blocks, seeds, i));
    filter.mayHaveAll(blocks, seeds, probes.length, answers);
    const single = probes.map((v) => (filter.mayHave(v) ? 1 : 0));
    expect([...answers]).toEqual(single);
    expect(single.slice(0, 3000)).toContain(1);
    expect(single.slice(0, 3000)).toContain(0);
  });
});

describe('OutputChecker, hits checked in batches', () => {
  it('keeps each suspect once, at the first line it was found on, whatever the batch boundaries', () => {
    const filter = new RawValueFilter(2 ** 20, 11);
    const raw = values('1', 50);
    for (const v of raw) filter.add(v);
    const checker = new OutputChecker(filter, 3);
    const hit = (value: string): Hit => ({ detector: 'bank-card', start: 0, end: value.length, value });
    // 656 hits: a batch of clean values, the raw ones (the first starts a batch), the raw ones again later (a later line must not win).
    let line = 0;
    for (const v of values('9', 256)) checker.check(hit(v), '', ++line);
    for (const v of raw) checker.check(hit(v), 't', ++line);
    for (const v of [...values('8', 300), ...raw]) checker.check(hit(v), 'u', ++line);
    expect(checker.found['bank-card']).toBe(656);
    const suspects = [...checker.suspects.values()];
    expect(suspects.length).toBeGreaterThanOrEqual(50);
    const ofRaw = suspects.filter((s) => s.table === 't');
    expect(ofRaw.map((s) => s.line)).toEqual(raw.map((_, i) => 257 + i));
    expect(checker.overflow).toBe(false);
  });
});
