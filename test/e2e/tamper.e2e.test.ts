import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningKeyPair, publicKeyFromPrivatePem, keyIdOf, signPolicyBundle } from '@dlp/shared/node';
import { blockBySha256, Fleet, waitFor } from './harness/fleet';
import { copyProgram, startProgram, type TestProgram } from './harness/programs';
import { RogueConsole } from './harness/rogue-console';
import { mkdirSync } from 'node:fs';

// Principle 4: the agent pins the console's key, refuses unsigned, tampered, foreign or older
// policies, and keeps enforcing the last good one.
describe('end to end: policy tampering is refused', () => {
  const fleet = new Fleet();
  let tool: TestProgram;
  let goodSerial = 0;

  beforeAll(async () => {
    await fleet.start();
    mkdirSync(fleet.programsDir, { recursive: true });
    tool = copyProgram(fleet.programsDir);
    goodSerial = await fleet.publishDefault(blockBySha256(tool.sha256));
  }, 60_000);
  afterAll(() => fleet.stop());

  it('refuses a policy signed by another key and an older version signed by the real key, and keeps enforcing', async () => {
    const current = await fleet.defaultPolicy();
    const port = fleet.console.port;
    await fleet.console.stop();
    const rogue = await RogueConsole.listen(port);
    try {
      await waitFor('the agent to reconnect to the rogue console', () => rogue.connected(), 30_000);

      // A policy that would switch enforcement off, signed by a key the agent never pinned.
      const attacker = generateSigningKeyPair();
      const disarm = { ...current.signed.bundle, serial: goodSerial + 100, version: 99, document: { ...current.document, mode: 'monitor' as const, apps: { ...current.document.apps, rules: [] } } };
      rogue.push(signPolicyBundle(disarm, attacker));
      const foreign = await waitFor('a receipt for the foreign policy', () => rogue.receipts().find((r) => r.serial === goodSerial + 100));
      expect(foreign).toMatchObject({ status: 'rejected' });

      // The console's own key, but an older serial: a rollback to the monitor-mode Default v1.
      const pem = readFileSync(path.join(fleet.consoleDir, 'keys', 'signing.pem'), 'utf8');
      const realKey = { privateKeyPem: pem, publicKey: publicKeyFromPrivatePem(pem), keyId: keyIdOf(publicKeyFromPrivatePem(pem)) };
      const rollback = { ...current.signed.bundle, serial: 1, version: 1, document: { ...current.document, mode: 'monitor' as const } };
      rogue.push(signPolicyBundle(rollback, realKey));
      const older = await waitFor('a receipt for the older policy', () => rogue.receipts().find((r) => r.serial === 1));
      expect(older).toMatchObject({ status: 'rejected' });
      expect(older.error).toMatch(/older|rollback/i);

      // A tampered copy of the current policy: right key id and signature, edited content.
      rogue.push({ ...current.signed, bundle: { ...current.signed.bundle, serial: goodSerial + 200, document: disarm.document } });
      const tampered = await waitFor('a receipt for the tampered policy', () => rogue.receipts().find((r) => r.serial === goodSerial + 200));
      expect(tampered).toMatchObject({ status: 'rejected' });

      // Still enforcing the last good policy.
      expect((await startProgram(tool.path).exit).signal).toBe('SIGKILL');
    } finally {
      await rogue.close();
    }
    await fleet.startConsole(port);
    await fleet.waitForAgent('the agent back on the real console', (a) => a.online && a.policySerial === goodSerial, 30_000);
  }, 90_000);

  it('refuses a policy file edited by hand on disk, falls back to the last good one and reports the tampering', async () => {
    await fleet.agent.stop();
    const dir = path.join(fleet.agentDir, 'policies');
    const newest = readdirSync(dir)
      .filter((f) => /^\d+\.json$/.test(f))
      .sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10))[0];
    expect(newest).toBe(`${goodSerial}.json`);
    const file = path.join(dir, newest ?? '');
    // An employee with a root shell switches the policy to monitor mode, keeping the signature.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"enforce"', '"monitor"'));

    await fleet.startAgent();
    const events = await waitFor('the tamper event at the console', async () => {
      const found = await fleet.events(`type=policy&action=blocked&agentId=${fleet.agentId}`);
      return found.length > 0 ? found : undefined;
    }, 30_000);
    expect(events[0]).toMatchObject({ severity: 'high', subject: { kind: 'policy' } });
    // The console re-sends the current policy and the agent enforces it again.
    await fleet.waitForAgent('the agent to re-apply the signed policy', (a) => a.online && a.policySerial === goodSerial, 30_000);
    expect((await startProgram(tool.path).exit).signal).toBe('SIGKILL');
  }, 90_000);
});
