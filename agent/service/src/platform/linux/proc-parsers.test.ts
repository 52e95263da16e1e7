import { cleanExeLink, parsePasswd, parseProcStat, parseStatusUid } from './proc-parsers';
import { consoleUser, parseUtmp } from './utmp';

const statLine = (pid: number, comm: string, ppid: number, flags: number, start: number) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 ${flags} 100 0 0 0 1 2 0 0 20 0 1 0 ${start} 1000 200 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n`;

describe('/proc parsers', () => {
  it('reads ppid, flags and start time even when the name has spaces and parentheses', () => {
    expect(parseProcStat(statLine(4321, 'my (evil) name', 77, 4194560, 123456))).toEqual({
      pid: 4321,
      comm: 'my (evil) name',
      state: 'S',
      ppid: 77,
      flags: 4194560,
      startTime: '123456',
      kernelThread: false,
    });
  });

  it('recognises kernel threads', () => {
    expect(parseProcStat(statLine(15, 'kworker/0:1', 2, 0x04208060, 5))?.kernelThread).toBe(true);
    expect(parseProcStat(statLine(2, 'kthreadd', 0, 0x00208040, 1))?.kernelThread).toBe(true);
  });

  it('rejects truncated stat lines', () => {
    expect(parseProcStat('12 (x) S 1')).toBeNull();
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('takes the real uid from status', () => {
    expect(parseStatusUid('Name:\tsleep\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n')).toBe(1000);
    expect(parseStatusUid('Name:\tsleep\n')).toBeNull();
  });

  it('strips the deleted marker from exe links', () => {
    expect(cleanExeLink('/tmp/tool (deleted)')).toBe('/tmp/tool');
    expect(cleanExeLink('/usr/bin/sleep')).toBe('/usr/bin/sleep');
  });

  it('maps uids to names from passwd, skipping junk', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# comment\nbroken\nalice:x:1000:1000::/home/alice:/bin/bash\nalias:x:1000:1000::/:/bin/sh\n');
    expect([...users]).toEqual([
      [0, 'root'],
      [1000, 'alice'],
    ]);
  });

  it('finds the console user in utmp, preferring a local seat over ssh', () => {
    const record = (type: number, line: string, user: string) => {
      const buf = Buffer.alloc(384);
      buf.writeInt32LE(type, 0);
      buf.write(line, 8);
      buf.write(user, 44);
      return buf;
    };
    const utmp = Buffer.concat([record(2, '~', 'reboot'), record(7, 'pts/0', 'admin'), record(7, 'tty2', 'alice'), record(8, 'tty3', 'gone')]);
    expect(parseUtmp(utmp)).toEqual([
      { user: 'admin', line: 'pts/0' },
      { user: 'alice', line: 'tty2' },
    ]);
    expect(consoleUser(parseUtmp(utmp))).toBe('alice');
    expect(consoleUser([])).toBeNull();
  });
});
