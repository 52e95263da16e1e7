import type { CellRole, CellSink } from './cell-sink';
import { columnOfReference, createSharedStringsTransform, createSheetTransform, createXmlValuesTransform } from './xlsx-parts';

interface Seen { column: number | string; row: number; role: CellRole; value: string; flags: number }

function recorder(replace: (value: string) => string | undefined = () => undefined): CellSink & { seen: Seen[] } {
  const seen: Seen[] = [];
  return { seen, columns: () => undefined, cell: (_t, column, row, role, value, flags) => (seen.push({ column, row, role, value, flags }), replace(value)) };
}

function pushAll(t: { push(s: string): string; end(): string }, input: string, cut: number): string {
  return t.push(input.slice(0, cut)) + t.push(input.slice(cut)) + t.end();
}

const SHEET = '<?xml version="1.0"?><worksheet xmlns="x"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>手机</t></is></c></row>'
  + '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>13812345678</v></c><c r="C2" t="inlineStr"><is><r><t>138</t></r><r><t>12345678</t></r></is></c><c r="D2" t="str"><f>A2&amp;"x"</f><v>a</v></c></row>'
  + '</sheetData><headerFooter><oddHeader>联系 13912345678</oddHeader></headerFooter></worksheet>';

describe('xlsx parts', () => {
  it('reads column letters', () => {
    expect([columnOfReference('A1'), columnOfReference('Z9'), columnOfReference('AA10'), columnOfReference('x')]).toEqual([0, 25, 26, undefined]);
  });

  it('copies a sheet as it is when nothing is replaced, wherever it is cut', () => {
    for (let cut = 0; cut <= SHEET.length; cut += 7) expect(pushAll(createSheetTransform(recorder(), '客户', { emit: true }), SHEET, cut)).toBe(SHEET);
  });

  it('hands over cell values with column and row, shared strings by index, and free text', () => {
    const sink = recorder();
    const shared: [number, number, CellRole, number][] = [];
    pushAll(createSheetTransform(sink, '客户', { emit: false, onSharedString: (c, r, role, i) => void shared.push([c, r, role, i]) }), SHEET, 100);
    expect(shared).toEqual([[0, 1, 'first', 0], [0, 2, 'data', 1]]);
    expect(sink.seen.filter((s) => s.role !== 'text').map((s) => [s.column, s.row, s.role, s.value])).toEqual([
      [2, 1, 'first', '手机'], [1, 2, 'data', '13812345678'], [2, 2, 'data', '13812345678'], [3, 2, 'data', 'a'],
    ]);
    expect(sink.seen.filter((s) => s.role === 'text').map((s) => s.value)).toEqual(expect.arrayContaining(['A2&"x"', '联系 13912345678']));
  });

  it('rewrites numbers, inline strings (one run) and free text', () => {
    const out = pushAll(createSheetTransform(recorder((v) => v.replace(/1[3-9]\d{9}/, '13800000000')), 's', { emit: true }), SHEET, 333);
    expect(out).toContain('<c r="B2"><v>13800000000</v></c>');
    expect(out).toContain('<c r="C2" t="inlineStr"><is><r><t>13800000000</t></r><r><t></t></r></is></c>');
    expect(out).toContain('<oddHeader>联系 13800000000</oddHeader>');
  });

  it('hands over shared strings by index, rich text joined, phonetic runs left out; a changed rich string becomes one run', () => {
    const sst = '<sst count="3"><si><t>姓名</t></si><si><r><rPr><b/></rPr><t>张</t></r><r><t>三</t></r><rPh><t>ちょう</t></rPh></si><si/><si><t xml:space="preserve"> a&amp;b </t></si></sst>';
    const seen: [number, string][] = [];
    const t = createSharedStringsTransform((i, text) => (seen.push([i, text]), text === '张三' ? '李四' : undefined), { emit: true });
    const out = pushAll(t, sst, 40);
    expect(seen).toEqual([[0, '姓名'], [1, '张三'], [3, ' a&b ']]);
    expect(out).toBe('<sst count="3"><si><t>姓名</t></si><si><t xml:space="preserve">李四</t></si><si/><si><t xml:space="preserve"> a&amp;b </t></si></sst>');
    expect(t.counts.rows).toBe(4);
  });

  it('masks text nodes and attribute values of any other part', () => {
    const rels = '<Relationships><Relationship Id="rId1" Target="mailto:zhang@example.com"/></Relationships>';
    const out = pushAll(createXmlValuesTransform(recorder((v) => v.replace('zhang', 'z****')), '', { emit: true }), rels, 30);
    expect(out).toBe('<Relationships><Relationship Id="rId1" Target="mailto:z****@example.com"/></Relationships>');
  });
});
