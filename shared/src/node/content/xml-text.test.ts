import { createXmlTextExtractor } from './xml-text';

describe('XML text extraction', () => {
  const xml = '<?xml version="1.0"?><w:body><w:p><w:r><w:t>身份证 1101</w:t></w:r><w:r><w:t xml:space="preserve">05&amp;&#x41;&#66;</w:t></w:r></w:p><w:p><w:t>a&lt;b</w:t><w:tab/><w:t>c</w:t></w:p></w:body>';
  const want = '身份证 110105&AB\na<b\tc\n';

  it('drops tags, decodes entities, separates paragraphs and cells', () => {
    const x = createXmlTextExtractor();
    expect(x.push(xml) + x.end()).toBe(want);
  });

  it('gives the same text whatever the piece boundaries (tags and entities cut in two)', () => {
    for (const size of [1, 2, 3, 7]) {
      const x = createXmlTextExtractor();
      let out = '';
      for (let i = 0; i < xml.length; i += size) out += x.push(xml.slice(i, i + size));
      expect(out + x.end()).toBe(want);
    }
  });
});
