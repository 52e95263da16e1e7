import { CELL_NUMERIC, MaskInputError, type CellRole, type CellSink } from './cell-sink';
import { createJsonLinesTransform } from './jsonl-transform';

interface Seen { column: number | string; line: number; role: CellRole; value: string; flags: number }

function recorder(replace: (value: string) => string | undefined = () => undefined): CellSink & { seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, columns: () => undefined, cell: (_t, column, line, role, value, flags) => (seen.push({ column, line, role, value, flags }), replace(value)) };
}

function run(input: string, cuts: number[], sink: CellSink): { out: string; rows: number } {
  const t = createJsonLinesTransform(sink, { emit: true });
  let out = '';
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    out += t.push(input.slice(at, cut));
    at = cut;
  }
  return { out: out + t.end(), rows: t.counts.rows };
}

const SAMPLE = '{"id": 1, "customer": {"name": "张三", "idCard": "11010519491231002X"}, "phones": ["13812345678", 13912345678], "ok": true}\n\n  {"note":"a\\"b\\n\\u4e2d","n":-1.5e3,"x":null}\n[1,[2,{"k":"v"}]]\n';

describe('JSON lines transform', () => {
  it('copies the file as it is when nothing is replaced, wherever the pieces are cut', () => {
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      const { out, rows } = run(SAMPLE, [cut], recorder());
      expect(out).toBe(SAMPLE);
      expect(rows).toBe(3);
    }
  });

  it('hands over strings and numbers with their key path, and keys as free text', () => {
    const sink = recorder();
    run(SAMPLE, [], sink);
    const data = sink.seen.filter((s) => s.role === 'data').map((s) => [s.column, s.value]);
    expect(data).toEqual([
      ['$.id', '1'], ['$.customer.name', '张三'], ['$.customer.idCard', '11010519491231002X'], ['$.phones[]', '13812345678'], ['$.phones[]', '13912345678'],
      ['$.note', 'a"b\n中'], ['$.n', '-1.5e3'], ['$[]', '1'], ['$[][]', '2'], ['$[][].k', 'v'],
    ]);
    expect(sink.seen.filter((s) => s.role === 'text').map((s) => s.value)).toContain('idCard');
    expect(sink.seen.find((s) => s.value === '13912345678')?.flags).toBe(CELL_NUMERIC | 2);
  });

  it('writes a replaced string with JSON escaping and a replaced number as a number', () => {
    const { out } = run('{"a":"13812345678","b":13912345678,"c":"x"}\n', [7], recorder((v) => (v === '13812345678' ? '他说"好"' : v === '13912345678' ? '13900000000' : undefined)));
    expect(out).toBe('{"a":"他说\\"好\\"","b":13900000000,"c":"x"}\n');
  });

  it('names the line of invalid JSON', () => {
    expect(() => run('{"a":1}\n{"a":\n2}\n', [], recorder())).toThrow(/line 2: the value is not complete/);
    expect(() => run('{"a":1,}\n', [], recorder())).toThrow(MaskInputError);
    expect(() => run('{"a":tru}\n', [], recorder())).toThrow(/unknown word/);
    expect(() => run('{"a":01}\n', [], recorder())).toThrow(/malformed number/);
    expect(() => run('{"a":"x\n"}\n', [], recorder())).toThrow(/line 1/);
    expect(() => run('{"a":"x"', [3], recorder())).toThrow(/ends inside a value/);
  });
});
