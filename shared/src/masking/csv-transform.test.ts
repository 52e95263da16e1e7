import { CELL_VERBATIM, MaskInputError, type CellRole, type CellSink } from './cell-sink';
import { createCsvTransform } from './csv-transform';

interface Seen { column: number | string; line: number; role: CellRole; value: string; flags: number }

function recorder(replace: (value: string) => string | undefined = () => undefined): CellSink & { seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, columns: () => undefined, cell: (_t, column, line, role, value, flags) => (seen.push({ column, line, role, value, flags }), replace(value)) };
}

/** Runs `input` through the transform cut into the given pieces. */
function run(input: string, cuts: number[], sink: CellSink, delimiter: ',' | '\t' = ','): { out: string; rows: number } {
  const t = createCsvTransform(sink, { delimiter, emit: true });
  let out = '';
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    out += t.push(input.slice(at, cut));
    at = cut;
  }
  out += t.end();
  return { out, rows: t.counts.rows };
}

const SAMPLE = '姓名,备注,手机\r\n张三,"含,逗号 ""引号""\n换行",13812345678\r\n李四,,"13912345678"\r\n王五,plain "quote" inside,x';

describe('CSV transform', () => {
  it('copies the file byte for byte when nothing is replaced, wherever the pieces are cut', () => {
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      const { out, rows } = run(SAMPLE, [cut], recorder());
      expect(out).toBe(SAMPLE);
      expect(rows).toBe(4);
    }
    const oneByOne = run(SAMPLE, [...SAMPLE].map((_, i) => i), recorder());
    expect(oneByOne.out).toBe(SAMPLE);
  });

  it('hands each field over decoded, with its column, line, role and whether it is verbatim', () => {
    const sink = recorder();
    run(SAMPLE, [], sink);
    expect(sink.seen.map((s) => [s.column, s.line, s.role, s.value])).toEqual([
      [0, 1, 'first', '姓名'], [1, 1, 'first', '备注'], [2, 1, 'first', '手机'],
      [0, 2, 'data', '张三'], [1, 2, 'data', '含,逗号 "引号"\n换行'], [2, 3, 'data', '13812345678'],
      [0, 4, 'data', '李四'], [2, 4, 'data', '13912345678'],
      [0, 5, 'data', '王五'], [1, 5, 'data', 'plain "quote" inside'], [2, 5, 'data', 'x'],
    ]);
    expect(sink.seen.find((s) => s.value.includes('引号'))?.flags).toBe(0);
    expect(sink.seen.find((s) => s.value === '13912345678')?.flags).toBe(CELL_VERBATIM);
  });

  it('writes replaced fields only, quoting them as they were or where they must be', () => {
    const { out } = run(SAMPLE, [17], recorder((v) => (v.startsWith('1') ? `${v.slice(0, 3)}****${v.slice(-4)}` : v === '含,逗号 "引号"\n换行' ? '新,"值"' : v === 'x' ? 'a,b' : undefined)));
    expect(out).toBe('姓名,备注,手机\r\n张三,"新,""值""",138****5678\r\n李四,,"139****5678"\r\n王五,plain "quote" inside,"a,b"');
  });

  it('reads TSV with the same quoting', () => {
    const sink = recorder();
    run('a\tb\n"x\ty"\t2\n', [5], sink, '\t');
    expect(sink.seen.map((s) => s.value)).toEqual(['a', 'b', 'x\ty', '2']);
  });

  it('names the line of a quote left open and of text after a closing quote', () => {
    const open = (): unknown => run('a,b\n1,"never closed\n2,3\n', [], recorder());
    expect(open).toThrow(MaskInputError);
    expect(open).toThrow(/line 2 is never closed/);
    expect(() => run('a,b\n1,2\n3,"x"y\n', [12], recorder())).toThrow(/text after the closing quote of field 2 on line 3/);
  });

  it('refuses a field longer than the limit instead of holding it', () => {
    const t = createCsvTransform(recorder(), { delimiter: ',', emit: false, maxValueChars: 100 });
    t.push('a,"');
    expect(() => t.push('x'.repeat(200))).toThrow(/longer than 100 characters/);
  });
});
