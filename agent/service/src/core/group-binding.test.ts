import { uuidv7 } from '@dlp/shared';
import { generateSigningKeyPair, signCanonical, signGroupAssignment, signPolicyBundleForGroup, type SqliteDatabase } from '@dlp/shared/node';
import { makeBundle, makeTempDir } from '../testing/fixtures';
import { openAgentDatabase } from './agent-db';
import { configuredKeyMatches, signingKeySha256, trustOrigins } from './credentials';
import { GroupAssignmentStore } from './group-assignment-store';
import { silentLogger } from './logger';
import { PolicyStore } from './policy-store';

const consoleKey = generateSigningKeyPair();
const agentId = uuidv7();
const strict = { mode: 'enforce' as const, apps: { rules: [{ id: 'no-tmp', action: 'block' as const, kind: 'path' as const, value: '/tmp/**' }] } };

/** JSON round trip: what arrives over the wire. */
function wire<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('policy bound to its group (issue 12 item 8)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: SqliteDatabase;
  let groups: GroupAssignmentStore;
  let store: PolicyStore;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('binding'));
    db = await openAgentDatabase(dir);
    groups = await GroupAssignmentStore.open(db);
    store = new PolicyStore({ dataDir: dir, db, log: silentLogger, pinnedPublicKey: consoleKey.publicKey, assignedGroup: () => groups.groupId() });
    await store.loadAtBoot();
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it("refuses a newer bundle of another group as tampering, keeps the last good one, and accepts it after a signed move", async () => {
    expect(await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'office', serial: 1 }, consoleKey)), agentId, consoleKey.publicKey)).toMatchObject({ status: 'applied', changed: true });
    expect(await store.accept(wire(signPolicyBundleForGroup(makeBundle(5, strict), 'office', consoleKey)))).toMatchObject({ status: 'applied' });

    const looser = signPolicyBundleForGroup(makeBundle(9), 'lab', consoleKey);
    const refused = await store.accept(wire(looser));
    expect(refused).toMatchObject({ status: 'rejected', tampering: true, serial: 9 });
    expect(refused.status === 'rejected' && refused.reason).toMatch(/for group lab, but this agent is in group office/);
    expect(store.current()?.serial).toBe(5);

    // An unbound stored version (as the REST API shows it) is a replay once the agent knows its group.
    const unbound = await store.accept(wire({ bundle: makeBundle(10), keyId: consoleKey.keyId, signature: signPolicyBundleForGroup(makeBundle(10), 'x', consoleKey).signature }));
    expect(unbound).toMatchObject({ status: 'rejected' });

    expect(await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'lab', serial: 2 }, consoleKey)), agentId, consoleKey.publicKey)).toMatchObject({ status: 'applied', changed: true });
    expect(await store.accept(wire(looser))).toMatchObject({ status: 'applied' });
    expect(store.current()?.serial).toBe(9);
  });

  it('takes the same serial again when it is bound to the group the agent was moved to', async () => {
    await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'office', serial: 1 }, consoleKey)), agentId, consoleKey.publicKey);
    await store.accept(wire(signPolicyBundleForGroup(makeBundle(5, strict), 'office', consoleKey)));
    await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'lab', serial: 2 }, consoleKey)), agentId, consoleKey.publicKey);
    const result = await store.accept(wire(signPolicyBundleForGroup(makeBundle(5, strict), 'lab', consoleKey)));
    expect(result).toMatchObject({ status: 'applied', changed: true });
    expect(store.current()?.signed.bundle.target?.groupId).toBe('lab');
  });

  it('refuses replayed, foreign, other-agent and other-key assignments, and keeps the mark across a restart', async () => {
    await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'office', serial: 3 }, consoleKey)), agentId, consoleKey.publicKey);
    const replay = await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'lab', serial: 2 }, consoleKey)), agentId, consoleKey.publicKey);
    expect(replay).toMatchObject({ status: 'rejected', tampering: true });
    const otherAgent = await groups.accept(wire(signGroupAssignment({ agentId: uuidv7(), groupId: 'lab', serial: 9 }, consoleKey)), agentId, consoleKey.publicKey);
    expect(otherAgent).toMatchObject({ status: 'rejected', tampering: true });
    const attacker = generateSigningKeyPair();
    const foreign = await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'lab', serial: 9 }, attacker)), agentId, consoleKey.publicKey);
    expect(foreign).toMatchObject({ status: 'rejected', tampering: true });
    const forged = signGroupAssignment({ agentId, groupId: 'office', serial: 9 }, consoleKey);
    const edited = await groups.accept(wire({ ...forged, assignment: { ...forged.assignment, groupId: 'lab' } }), agentId, consoleKey.publicKey);
    expect(edited).toMatchObject({ status: 'rejected', tampering: true });

    const reopened = await GroupAssignmentStore.open(db);
    expect({ group: reopened.groupId(), serial: reopened.serial() }).toEqual({ group: 'office', serial: 3 });

    // Enrolled again under a new id (same data dir): the console's counter for it starts at 1.
    const newId = uuidv7();
    expect(await reopened.accept(wire(signGroupAssignment({ agentId: newId, groupId: 'lab', serial: 1 }, consoleKey)), newId, consoleKey.publicKey)).toMatchObject({ status: 'applied', changed: true });
  });

  it('refuses a bundle that names another signing key even when the signature is good', async () => {
    await groups.accept(wire(signGroupAssignment({ agentId, groupId: 'office', serial: 1 }, consoleKey)), agentId, consoleKey.publicKey);
    const bundle = { ...makeBundle(7), target: { groupId: 'office', keyId: '0123456789abcdef' } };
    // Signed properly by the pinned key: only the key id the bundle names is wrong.
    const signed = { bundle, keyId: consoleKey.keyId, signature: signCanonical(bundle, consoleKey.privateKeyPem) };
    const result = await store.accept(wire(signed));
    expect(result).toMatchObject({ status: 'rejected', tampering: true });
    expect(result.status === 'rejected' && result.reason).toMatch(/names signing key 0123456789abcdef/);
  });
});

describe('console signing key pinned before first contact (issue 12 item 9)', () => {
  const other = generateSigningKeyPair();
  const config = { consoleUrl: 'wss://console.example/agent', consoleSigningKeySha256: signingKeySha256(consoleKey.publicKey) };

  it('matches only the configured key, and says how each pin was made', () => {
    expect(signingKeySha256(consoleKey.publicKey).slice(0, 16)).toBe(consoleKey.keyId);
    expect(configuredKeyMatches(config, consoleKey.publicKey)).toBe(true);
    expect(configuredKeyMatches(config, other.publicKey)).toBe(false);
    expect(configuredKeyMatches({}, other.publicKey)).toBe(true);
    const credentials = { agentId, token: 'a'.repeat(43), consoleKey: { keyId: consoleKey.keyId, publicKey: consoleKey.publicKey }, enrolledAt: new Date().toISOString() };
    expect(trustOrigins(config, credentials)).toEqual({ consoleKey: 'config', consoleCert: 'none' });
    expect(trustOrigins({ consoleUrl: config.consoleUrl }, credentials)).toEqual({ consoleKey: 'first-use', consoleCert: 'none' });
    expect(trustOrigins({ consoleUrl: config.consoleUrl, consoleCertSha256: 'f'.repeat(64) }, { ...credentials, consoleCertSha256: 'e'.repeat(64) })).toMatchObject({ consoleCert: 'config' });
    expect(trustOrigins({ consoleUrl: config.consoleUrl }, { ...credentials, consoleCertSha256: 'e'.repeat(64) })).toMatchObject({ consoleCert: 'first-use' });
  });
});
