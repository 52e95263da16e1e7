import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentConfig } from '@dlp/shared';
import { startTestConsole, type TestConsole } from '../../../console/server/src/testing/test-console';

const functions = path.resolve(__dirname, '../common/response-file.sh');
const KEY = 'a'.repeat(64);
const SECRET = 'Zm9vYmFyLXNlY3JldC1lbnJvbGwtMDEyMzQ1Njc4OQ';

/** Runs the package's dlp_configure (the code the maintainer scripts inline) with /bin/sh. */
function configure(dir: string, response: string): Promise<{ code: number; stderr: string }> {
  const responseFile = path.join(dir, 'agent.conf');
  writeFileSync(responseFile, response);
  return new Promise((resolve) => {
    execFile('sh', ['-c', '. "$0"; dlp_configure "$1" "$2" "$3"', functions, responseFile, path.join(dir, 'etc/agent.json'), path.join(dir, 'data')], (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('response file → agent.json (installers/linux/common/response-file.sh)', () => {
  let dir: string;
  let written: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-response-'));
    written = path.join(dir, 'etc/agent.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a 0600 agent.json the agent schema accepts, from quoted values, comments, CRLF lines and a fingerprint with colons', async () => {
    const colonKey = 'AB:'.repeat(31) + 'AB';
    const response = `# silent install\r\nCONSOLE_URL = "wss://console.example:8443/agent"\r\n\r\nENROLL_SECRET='${SECRET}'\r\nCONSOLE_KEY_SHA256=${colonKey}\r\nCONSOLE_CERT_SHA256=${KEY}\r\nAPP_CONTROL=proc-scan\r\n`;
    const result = await configure(dir, response);
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(statSync(written).mode & 0o777).toBe(0o600);
    const parsed = agentConfig.parse(JSON.parse(readFileSync(written, 'utf8')));
    expect(parsed).toMatchObject({
      consoleUrl: 'wss://console.example:8443/agent',
      enrollSecret: SECRET,
      consoleSigningKeySha256: 'ab'.repeat(32),
      consoleCertSha256: KEY,
      appControl: { method: 'proc-scan' },
      localSocket: '/run/dlp-agent/agent.sock',
      dataDir: path.join(dir, 'data'),
    });
  });

  it.each(['ws://127.0.0.1:8080/agent', 'wss://[::1]:8443/agent', 'wss://dlp-console.corp.example/agent?site=sh', 'ws://console'])('accepts the console URL %s, as the agent schema does', async (url) => {
    expect(await configure(dir, `CONSOLE_URL=${url}\nENROLL_SECRET=${SECRET}\n`)).toEqual({ code: 0, stderr: '' });
    expect(agentConfig.parse(JSON.parse(readFileSync(written, 'utf8'))).consoleUrl).toBe(url);
  });

  const refusals: Array<[string, string, string]> = [
    ['a wrong URL scheme', `CONSOLE_URL=http://console.example:8080/agent\nENROLL_SECRET=${SECRET}`, `CONSOLE_URL "http://console.example:8080/agent" is not a ws:// or wss:// URL of the console's agent endpoint (example: wss://console.example:8443/agent)`],
    ['a URL without host', `CONSOLE_URL=wss:///agent\nENROLL_SECRET=${SECRET}`, 'CONSOLE_URL "wss:///agent" is not a ws:// or wss:// URL'],
    ['a URL with a quote', `CONSOLE_URL=wss://console"x/agent\nENROLL_SECRET=${SECRET}`, 'CONSOLE_URL "wss://console"x/agent" is not a ws:// or wss:// URL'],
    ['no URL', `ENROLL_SECRET=${SECRET}`, 'CONSOLE_URL is required (example: wss://console.example:8443/agent)'],
    ['a short fingerprint', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nCONSOLE_KEY_SHA256=abc123`, `CONSOLE_KEY_SHA256 must be 64 hexadecimal digits (SHA-256 of the console's signing key, logged by the console as signingKeySha256); got "abc123" (6 characters)`],
    ['a fingerprint with a non-hex digit', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nCONSOLE_CERT_SHA256=${'g'.repeat(64)}`, 'CONSOLE_CERT_SHA256 must be 64 hexadecimal digits'],
    ['a short secret', 'CONSOLE_URL=ws://c/agent\nENROLL_SECRET=short', 'ENROLL_SECRET must be 16 to 128 characters of A-Z a-z 0-9 . _ ~ + / = - as the console printed it; got 5 characters'],
    ['no secret before enrollment', 'CONSOLE_URL=ws://c/agent', 'ENROLL_SECRET is required until the agent has enrolled'],
    ['an unknown setting', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nCONSOLE=x`, 'line 3: unknown setting "CONSOLE" (known: CONSOLE_URL ENROLL_SECRET CONSOLE_KEY_SHA256 CONSOLE_CERT_SHA256 APP_CONTROL ENROLL_AT_INSTALL)'],
    ['a setting given twice', `CONSOLE_URL=ws://c/agent\nCONSOLE_URL=ws://d/agent\nENROLL_SECRET=${SECRET}`, 'line 2: CONSOLE_URL is set twice'],
    ['a group', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nGROUP=floor-3`, "line 3: GROUP cannot be set on the workstation: the enroll secret decides the agent's group"],
    ['a line without =', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nexport`, 'line 3: expected KEY=VALUE, got "export"'],
    ['an unknown app control method', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nAPP_CONTROL=ebpf`, 'APP_CONTROL must be auto, fanotify or proc-scan; got "ebpf"'],
    ['an ENROLL_AT_INSTALL other than yes or no', `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=${SECRET}\nENROLL_AT_INSTALL=later`, 'ENROLL_AT_INSTALL must be yes or no; got "later"'],
  ];
  it.each(refusals)('refuses %s with the exact reason and leaves agent.json as it was', async (_name, response, message) => {
    mkdirSync(path.dirname(written), { recursive: true });
    writeFileSync(written, '{"previous":true}\n');
    const result = await configure(dir, `${response}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path.join(dir, 'agent.conf')}: ${message}`);
    expect(readFileSync(written, 'utf8')).toBe('{"previous":true}\n');
  });

  it('refuses without writing anything when there was no agent.json yet', async () => {
    expect((await configure(dir, 'CONSOLE_URL=ftp://x\n')).code).toBe(1);
    expect(existsSync(path.dirname(written))).toBe(false);
  });

  it('needs no enroll secret once the agent has enrolled (an upgrade after the secret was removed)', async () => {
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data/credentials.json'), '{}');
    expect(await configure(dir, 'CONSOLE_URL=ws://c/agent\n')).toEqual({ code: 0, stderr: '' });
    expect(agentConfig.parse(JSON.parse(readFileSync(written, 'utf8'))).enrollSecret).toBeUndefined();
  });

  it('treats values as text: nothing in them is run or expanded', async () => {
    const marker = path.join(dir, 'ran');
    const result = await configure(dir, `CONSOLE_URL=ws://c/agent\nENROLL_SECRET=$(touch ${marker})aaaaaaaaaaaaaaaa\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ENROLL_SECRET must be 16 to 128 characters');
    expect(existsSync(marker)).toBe(false);
  });
});

/**
 * dlp_enroll_now, the maintainer scripts' one-shot enrollment after dlp_configure, with the agent
 * bundle `npm run build` made (node and service.js as the package lays them out) and a real console.
 */
describe('enrollment at install time (dlp_enroll_now)', () => {
  let dir: string;
  let t: TestConsole;
  const lib = path.join(os.tmpdir(), `dlp-enroll-lib-${process.pid}`);
  beforeAll(async () => {
    t = await startTestConsole({ localEnrollSecret: SECRET });
    mkdirSync(lib, { recursive: true });
    for (const [name, target] of [['node', process.execPath], ['service.js', path.resolve(__dirname, '../../../dist/agent/service.js')]] as const) {
      if (!existsSync(path.join(lib, name))) symlinkSync(target, path.join(lib, name));
    }
  });
  afterAll(async () => {
    await t.stop();
    rmSync(lib, { recursive: true, force: true });
  });
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-enroll-now-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function configureAndEnroll(response: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const responseFile = path.join(dir, 'agent.conf');
    writeFileSync(responseFile, response);
    const script = '. "$0"; dlp_configure "$1" "$2" "$3" && dlp_enroll_now "$2" "$3"';
    return new Promise((resolve) => {
      execFile('sh', ['-c', script, functions, responseFile, path.join(dir, 'agent.json'), path.join(dir, 'data')], { env: { ...process.env, DLP_AGENT_LIB: lib, LANG: 'C' } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }
  const agentUrl = () => t.console.agentUrl;

  it('enrolls with the right secret: credentials in the data dir, agent.json kept', async () => {
    const result = await configureAndEnroll(`CONSOLE_URL=${agentUrl()}\nENROLL_SECRET=${SECRET}\n`);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^enrolled with the console as agent [0-9a-f-]{36}$/m);
    expect(existsSync(path.join(dir, 'data/credentials.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'agent.json'))).toBe(true);
  });

  it('a refused secret fails with the console’s words and takes agent.json back out', async () => {
    const result = await configureAndEnroll(`CONSOLE_URL=${agentUrl()}\nENROLL_SECRET=wrong-secret-0123456789abcdef\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the console refused the enrollment (bad_enroll_secret): the enroll secret is not valid');
    expect(result.stderr).toContain(`dlp-agent: not configured, the console refused this workstation (above); fix ${path.join(dir, 'agent.conf')} and run: dlp-agent configure`);
    expect(existsSync(path.join(dir, 'agent.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'data/credentials.json'))).toBe(false);
  });

  it('a console that cannot be reached does not fail the install; ENROLL_AT_INSTALL=no does not even try', async () => {
    const unreachable = await configureAndEnroll(`CONSOLE_URL=ws://127.0.0.1:1/agent\nENROLL_SECRET=${SECRET}\n`);
    expect(unreachable.code).toBe(0);
    expect(unreachable.stderr).toContain('the console could not be asked now');
    expect(existsSync(path.join(dir, 'agent.json'))).toBe(true);
    const skipped = await configureAndEnroll(`CONSOLE_URL=${agentUrl()}\nENROLL_SECRET=wrong-secret-0123456789abcdef\nENROLL_AT_INSTALL=no\n`);
    expect(skipped).toMatchObject({ code: 0, stderr: '' });
    expect(skipped.stdout).toContain('not enrolling now (ENROLL_AT_INSTALL=no)');
  });
});
