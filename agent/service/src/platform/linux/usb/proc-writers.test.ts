import { hasExited, hasSharedMapping, isWriteMode, majMinOfDev, parseFdinfoFlags, parseMapsLine, parseStatStateStart, parseStatusNameUid, printableName } from './proc-writers';

describe('/proc parsers for finding writers', () => {
  it('reads fdinfo flags as octal and tells write modes from read-only and O_PATH', () => {
    const fdinfo = (flags: string) => `pos:\t0\nflags:\t${flags}\nmnt_id:\t45\nino:\t12\n`;
    expect(parseFdinfoFlags(fdinfo('0100001'))).toBe(0o100001);
    expect(parseFdinfoFlags('pos:\t0\n')).toBeNull();
    expect(isWriteMode(0o100001)).toBe(true); // O_WRONLY | O_LARGEFILE
    expect(isWriteMode(0o102002)).toBe(true); // O_RDWR | O_APPEND
    expect(isWriteMode(0o100000)).toBe(false); // O_RDONLY
    expect(isWriteMode(0o12100000)).toBe(false); // O_PATH
  });

  it('parses maps lines with hex device numbers and paths with spaces', () => {
    expect(parseMapsLine('7f2c1a000000-7f2c1a001000 rw-s 00000000 07:00 12   /media/my stick/f.bin')).toEqual({ perms: 'rw-s', majMin: '7:0', inode: 12 });
    expect(parseMapsLine('7ffd2-7ffd3 rw-p 00000000 00:00 0 [stack]')).toEqual({ perms: 'rw-p', majMin: '0:0', inode: 0 });
    expect(parseMapsLine('103:0a')).toBeNull();
    expect(parseMapsLine('')).toBeNull();
  });

  it('finds shared mappings of files on one device: writable ones, or any shared one when asked', () => {
    const maps = [
      '55d0-55d1 r-xp 00000000 fe:01 100 /usr/bin/cat',
      '7f00-7f01 rw-p 00000000 07:00 12 /media/stick/private-copy',
      '7f02-7f03 r--s 00000000 07:00 13 /media/stick/shared-read',
      '7f04-7f05 rw-s 00000000 103:0a 14 /media/other/f',
    ].join('\n');
    expect(hasSharedMapping(maps, '7:0', false)).toBe(false);
    expect(hasSharedMapping(maps, '7:0', true)).toBe(true);
    expect(hasSharedMapping(maps, '259:10', false)).toBe(true);
    expect(hasSharedMapping('', '7:0', true)).toBe(false);
  });

  it('reads name and real uid from status, state and start time from stat (names with spaces and parentheses)', () => {
    expect(parseStatusNameUid('Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t65534\t65534\t65534\t65534\n')).toEqual({ name: 'python3', uid: 65534 });
    expect(parseStatusNameUid('Name:\tx\n')).toBeNull();
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'T';
    fields[19] = '987654';
    expect(parseStatStateStart(`4242 (we ird) (name) ${fields.join(' ')}`)).toEqual({ state: 'T', startTime: '987654' });
    expect(parseStatStateStart('4242 (short) S 1')).toBeNull();
    expect(hasExited('Z')).toBe(true);
    expect(hasExited('T')).toBe(false);
  });

  it('decodes st_dev like glibc, including large minors', () => {
    expect(majMinOfDev(0x700n)).toBe('7:0');
    expect(majMinOfDev(0x10301n)).toBe('259:1');
    // major 259, minor 300: minor's high bits live above bit 20.
    expect(majMinOfDev((259n << 8n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n))).toBe('259:300');
  });

  it('makes process names safe for an event', () => {
    expect(printableName('evil\nname\u001b[31m')).toBe('evil?name?[31m');
    expect(printableName('')).toBe('?');
  });
});
