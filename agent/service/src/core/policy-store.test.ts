import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PolicyBundle } from '@dlp/shared';
import { canonicalHash, generateSigningKeyPair, signPolicyBundle, type SqliteDatabase } from '@dlp/shared/node';
import { makeTempDir, signedPolicyFor } from '../testing/fixtures';
import { openAgentDatabase } from './agent-db';
import { silentLogger } from './logger';
import { PolicyStore } from './policy-store';

const consoleKey = generateSigningKeyPair();
const blockTmp = { mode: 'enforce' as const, apps: { rules: [{ id: 'no-tmp', action: 'block' as const, kind: 'path' as const, value: '/tmp/**' }] } };

describe('policy store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: SqliteDatabase;

  async function openStore(pinned: string | null = consoleKey.publicKey): Promise<PolicyStore> {
    const store = new PolicyStore({ dataDir: dir, db, log: silentLogger, pinnedPublicKey: pinned });
    await store.loadAtBoot();
    return store;
  }

  async function restart(): Promise<PolicyStore> {
    await db.close();
    db = await openAgentDatabase(dir);
    return openStore();
  }

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('policy'));
    db = await openAgentDatabase(dir);
  });
  afterEach(async () => {
    await db.close();
    await cleanup();
  });

  it('starts with no policy (monitor mode, no rules)', async () => {
    const store = await openStore();
    expect(store.current()).toBeNull();
  });

  it('accepts a bundle signed by the pinned key, stores it and reports its canonical hash', async () => {
    const store = await openStore();
    const signed = signedPolicyFor(consoleKey, 5, blockTmp);
    const result = await store.accept(JSON.parse(JSON.stringify(signed)));
    expect(result).toMatchObject({ status: 'applied', changed: true });
    expect(store.current()?.serial).toBe(5);
    expect(store.current()?.hash).toBe(canonicalHash(signed.bundle));
    expect(store.current()?.signed.bundle.document.apps.rules[0]?.id).toBe('no-tmp');
    expect(JSON.parse(await readFile(path.join(dir, 'policies', '5.json'), 'utf8'))).toEqual(signed);
  });

  it('verifies the bundle as signed, even when the console left defaults out', async () => {
    const store = await openStore();
    const signed = signedPolicyFor(consoleKey, 2);
    // A sparse document (no sections) signed as-is: parsing would add defaults the signature never covered.
    const sparse = { ...signed.bundle, document: { schema: 'dlp.policy/v1', name: 'Sparse', mode: 'monitor' } };
    const sparseSigned = signPolicyBundle(sparse as unknown as PolicyBundle, consoleKey);
    const result = await store.accept(JSON.parse(JSON.stringify(sparseSigned)));
    expect(result).toMatchObject({ status: 'applied' });
    expect(store.current()?.hash).toBe(canonicalHash(sparse));
    expect(store.current()?.signed.bundle.document.apps.defaultAction).toBe('allow');
  });

  it('refuses unsigned, other-key and tampered bundles', async () => {
    const store = await openStore();
    const signed = signedPolicyFor(consoleKey, 3, blockTmp);
    expect(await store.accept({ bundle: signed.bundle })).toMatchObject({ status: 'rejected', reason: 'unsigned policy', tampering: true });

    const other = signedPolicyFor(generateSigningKeyPair(), 3, blockTmp);
    expect(await store.accept(other)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/another key/), tampering: true, serial: 3 });

    const tampered = JSON.parse(JSON.stringify(signed));
    tampered.bundle.document.mode = 'monitor';
    expect(await store.accept(tampered)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/tampered/), tampering: true });

    expect(await store.accept({ bundle: 'nope', keyId: 'x', signature: 'y' })).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^invalid policy: bundle/) });
    expect(store.current()).toBeNull();
    expect(await readdir(path.join(dir, 'policies'))).toEqual([]);
  });

  it('refuses an older serial (rollback) and a same serial with other content, and re-accepts the same bundle', async () => {
    const store = await openStore();
    const v7 = signedPolicyFor(consoleKey, 7, blockTmp);
    await store.accept(v7);
    expect(await store.accept(signedPolicyFor(consoleKey, 6, blockTmp))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/rollback/) });
    expect(await store.accept(signedPolicyFor(consoleKey, 7, { mode: 'monitor' }))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/other content/) });
    expect(await store.accept(v7)).toMatchObject({ status: 'applied', changed: false });
    expect(store.current()?.signed.bundle.document.mode).toBe('enforce');
  });

  it('survives a restart: loads the newest good policy before any network and still refuses rollback', async () => {
    let store = await openStore();
    await store.accept(signedPolicyFor(consoleKey, 3));
    await store.accept(signedPolicyFor(consoleKey, 4, blockTmp));
    store = await restart();
    expect(store.current()?.serial).toBe(4);
    expect(store.current()?.signed.bundle.document.mode).toBe('enforce');
    expect(await store.accept(signedPolicyFor(consoleKey, 2))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/rollback/) });
  });

  it('remembers the highest serial even when the files are gone', async () => {
    let store = await openStore();
    await store.accept(signedPolicyFor(consoleKey, 9));
    for (const name of await readdir(path.join(dir, 'policies'))) await writeFile(path.join(dir, 'policies', name), '');
    store = await restart();
    expect(store.highestSerial()).toBe(9);
    expect(await store.accept(signedPolicyFor(consoleKey, 8))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/rollback/) });
  });

  it('refuses a hand-edited file at boot, moves it aside and falls back to the next good one', async () => {
    let store = await openStore();
    await store.accept(signedPolicyFor(consoleKey, 1, blockTmp));
    await store.accept(signedPolicyFor(consoleKey, 2, blockTmp));
    const newest = path.join(dir, 'policies', '2.json');
    const edited = JSON.parse(await readFile(newest, 'utf8'));
    edited.bundle.document.apps.rules = [];
    await writeFile(newest, JSON.stringify(edited));

    await db.close();
    db = await openAgentDatabase(dir);
    store = new PolicyStore({ dataDir: dir, db, log: silentLogger, pinnedPublicKey: consoleKey.publicKey });
    const boot = await store.loadAtBoot();
    expect(boot.refused).toEqual([{ file: newest, serial: 2, reason: expect.stringMatching(/tampered/) }]);
    expect(boot.policy?.serial).toBe(1);
    expect(boot.policy?.signed.bundle.document.apps.rules).toHaveLength(1);
    expect(await readdir(path.join(dir, 'policies', 'refused'))).toEqual([expect.stringMatching(/^2\.json\./)]);
    // The console may resend serial 2 (same content as it signed): that is accepted again.
    expect(await store.accept(signedPolicyFor(consoleKey, 2, blockTmp))).toMatchObject({ status: 'applied' });
  });

  it('keeps only the newest three policies on disk', async () => {
    const store = await openStore();
    for (let serial = 1; serial <= 5; serial++) await store.accept(signedPolicyFor(consoleKey, serial));
    expect((await readdir(path.join(dir, 'policies'))).filter((n) => n.endsWith('.json')).sort()).toEqual(['3.json', '4.json', '5.json']);
  });

  it('verifies nothing before enrollment and leaves files alone', async () => {
    const seeded = await openStore();
    await seeded.accept(signedPolicyFor(consoleKey, 1));
    const unpinned = new PolicyStore({ dataDir: dir, db, log: silentLogger, pinnedPublicKey: null });
    expect(await unpinned.loadAtBoot()).toEqual({ policy: null, refused: [] });
    expect(await unpinned.accept(signedPolicyFor(consoleKey, 2))).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/not enrolled/) });
    expect(await readdir(path.join(dir, 'policies'))).toContain('1.json');
  });
});
