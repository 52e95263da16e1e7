import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleDlp } from '../../../console/server/src/cli/dlp-test-process';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../../../console/server/src/testing/postgres-schema';
import { RestClient } from '../../../console/server/src/testing/rest-client';
import { startTestConsole, type TestConsole } from '../../../console/server/src/testing/test-console';

const repoRoot = path.resolve(__dirname, '../../..');
const wrapperSource = path.join(repoRoot, 'installers/linux/console/files/dlp');

interface Result { code: number | null; stdout: string; stderr: string }

/**
 * The packaged `/usr/bin/dlp` (installers/linux/console/files/dlp) with its three paths pointed into a
 * temp folder (the bundled CLI, console.env) and `nobody` as the service's user: as root it drops to
 * that user with setpriv, as installed.
 */
describe('the console package’s dlp command (files/dlp)', () => {
  let dir: string;
  let wrapper: string;
  let envFile: string;
  let t: TestConsole | undefined;
  let schema: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-wrapper-'));
    // Readable by `nobody`, as /usr/lib/dlp-console is.
    await chmod(dir, 0o755);
    const lib = path.join(dir, 'lib');
    await mkdir(lib);
    await bundleDlp(lib);
    await symlink(process.execPath, path.join(lib, 'node'));
    await writeFile(path.join(lib, 'VERSION'), '0.1.0\n');
    envFile = path.join(dir, 'console.env');
    const text = (await readFile(wrapperSource, 'utf8'))
      .replace(/^LIB=.*$/m, `LIB=${lib}`)
      .replace(/^SERVICE_USER=.*$/m, 'SERVICE_USER=nobody')
      .replace(/^ENV_FILE=.*$/m, `ENV_FILE=${envFile}`)
      .replace('--regid="$SERVICE_USER"', '--regid=nogroup');
    expect(text).toContain('--regid=nogroup');
    wrapper = path.join(dir, 'dlp');
    await writeFile(wrapper, text, { mode: 0o755 });
  });
  afterEach(async () => {
    await t?.stop();
    t = undefined;
    if (schema !== undefined) await dropTestSchema(schema);
    schema = undefined;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function dlp(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Result> {
    const child = spawn(wrapper, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(repoRoot, 'node_modules'), DLP_DATA_DIR: path.join(dir, 'data'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  }

  it('answers dlp, dlp --help and dlp help COMMAND with exit 0 in the caller’s language, an unknown command with exit 2', async () => {
    for (const args of [[], ['--help'], ['-h'], ['help']]) {
      const result = await dlp({ LANG: 'C' }, ...args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: dlp <command>[\s\S]*dlp reset-password <username>/);
    }
    const zh = await dlp({ LC_ALL: 'zh_CN.UTF-8' }, 'help', 'audit-verify');
    expect(zh).toMatchObject({ code: 0, stderr: '' });
    expect(zh.stdout).toMatch(/^用法：\n {2}dlp audit-verify\n.*哈希链/);
    const unknown = await dlp({ LANG: 'C' }, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^dlp: unknown command "frobnicate"/);
    expect(await dlp({}, '--version')).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('takes the PostgreSQL settings from console.env (quoted, as systemd reads them) and runs as the service’s user; the caller’s variables win', async () => {
    schema = randomSchemaName('dlp_wrapper');
    t = await startTestConsole({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema });
    await writeFile(envFile, `# settings\nDLP_PORT=8443\n#DLP_DATABASE_SCHEMA=commented_out\n  DLP_DATABASE_URL = "${TEST_DATABASE_URL}"\nDLP_DATABASE_SCHEMA='${schema}'\n`, { mode: 0o600 });
    const password = 'a password the wrapper set through PostgreSQL';
    const reset = await dlp({ LANG: 'C', DLP_NEW_PASSWORD: password }, 'reset-password', 'admin');
    expect(reset).toEqual({ code: 0, stdout: 'Password for admin set from DLP_NEW_PASSWORD\n', stderr: '' });
    expect((await new RestClient(t.console.url).login('admin', password)).status).toBe(200);
    // An export's audit row names the OS user it ran as: the service's, not root (seen by the next export).
    expect((await dlp({ LANG: 'C' }, 'audit-export')).code).toBe(0);
    const csv = await dlp({ LANG: 'C' }, 'audit-export');
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/user\.password_reset/);
    expect(csv.stdout).toMatch(/audit\.export.*""osUser"":""nobody""/);
    const wrong = await dlp({ LANG: 'C', DLP_DATABASE_SCHEMA: `${schema}_typo` }, 'audit-verify');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`no console database at postgres://\\S+ schema ${schema}_typo`));
  });
});
