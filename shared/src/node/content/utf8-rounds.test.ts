import { BUILT_IN_DETECTORS, builtInDetector, createPiiGenerator, normaliseText } from '../../index';
import { edgeCaseText } from '../../content/edge-case-text';
import { scanBytes, type FileScanResult } from './scan-file';
import { completeEnd, utf16Length } from './utf8-bytes';
import { NEEDS_NORMALISING_UTF8, utf8ContextRegex } from './utf8-rounds';

const now = new Date('2026-06-01T00:00:00Z');
const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('UTF-8 at the byte level', () => {
  it('knows in bytes exactly the characters normalising changes', () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      expect([code, NEEDS_NORMALISING_UTF8.test(latin1(ch))]).toEqual([code, normaliseText(ch) !== ch]);
    }
  });

  it('counts UTF-16 units of any slice, at any alignment', () => {
    const text = 'a中😀b\r\n，é𝒳ＩＤ１'.repeat(40);
    const bytes = Buffer.from(text, 'utf8');
    for (let from = 0; from < 12; from++) {
      for (let to = bytes.length - 12; to <= bytes.length; to++) {
        // Only character starts: what the rounds ask about.
        if (((bytes[from] ?? 0) & 0xc0) === 0x80 || ((bytes[to] ?? 0) & 0xc0) === 0x80) continue;
        expect(utf16Length(bytes, from, to)).toBe(bytes.subarray(from, to).toString('utf8').length);
      }
    }
  });

  it('holds back at a chunk end what a stream TextDecoder holds back', () => {
    const samples = [Buffer.from('ab中😀é', 'utf8'), Buffer.from([0x61, 0xe0, 0x80, 0x41]), Buffer.from([0x61, 0xed, 0xa0]), Buffer.from([0x61, 0xf4, 0x90]), Buffer.from([0x61, 0xc0]), Buffer.from([0x61, 0xf0, 0x9f, 0x98])];
    for (const sample of samples) {
      for (let cut = 0; cut <= sample.length; cut++) {
        const chunk = sample.subarray(0, cut);
        const decoder = new TextDecoder('utf-8');
        const streamed = decoder.decode(chunk, { stream: true });
        const end = completeEnd(chunk);
        // What is held back decodes to nothing yet; what is not held back decodes as the stream did.
        expect(new TextDecoder('utf-8').decode(chunk.subarray(0, end))).toBe(streamed);
      }
    }
  });

  it('rewrites every built-in context regex to match the same words in the one-byte view', () => {
    const g = createPiiGenerator(5);
    const pieces = ['身份证', '证件号', '姓名', '客户', '卡号', '手机', '电话', '邮箱', '护照', '信用代码', 'ID', 'id', 'Id card', 'idcard', 'ID NO', 'card no', 'CARD NUMBER', 'Tel', 'tel', 'hotel', 'E-mail', 'email', 'Passport', 'USCC', 'name', 'Name', 'account', '中', 'é', 'É', '😀', ' ', '_', '1', 'x', '：'];
    let compared = 0;
    for (const id of BUILT_IN_DETECTORS) {
      const context = builtInDetector(id).context;
      if (!context) continue;
      const bytes = utf8ContextRegex(context);
      expect(bytes).toBeDefined();
      for (let i = 0; i < 400; i++) {
        let s = '';
        for (let k = 0; k < 1 + g.int(4); k++) s += g.pick(pieces);
        context.lastIndex = 0;
        expect([s, bytes?.test(latin1(s))]).toEqual([s, context.test(s)]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

/** Text on every edge: values of every detector, their labels, CJK, CRLF, astral characters, and (with `fullWidth`) full-width digits. */
function mixedText(seed: number, length: number, fullWidth: boolean): string {
  const g = createPiiGenerator(seed);
  const labels = ['身份证号：', '卡号 ', '手机：', '姓名,', 'ID ', 'id card ', 'Tel: ', '邮箱 ', '护照', '客户', '统一社会信用代码', '\r\n', '😀', '𝒳', 'é', '中文段落，没有号码。', g.email()];
  let out = '';
  let lastCut = 0;
  while (out.length < length) {
    out += g.int(3) === 0 ? g.pick(labels) : '';
    const piece = edgeCaseText(g.int(1_000_000), 40 + g.int(200));
    if (fullWidth && g.int(8) === 0) out += piece.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    else out += piece;
    if (out.length - lastCut > 5000) {
      out += g.email() + g.pick([' ', '\n', '\u3000']);
      lastCut = out.length;
    }
  }
  return out;
}

const withoutTime = (r: FileScanResult): FileScanResult => ({ ...r, elapsedMs: 0 });

/** The byte scan and the decoding scan of the same bytes, read in chunks of `chunk` bytes. */
async function both(bytes: Buffer, chunk: number): Promise<[FileScanResult, FileScanResult]> {
  const fast = await scanBytes(bytes, 'a.txt', { now, readChunkBytes: chunk });
  const decoded = await scanBytes(bytes, 'a.txt', { now, readChunkBytes: chunk, decodeUtf8: true });
  return [withoutTime(fast), withoutTime(decoded)];
}

describe('the UTF-8 byte scan', () => {
  it('finds what decoding finds, in small texts read a few bytes at a time', async () => {
    let findings = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const text = mixedText(seed, 3000, seed % 3 === 0);
      for (const chunk of [1, 2, 3, 5, 7, 64, 1000]) {
        const [fast, decoded] = await both(Buffer.from(text, 'utf8'), chunk);
        expect(fast).toEqual(decoded);
        findings += decoded.report.findings.reduce((n, f) => n + f.total, 0);
      }
    }
    expect(findings).toBeGreaterThan(1000);
  });

  it('finds what decoding finds in files of almost nothing', async () => {
    const ID = '11010519491231002X';
    const files = [
      Buffer.alloc(0),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from([0xef, 0xbb]),
      Buffer.from('\r\n'),
      Buffer.from([0xff]),
      Buffer.from(`身份证${ID}`, 'utf8'),
      Buffer.from(`\uFEFF身份证 ${ID.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}`, 'utf8'),
      Buffer.concat([Buffer.from(`ＩＤ ${ID}`, 'utf8'), Buffer.from([0xe4])]),
    ];
    for (const bytes of files) {
      for (const chunk of [1, 2, 1 << 20]) {
        const [fast, decoded] = await both(bytes, chunk);
        expect(fast).toEqual(decoded);
      }
    }
  });

  it('finds what decoding finds over many rounds, values cut by reads and rounds, with and without full-width digits', async () => {
    let findings = 0;
    for (const [seed, fullWidth] of [[101, false], [102, true], [103, false]] as const) {
      const bytes = Buffer.from(mixedText(seed, 400_000, fullWidth), 'utf8');
      for (const chunk of [4093, 65_521, 1 << 20]) {
        const [fast, decoded] = await both(bytes, chunk);
        expect(fast).toEqual(decoded);
        findings += decoded.report.findings.reduce((n, f) => n + f.total, 0);
      }
    }
    expect(findings).toBeGreaterThan(20_000);
  });

  it('finds what decoding finds with a BOM, a BOM inside the text, and astral characters where rounds are cut', async () => {
    const text = mixedText(7, 200_000, false);
    const variants = [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
      Buffer.from(`\uFEFF\uFEFF${text}`, 'utf8'),
      Buffer.from(`${text.slice(0, 66_000)}\uFEFF${text.slice(66_000)}`, 'utf8'),
      // Four-byte characters everywhere a round's carry or hold-back may start.
      Buffer.from(text.replace(/中/g, '😀'), 'utf8'),
      Buffer.from('😀'.repeat(40_000) + text, 'utf8'),
    ];
    for (const bytes of variants) {
      for (const chunk of [3, 4093, 1 << 20]) {
        const [fast, decoded] = await both(bytes, chunk);
        expect(fast).toEqual(decoded);
      }
    }
  });

  it('finds what decoding finds when the file holds invalid UTF-8 (after the sample that called it UTF-8)', async () => {
    const valid = Buffer.from(mixedText(9, 300_000, false), 'utf8');
    const insert = (at: number, bad: number[]): Buffer => Buffer.concat([valid.subarray(0, at), Buffer.from(bad), valid.subarray(at)]);
    const variants = [
      insert(70_000, [0xff]),
      insert(200_000, [0xc0, 0x80]),
      insert(4093 * 20, [0xe4, 0xb8]), // an unfinished character right at a read boundary
      insert(150_001, [0xed, 0xa0, 0x80]), // an encoded surrogate
      insert(300_000, [0xf0, 0x9f]),
      Buffer.concat([valid, Buffer.from([0xe4, 0xb8])]), // cut in the last character
      Buffer.concat([valid, Buffer.from([0xf0])]),
    ];
    for (const bytes of variants) {
      for (const chunk of [4093, 1 << 20]) {
        const [fast, decoded] = await both(bytes, chunk);
        expect(fast).toEqual(decoded);
        expect(fast.report.scannedChars).toBe(new TextDecoder().decode(bytes).length + 1);
      }
    }
  });

  it('finds what decoding finds when a document head labels the values, and in a file of one round', async () => {
    const g = createPiiGenerator(3);
    const rows = Array.from({ length: 20_000 }, () => `${g.residentId()},${g.mobile()},${g.bankCard()},${g.uscc()},E${g.digits(8)}\r`);
    for (const head of ['姓名,身份证号,手机,卡号,信用代码,护照\r\n', 'name,ID,Tel,card no,USCC,passport\n', '']) {
      // A dense file has a value near every round's end: one counted twice or not at all shows.
      for (const body of [rows.slice(0, 20), rows]) {
        const [fast, decoded] = await both(Buffer.from(head + body.join('\n'), 'utf8'), 4093);
        expect(fast).toEqual(decoded);
        expect(fast.report.findings.length).toBeGreaterThan(3);
      }
    }
  });
});
