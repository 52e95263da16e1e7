import { sipHash24 } from './siphash';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('sipHash24', () => {
  it('matches the reference vector and OpenSSL SIPHASH (size 16) for the key 00…0f', () => {
    // vectors_sip128[0] of the reference implementation; the others from `openssl mac … SIPHASH`.
    // console/server/src/cli/mask-key.test.ts checks every length up to 40 bytes against OpenSSL.
    const digest = sipHash24(KEY);
    expect(hex(digest(''))).toBe('a3817f04ba25a8e66df67214c7550293');
    expect(hex(digest('a'))).toBe('0ea4f2fb02ad21d92d5fc91684f26426');
    expect(hex(digest('abcdefgh'))).toBe('8c93e201ac8e8396897e3133e447eda3');
    expect(hex(digest('cn-resident-id\u0000110105199001011234'))).toBe('bab0f4a42b011749424a661350e6004b');
    expect(hex(digest('email\u0000wang.fang@corp.example.cn'))).toBe('874b04b195fca4c41690002a629bea65');
    expect(hex(digest('欧阳娜娜'))).toBe('70a2bdd0b25478832fa1730276189e34');
  });

  it('depends on the key, and takes only 16-byte keys', () => {
    const other = Uint8Array.from(KEY, (b) => b ^ 1);
    expect(hex(sipHash24(other)('x'))).not.toBe(hex(sipHash24(KEY)('x')));
    expect(() => sipHash24(new Uint8Array(8))).toThrow();
  });
});
