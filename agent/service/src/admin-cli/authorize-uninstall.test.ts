import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { uuidv7 } from '@dlp/shared';
import { generateSigningKeyPair, generateUnlockKey, issueUninstallCode, issueUnlockCode } from '@dlp/shared/node';
import { saveCredentials } from '../core/credentials';
import { STOP_REASON_FILE } from '../core/lifecycle-events';
import { makeTempDir, signedPolicyFor } from '../testing/fixtures';
import { runAuthorizeUninstall, UNINSTALL_EXIT } from './authorize-uninstall';

/**
 * The removal script's question (issue 14): may this agent go? Against a real data folder with
 * real credentials, signed policies and codes issued as the console issues them.
 */
const consoleKey = generateSigningKeyPair();
const unlockKey = generateUnlockKey();
const agentId = uuidv7();

async function dataFolder(mode: 'enforce' | 'monitor' | null): Promise<{ config: string; dataDir: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await makeTempDir('uninstall');
  const dataDir = path.join(dir, 'data');
  await mkdir(path.join(dataDir, 'policies'), { recursive: true });
  await saveCredentials(dataDir, { agentId, token: 'a'.repeat(43), consoleKey: { keyId: consoleKey.keyId, publicKey: consoleKey.publicKey }, enrolledAt: new Date().toISOString(), unlockKey: unlockKey.toString('base64') });
  if (mode) await writeFile(path.join(dataDir, 'policies', '3.json'), JSON.stringify(signedPolicyFor(consoleKey, 3, { mode })));
  const config = path.join(dir, 'agent.json');
  await writeFile(config, JSON.stringify({ consoleUrl: 'wss://console.example:8443/agent', enrollSecret: 'x'.repeat(24), dataDir }));
  return { config, dataDir, cleanup };
}

async function run(config: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuthorizeUninstall(['--config', config], { out: (line) => out.push(line), err: (line) => err.push(line), env });
  return { code, out, err };
}

describe('dlp-agent authorize-uninstall', () => {
  it('refuses removal in enforce mode without a code, saying how to get one, in the admin’s language', async () => {
    const folder = await dataFolder('enforce');
    try {
      const en = await run(folder.config, { LANG: 'en_US.UTF-8' });
      expect(en.code).toBe(UNINSTALL_EXIT.refused);
      expect(en.err.join('\n')).toMatch(/removal refused: this agent enforces a policy.*\n.*\/etc\/dlp\/uninstall-code/);
      const zh = await run(folder.config, { LANG: 'zh_CN.UTF-8' });
      expect(zh.err[0]).toBe('拒绝卸载：此终端代理正在执行策略，卸载需要控制台签发的卸载码');
    } finally {
      await folder.cleanup();
    }
  });

  it('allows it once with the console’s uninstall code, and the agent’s stop event will name that code', async () => {
    const folder = await dataFolder('enforce');
    try {
      const issued = issueUninstallCode(unlockKey, agentId, 60);
      const first = await run(folder.config, { DLP_UNINSTALL_CODE: issued.code.toLowerCase() });
      expect(first).toMatchObject({ code: UNINSTALL_EXIT.allowed, out: ['removal allowed by uninstall code'] });
      expect(await readFile(path.join(folder.dataDir, STOP_REASON_FILE), 'utf8')).toBe(`package-removal\nuninstall-code ${issued.nonce}\n`);
      const again = await run(folder.config, { DLP_UNINSTALL_CODE: issued.code });
      expect(again.code).toBe(UNINSTALL_EXIT.refused);
      expect(again.err[0]).toBe('removal refused: this code has already been used');
    } finally {
      await folder.cleanup();
    }
  });

  it('refuses an unlock code, another agent’s code and a mistyped one', async () => {
    const folder = await dataFolder('enforce');
    try {
      const unlock = issueUnlockCode(unlockKey, agentId, { vendorId: '0781', productId: '5581', serial: 'S' }, 60).code;
      const otherAgent = issueUninstallCode(unlockKey, uuidv7(), 60).code;
      const good = issueUninstallCode(unlockKey, agentId, 60).code;
      const typo = good.replace(/^(.)/, (c) => (c === 'A' ? 'B' : 'A'));
      for (const code of [unlock, otherAgent, typo]) expect((await run(folder.config, { DLP_UNINSTALL_CODE: code })).code).toBe(UNINSTALL_EXIT.refused);
    } finally {
      await folder.cleanup();
    }
  });

  it('allows removal without a code in monitor mode, and asks for one when no stored policy verifies', async () => {
    const monitor = await dataFolder('monitor');
    const none = await dataFolder(null);
    try {
      expect(await run(monitor.config)).toMatchObject({ code: UNINSTALL_EXIT.allowed, out: ['removal allowed: the policy in force is in monitor mode'] });
      // Policies deleted or tampered with: the agent might be enforcing; a code is needed.
      expect((await run(none.config)).code).toBe(UNINSTALL_EXIT.refused);
    } finally {
      await monitor.cleanup();
      await none.cleanup();
    }
  });
});
