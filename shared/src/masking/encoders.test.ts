import { encodeGb18030 } from './gb18030-encoder';
import { hmacSha256 } from './hmac-sha256';

describe('GB18030 encoder', () => {
  it('round-trips through the platform decoder: ASCII, GBK, four-byte BMP and supplementary characters', () => {
    let text = 'ID 110105199001011234，张三丰；€ ¥ — “引号” 〇';
    for (let c = 0x4e00; c < 0x9fa6; c += 7) text += String.fromCharCode(c);
    for (let c = 0x0400; c < 0x0500; c += 3) text += String.fromCharCode(c); // Cyrillic: two- and four-byte codes
    text += '\u{20000}\u{2A6D6}\u00e9\u0101\uE000\uFFFD';
    const bytes = encodeGb18030(text);
    expect(new TextDecoder('gb18030', { fatal: true }).decode(bytes)).toBe(text);
  });
});

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('HMAC-SHA256', () => {
  it('gives the RFC 4231 test vectors: a short key, a short text key, a key longer than a block', () => {
    expect(hex(hmacSha256(new Uint8Array(20).fill(0x0b))('Hi There'))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hex(hmacSha256(new TextEncoder().encode('Jefe'))('what do ya want for nothing?'))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(hex(hmacSha256(new Uint8Array(131).fill(0xaa))('Test Using Larger Than Block-Size Key - Hash Key First'))).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });
});
