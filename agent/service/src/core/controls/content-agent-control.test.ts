import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agentEvent, type PolicyDocumentInput } from '@dlp/shared';
import { generateSigningKeyPair, type SqliteDatabase } from '@dlp/shared/node';
import type { ContentFinding } from '../../enforce/content/watched-file-scan';
import { runAsNobody } from '../../platform/linux/fanotify/testing/kernel-fixtures';
import { residentIds, writeCustomerCsv } from '../../testing/content-fixtures';
import { makeTempDir, signedPolicyFor, waitFor } from '../../testing/fixtures';
import { openAgentDatabase } from '../agent-db';
import { silentLogger } from '../logger';
import { verifyPolicy, type VerifiedPolicy } from '../policy-verifier';
import { EventFactory, type EventInput } from '../event-factory';
import { createFakePlatform } from '../../platform/fake/fake-platform';
import { ContentAgentControl, contentEventOf, watchedFolderPolicyOf } from './content-agent-control';

const key = generateSigningKeyPair();
const verified = (serial: number, document: Partial<PolicyDocumentInput>): VerifiedPolicy => {
  const result = verifyPolicy(JSON.parse(JSON.stringify(signedPolicyFor(key, serial, document))), key.publicKey);
  if (!result.ok) throw new Error(result.reason);
  return result.policy;
};

const finding = (overrides: Partial<ContentFinding>): ContentFinding => ({
  path: '/srv/outbound/客户名单.csv',
  ownerUid: 1000,
  size: 4096,
  sha256: 'a'.repeat(64),
  verdict: 'bulk',
  matches: { 'cn-resident-id': 20 },
  samples: ['110105********1234'],
  policySerial: 7,
  mode: 'enforce',
  outcome: 'reported',
  ...overrides,
});

/** The event as the outbox stores it: stamped by the real event factory. */
async function stamped(input: EventInput): Promise<unknown> {
  const events = new EventFactory({ host: createFakePlatform({ root: '/nonexistent' }).host, hostname: 'ws-1' });
  return { seq: 1, ...(await events.create(input)) };
}

describe('content control: policy and events', () => {
  it('applies the content section only when it is enabled and names folders; no detector named means all of them', () => {
    expect(watchedFolderPolicyOf(verified(1, { content: { enabled: false, watchedPaths: ['/srv/outbound'] } }))).toBeNull();
    expect(watchedFolderPolicyOf(verified(1, { content: { enabled: true } }))).toBeNull();
    expect(watchedFolderPolicyOf(verified(2, { mode: 'enforce', content: { enabled: true, watchedPaths: ['/srv/outbound'], action: 'quarantine' } }))).toEqual({
      watchedPaths: ['/srv/outbound'],
      settings: { serial: 2, mode: 'enforce', detectors: ['cn-resident-id', 'cn-mobile', 'bank-card', 'cn-uscc', 'email'], minDistinct: 10, action: 'quarantine' },
    });
    expect(watchedFolderPolicyOf(verified(3, { content: { enabled: true, watchedPaths: ['/srv/x'], detectors: ['bank-card'], minDistinct: 50 } }))?.settings).toMatchObject({ detectors: ['bank-card'], minDistinct: 50, mode: 'monitor' });
  });

  it('makes valid content events: would-block when reported, blocked when quarantined, severity by count', async () => {
    const reported = contentEventOf(finding({}));
    expect(reported).toEqual({
      type: 'content',
      action: 'would-block',
      severity: 'medium',
      ruleId: 'content:bulk-pii',
      policySerial: 7,
      uid: 1000,
      subject: { kind: 'file', path: '/srv/outbound/客户名单.csv', sha256: 'a'.repeat(64), size: 4096, matches: { 'cn-resident-id': 20 }, samples: ['110105********1234'] },
    });
    expect(contentEventOf(finding({ outcome: 'quarantined', matches: { 'bank-card': 150 } }))).toMatchObject({ action: 'blocked', severity: 'high', ruleId: 'content:quarantined' });
    expect(contentEventOf(finding({ matches: { 'cn-resident-id': 5000 } }))).toMatchObject({ severity: 'critical' });
    expect(contentEventOf(finding({ outcome: 'quarantine-failed', quarantine: { error: 'EBUSY' } }))).toMatchObject({ action: 'would-block', severity: 'high', ruleId: 'content:quarantine-failed' });
    expect(contentEventOf(finding({ verdict: 'unreadable', unreadable: 'encrypted', matches: {}, samples: [] }))).toMatchObject({ action: 'info', severity: 'medium', ruleId: 'content:unreadable:encrypted' });
    expect(contentEventOf(finding({ verdict: 'unreadable', unreadable: 'limit-exceeded:max-bytes', matches: {}, samples: [] }))).toMatchObject({ action: 'info', severity: 'low', ruleId: 'content:unreadable:limit-exceeded:max-bytes' });
    for (const input of [reported, contentEventOf(finding({ verdict: 'unreadable', unreadable: 'limit-exceeded:max-total-inflated', matches: {}, samples: [] }))]) {
      expect(agentEvent.safeParse(await stamped(input)).error).toBeUndefined();
    }
  });
});

describe('content control: the quarantine folder', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let control: ContentAgentControl | null = null;
  let db: SqliteDatabase | null = null;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir('content-quarantine')));
  afterEach(async () => {
    await control?.stop();
    await db?.close();
    await cleanup();
  });

  it('is out of reach of an ordinary user (nobody), even where the data dir above it is not', async () => {
    // Open on purpose down to the data dir, so only the quarantine folder's own mode keeps nobody out.
    const dataDir = path.join(dir, 'data');
    const outbound = path.join(dir, 'outbound');
    await mkdir(dataDir);
    await mkdir(outbound);
    await Promise.all([dir, dataDir, outbound].map((d) => chmod(d, 0o755)));
    await writeFile(path.join(dataDir, 'probe.txt'), 'readable\n', { mode: 0o644 });
    const events: EventInput[] = [];
    db = await openAgentDatabase(dataDir);
    control = new ContentAgentControl({ dataDir, db, record: (e) => void events.push(e), log: silentLogger, tuning: { stabilityMs: 200, pollMs: 50 } });
    await control.applyPolicy(verified(5, { mode: 'enforce', content: { enabled: true, watchedPaths: [outbound], action: 'quarantine' } }));
    await control.start();
    await writeCustomerCsv(path.join(outbound, 'export.csv'), residentIds(20));
    await waitFor(() => events.length === 1, 'the content event');
    expect(events[0]).toMatchObject({ type: 'content', action: 'blocked', ruleId: 'content:quarantined' });
    const quarantine = path.join(dataDir, 'quarantine');
    const [moved] = (await readdir(quarantine)).filter((name) => !name.endsWith('.json'));
    if (!moved) throw new Error('nothing in quarantine');

    expect((await runAsNobody(['/bin/cat', path.join(dataDir, 'probe.txt')])).stdout).toBe('readable\n');
    for (const command of [['/bin/ls', quarantine], ['/bin/cat', path.join(quarantine, moved)], ['/bin/cat', path.join(quarantine, `${moved}.json`)]]) {
      const outcome = await runAsNobody(command);
      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr).toMatch(/Permission denied/);
    }
  });
});
