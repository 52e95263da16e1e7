import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PolicyDetail } from '@dlp/shared';
import { keyIdOf, publicKeyFromPrivatePem, signGroupAssignment, signPolicyBundleForGroup, type SigningKeyPair } from '@dlp/shared/node';
import { blockBySha256, Fleet, waitFor } from './harness/fleet';
import { copyProgram, startProgram, type TestProgram } from './harness/programs';
import { RogueConsole } from './harness/rogue-console';

// Issue 12 item 8: a bundle names its group and signing key; a newer, looser bundle of another
// group, validly signed by the real console key, is refused; a signed move makes it acceptable.
describe('end to end: policy bundles are bound to their group', () => {
  const fleet = new Fleet();
  let tool: TestProgram;
  let goodSerial = 0;
  let labGroupId = '';
  let labPolicy: PolicyDetail;

  function consoleKey(): SigningKeyPair {
    const pem = readFileSync(path.join(fleet.consoleDir, 'keys', 'signing.pem'), 'utf8');
    const publicKey = publicKeyFromPrivatePem(pem);
    return { privateKeyPem: pem, publicKey, keyId: keyIdOf(publicKey) };
  }

  beforeAll(async () => {
    await fleet.start();
    mkdirSync(fleet.programsDir, { recursive: true });
    tool = copyProgram(fleet.programsDir);
    goodSerial = await fleet.publishDefault(blockBySha256(tool.sha256));
    // Group "lab" with a looser policy (monitor mode, no rules), published after the Default one.
    const created = await fleet.admin.json<{ policy: { id: string } }>('POST', '/api/v1/policies', { document: { schema: 'dlp.policy/v1', name: 'Lab', mode: 'monitor' } });
    expect(created.status).toBe(201);
    const group = await fleet.admin.json<{ group: { id: string } }>('POST', '/api/v1/groups', { name: 'lab', policyId: created.body.policy.id });
    expect(group.status).toBe(201);
    labGroupId = group.body.group.id;
    labPolicy = (await fleet.admin.json<PolicyDetail>('GET', `/api/v1/policies/${created.body.policy.id}`)).body;
    expect(labPolicy.signed.bundle.serial).toBeGreaterThan(goodSerial);
  }, 60_000);
  afterAll(() => fleet.stop());

  it('refuses a newer, looser bundle of another group and a replayed move, reports the tampering and keeps enforcing', async () => {
    const key = consoleKey();
    // What the console pushes to the lab group's agents, as captured on the network.
    const labBundle = signPolicyBundleForGroup(labPolicy.signed.bundle, labGroupId, key);
    const port = fleet.console.port;
    await fleet.console.stop();
    const rogue = await RogueConsole.listen(port);
    try {
      await waitFor('the agent to reconnect to the rogue console', () => rogue.connected(), 30_000);
      rogue.push(labBundle);
      const receipt = await waitFor('a receipt for the other group’s bundle', () => rogue.receipts().find((r) => r.serial === labBundle.bundle.serial));
      expect(receipt).toMatchObject({ status: 'rejected' });
      expect(receipt.error).toMatch(new RegExp(`for group ${labGroupId}, but this agent is in group default`));

      // The unbound stored version (as the REST API shows it) is refused too.
      rogue.push(labPolicy.signed);
      const unbound = await waitFor('a second receipt for the lab serial', () => (rogue.receipts().filter((r) => r.serial === labBundle.bundle.serial).length >= 2 ? true : undefined));
      expect(unbound).toBe(true);
      expect(rogue.receipts().filter((r) => r.serial === labBundle.bundle.serial).every((r) => r.status === 'rejected')).toBe(true);

      // A move statement with the agent's current move serial (1) naming the lab group: a replay, refused.
      rogue.pushAssignment(signGroupAssignment({ agentId: fleet.agentId, groupId: labGroupId, serial: 1 }, key));
      rogue.push(labBundle);
      await waitFor('a third receipt for the lab serial', () => (rogue.receipts().filter((r) => r.serial === labBundle.bundle.serial).length >= 3 ? true : undefined));
      expect(rogue.receipts().filter((r) => r.serial === labBundle.bundle.serial).every((r) => r.status === 'rejected')).toBe(true);

      expect((await startProgram(tool.path).exit).signal).toBe('SIGKILL');
    } finally {
      await rogue.close();
    }
    await fleet.startConsole(port);
    await fleet.waitForAgent('the agent back on the real console', (a) => a.online && a.policySerial === goodSerial, 30_000);
    const events = await waitFor('the tamper events at the console', async () => {
      const found = (await fleet.events(`type=policy&action=blocked&agentId=${fleet.agentId}`)).filter((e) => e.subject.kind === 'policy' && /group/.test(e.subject.reason ?? ''));
      return found.length >= 3 ? found : undefined;
    }, 30_000);
    expect(events.every((e) => e.severity === 'high')).toBe(true);
    expect(events.some((e) => e.subject.kind === 'policy' && /group assignment refused/.test(e.subject.reason ?? ''))).toBe(true);
  }, 120_000);

  it('accepts the other group’s policy after a signed move', async () => {
    const moved = await fleet.admin.json('PUT', `/api/v1/agents/${fleet.agentId}/group`, { groupId: labGroupId });
    expect(moved.status).toBe(200);
    await fleet.waitForAgent('the agent to apply the lab policy', (a) => a.online && a.policySerial !== null && a.policySerial > goodSerial, 30_000);
    // The lab policy is monitor mode: the tool runs to its end now.
    expect(await startProgram(tool.path, ['0']).exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});
