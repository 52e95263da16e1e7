import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleDlp, type DlpResult } from './dlp-test-process';

const EN = { LANG: 'en_US.UTF-8' };
const ZH = { LANG: 'zh_CN.UTF-8' };

describe('dlp --help and unknown commands, as a child process', () => {
  let dir: string;
  let dlp: (env: NodeJS.ProcessEnv, ...args: string[]) => Promise<DlpResult>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dlp-help-'));
    dlp = await bundleDlp(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints every command on stdout and exits 0 for --help, -h and help, in English', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const result = await dlp(EN, ...args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: dlp <command>/);
      for (const command of ['reset-password <username>', 'create-enroll-secret <label>', 'enroll-requests', 'approve-enrollment <id>', 'reject-enrollment <id>', 'audit-export', 'audit-verify', 'mask IN --out OUT', 'enroll-secret create --group G', 'policy apply FILE', 'policy export NAME']) {
        expect(result.stdout).toContain(`dlp ${command}`);
      }
      expect(result.stdout).toMatch(/--database-url postgres:\/\//);
    }
  });

  it('speaks Chinese when LC_ALL or LANG says zh, LC_ALL winning over LANG', async () => {
    const zh = await dlp(ZH, '--help');
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/^用法：dlp <命令>/);
    expect(zh.stdout).toContain('为该用户设置新的随机密码');
    const lcAll = await dlp({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }, '--help');
    expect(lcAll.stdout).toMatch(/^用法：/);
    const lcAllEn = await dlp({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }, '--help');
    expect(lcAllEn.stdout).toMatch(/^Usage: /);
  });

  it('explains one command with <command> --help or help <command>, exit 0', async () => {
    const reset = await dlp(EN, 'reset-password', '--help');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/^Usage:\n {2}dlp reset-password <username>\n.*DLP_NEW_PASSWORD/);
    expect(reset.stdout).not.toContain('audit-verify');
    // Help wins over missing arguments and over option values that look like words.
    const secret = await dlp(ZH, '--data-dir', '/nonexistent', 'create-enroll-secret', '-h');
    expect(secret.code).toBe(0);
    expect(secret.stdout).toMatch(/dlp create-enroll-secret <label> \[--max-uses N\][\s\S]*为默认组创建注册密钥/);
    const policy = await dlp(EN, 'help', 'policy');
    expect(policy.code).toBe(0);
    expect(policy.stdout).toMatch(/dlp policy apply FILE[\s\S]*dlp policy export NAME[\s\S]*DLP_API_TOKEN/);
    const mask = await dlp(ZH, 'mask', '--help');
    expect(mask.code).toBe(0);
    expect(mask.stdout).toMatch(/^用法：dlp mask 输入文件 --out 输出文件/);
    const maskByLcAll = await dlp({ LC_ALL: 'zh_CN.UTF-8' }, 'help', 'mask');
    expect(maskByLcAll.stdout).toMatch(/^用法：dlp mask/);
  });

  it('exits 2 on an unknown command with its name, the closest command and where the list is', async () => {
    const typo = await dlp(EN, 'reset-pasword', 'admin');
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(/^dlp: unknown command "reset-pasword" \(did you mean reset-password\?\)\nCommands: reset-password, .*audit-verify.*\nRun dlp --help/);
    const zh = await dlp(ZH, 'frobnicate');
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/^dlp：未知命令 "frobnicate"\n可用命令：/);
    expect(zh.stderr).not.toContain('是否要输入');
    const helpOfUnknown = await dlp(EN, 'frobnicate', '--help');
    expect(helpOfUnknown.code).toBe(2);
    expect(helpOfUnknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('still exits 2 with the command’s usage on wrong arguments and unknown options', async () => {
    const missing = await dlp(EN, 'reset-password');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Usage:\n {2}dlp reset-password <username>/);
    const option = await dlp(EN, 'audit-verify', '--frob');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/Unknown option '--frob'[\s\S]*dlp audit-verify/);
    const bare = await dlp(EN);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: dlp <command>/);
    const rest = await dlp(ZH, 'policy', 'frob');
    expect(rest.code).toBe(2);
    expect(rest.stderr).toMatch(/通过运行中控制台的 REST API 执行的命令/);
  });
});
