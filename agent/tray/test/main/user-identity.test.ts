import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fullNameFromPasswd, linuxFullName, userLine, watermarkIdentity } from '../../src/main/user-identity';

describe('the user line of the watermark', () => {
  it('names the person and the account', () => {
    expect(userLine('zhangsan', '张三')).toBe('张三 (zhangsan)');
    expect(userLine('zhangsan', null)).toBe('zhangsan');
    expect(userLine('root', 'root')).toBe('root');
  });

  it('reads the full name from the GECOS field', () => {
    expect(fullNameFromPasswd('zhangsan:x:1000:1000:张三,Room 5,,:/home/zhangsan:/bin/bash\n')).toBe('张三');
    expect(fullNameFromPasswd('svc:x:999:999::/nonexistent:/usr/sbin/nologin')).toBeNull();
    expect(fullNameFromPasswd('garbage')).toBeNull();
  });

  it('asks the system (getent) for the account running the tests, and adds the host name', async () => {
    const me = os.userInfo();
    const fromSystem = await linuxFullName({ username: me.username, uid: me.uid });
    // For a local account getent answers from /etc/passwd: the two must agree.
    const local = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.split(':')[2] === String(me.uid));
    if (local) expect(fromSystem).toBe(fullNameFromPasswd(local));
    expect(await linuxFullName({ username: 'nobody-here', uid: 4_000_000_000 })).toBeNull();
    const identity = await watermarkIdentity(async () => 'Test Person');
    expect(identity).toEqual({ user: `Test Person (${me.username})`, host: os.hostname() });
    expect(await watermarkIdentity(async () => Promise.reject(new Error('no directory')))).toEqual({ user: me.username, host: os.hostname() });
  });
});
