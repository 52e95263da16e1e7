import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPiiGenerator, type PolicyDocumentInput, type StoredEvent } from '@dlp/shared';
import { ENROLL_SECRET, Fleet, waitFor } from './harness/fleet';
import { plugLoopStick, type LoopStick } from './harness/loop-stick';
import { startAgent } from './harness/processes';

// Issue 16 item 3, removable media: a real console and a real agent process (dist/), and a file
// system on a real loop device that the agent's sysfs view takes for a USB stick
// (harness/loop-stick.ts). `nobody` copies customer lists onto it; the agent scans each file when it
// is written and reports, quarantines or deletes the copy. Needs root; run under
// `flock /tmp/dlp-kernel.lock`.

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** Runs a command as `nobody`; throws with its stderr when it fails. */
function asNobody(command: string, ...args: string[]): void {
  const run = spawnSync('setpriv', [...NOBODY, command, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} as nobody failed: ${run.stderr}`);
}

function customerCsv(ids: readonly string[]): string {
  return ['姓名,身份证号,城市', ...ids.map((id, i) => `客户${i + 1},${id},上海`)].join('\n') + '\n';
}

/** Every file under `dir`, recursively, as text; `skip` leaves one folder out. */
function contentsUnder(dir: string, skip?: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && (skip === undefined || !path.join(e.parentPath, e.name).startsWith(skip)))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'latin1'));
}

const policy = (mode: 'monitor' | 'enforce', action: 'report' | 'quarantine' | 'delete'): PolicyDocumentInput => ({
  schema: 'dlp.policy/v1',
  name: 'Default',
  mode,
  content: { enabled: true, detectors: ['cn-resident-id'], minDistinct: 10, removableMedia: { action } },
});

/** A console, a stick and an agent that sees it, set up around one describe block. */
function withStick() {
  const fleet = new Fleet();
  const pii = createPiiGenerator(23);
  const allIds: string[] = [];
  let stick!: LoopStick;

  beforeAll(async () => {
    stick = plugLoopStick();
    await fleet.startConsole();
    fleet.agent = await startAgent({
      consoleUrl: `ws://127.0.0.1:${fleet.console.port}/agent`,
      enrollSecret: ENROLL_SECRET,
      dataDir: fleet.agentDir,
      scanIntervalMs: 50,
      appControl: { method: 'proc-scan' },
      hostRoots: { proc: '/proc', sys: stick.sysRoot, etc: '/etc', root: '/' },
    });
    fleet.agentId = (await fleet.waitForAgent('the agent to enroll and come online', (a) => a.online)).id;
  }, 60_000);

  afterAll(async () => {
    try {
      await fleet.agent?.stop();
    } finally {
      stick?.remove();
      await fleet.stop();
    }
  });

  const removableEvents = async (): Promise<StoredEvent[]> =>
    (await fleet.events(`agentId=${fleet.agentId}&type=content`)).filter((e) => e.subject.kind === 'file' && e.subject.channel === 'removable-media');
  return {
    fleet,
    allIds,
    media: () => stick.media,
    home: () => stick.home,
    removableEvents,
    ids(count: number): string[] {
      const out = new Set<string>();
      while (out.size < count) out.add(pii.residentId());
      allIds.push(...out);
      return [...out];
    },
    eventFor: (file: string): Promise<StoredEvent> =>
      waitFor(`the content event for ${path.basename(file)}`, async () => (await removableEvents()).find((e) => e.subject.kind === 'file' && e.subject.path === file)),
    /** A customer list in the user's own folder, copied onto the stick by `nobody`. */
    copyOnto(name: string, idsInFile: readonly string[]): { source: string; copy: string } {
      const source = path.join(stick.home, name);
      writeFileSync(source, customerCsv(idsInFile), { mode: 0o644 });
      const copy = path.join(stick.media, name);
      asNobody('cp', source, copy);
      return { source, copy };
    },
  };
}

describe('end to end: files written to an ext4 stick are scanned when written', () => {
  const t = withStick();
  const { fleet } = t;
  let serial = 0;
  const publish = async (document: PolicyDocumentInput): Promise<void> => {
    serial = await fleet.publishDefault(document);
  };

  it('reports a customer list copied onto the stick with counts, size, hash and redacted samples only; the odd files stay bounded', async () => {
    await publish(policy('monitor', 'report'));
    const capabilities = await fleet.waitForAgent('the capability report to name the watched stick', (a) => JSON.stringify(a.capabilities ?? {}).includes('1 writable USB mount(s) watched'));
    // As root with the helper built, the kernel reports the closes (the helper's --close-write mode).
    expect(JSON.stringify(capabilities.capabilities)).toContain('via fanotify close-write');

    // Written before the list, so the agent has judged them by the time the list's event arrives.
    const media = t.media();
    const few = t.copyOnto('few.csv', t.ids(5));
    asNobody('touch', path.join(media, 'empty.csv'));
    asNobody('mkfifo', path.join(media, 'pipe.csv'));
    const huge = path.join(media, 'huge.log');
    writeFileSync(path.join(t.home(), 'head.log'), `${'备注,'.repeat(4096)}\n`, { mode: 0o644 });
    asNobody('cp', path.join(t.home(), 'head.log'), huge);
    asNobody('truncate', '-s', '4G', huge);
    const list = t.copyOnto('客户名单.csv', t.ids(25));

    const event = await t.eventFor(list.copy);
    expect(event).toMatchObject({
      type: 'content',
      action: 'would-block',
      severity: 'medium',
      ruleId: 'content:bulk-pii',
      user: 'nobody',
      policySerial: serial,
      subject: { kind: 'file', channel: 'removable-media', path: list.copy, size: statSync(list.copy).size, matches: { 'cn-resident-id': 25 }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const samples = event.subject.kind === 'file' ? event.subject.samples : [];
    expect(samples).toHaveLength(5);
    for (const sample of samples) expect(sample).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(statSync(list.copy).isFile()).toBe(true);

    // The huge sparse file: read up to the byte limit, reported as not read in full, with no hash.
    const hugeEvent = await t.eventFor(huge);
    expect(hugeEvent).toMatchObject({ action: 'info', ruleId: 'content:unreadable:limit-exceeded:max-bytes', subject: { size: 4 * 1024 ** 3 } });
    expect(hugeEvent.subject.kind === 'file' && hugeEvent.subject.sha256).toBeUndefined();
    const paths = (await t.removableEvents()).map((e) => (e.subject.kind === 'file' ? e.subject.path : ''));
    expect(paths).not.toContain(few.copy);
    expect(paths).not.toContain(path.join(media, 'empty.csv'));
    expect(paths).not.toContain(path.join(media, 'pipe.csv'));
    expect(statSync(few.copy).isFile()).toBe(true);
  });

  it('quarantines the copy in enforce mode: gone from the stick, kept in the agent’s 0700 folder with its hash', async () => {
    await publish(policy('enforce', 'quarantine'));
    const list = t.copyOnto('导出-quarantine.csv', t.ids(30));
    const event = await t.eventFor(list.copy);
    expect(event).toMatchObject({ action: 'blocked', ruleId: 'content:quarantined', user: 'nobody', subject: { matches: { 'cn-resident-id': 30 } } });
    expect(() => statSync(list.copy)).toThrow(/ENOENT/);
    expect(statSync(list.source).isFile()).toBe(true);

    const quarantine = path.join(fleet.agentDir, 'quarantine');
    expect(statSync(quarantine).mode & 0o777).toBe(0o700);
    const sidecars = readdirSync(quarantine).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(path.join(quarantine, n), 'utf8')) as { originalPath: string; sha256: string });
    const sidecar = sidecars.find((s) => s.originalPath === list.copy);
    expect(sidecar?.sha256).toBe(event.subject.kind === 'file' ? event.subject.sha256 : 'missing');
    const kept = readdirSync(quarantine).filter((n) => !n.endsWith('.json'));
    expect(kept.some((n) => readFileSync(path.join(quarantine, n), 'utf8') === readFileSync(list.source, 'utf8'))).toBe(true);
    // Out of the user's reach.
    expect(spawnSync('setpriv', [...NOBODY, 'ls', quarantine]).status).not.toBe(0);
  });

  it('deletes the copy in enforce mode and leaves the original; a list under the threshold stays on the stick', async () => {
    await publish(policy('enforce', 'delete'));
    const few = t.copyOnto('few-delete.csv', t.ids(9));
    const list = t.copyOnto('导出-delete.csv', t.ids(12));
    const event = await t.eventFor(list.copy);
    expect(event).toMatchObject({ action: 'blocked', ruleId: 'content:deleted', subject: { path: list.copy, matches: { 'cn-resident-id': 12 } } });
    expect(() => statSync(list.copy)).toThrow(/ENOENT/);
    expect(statSync(list.source).isFile()).toBe(true);
    expect(statSync(few.copy).isFile()).toBe(true);
    expect((await t.removableEvents()).some((e) => e.subject.kind === 'file' && e.subject.path === few.copy)).toBe(false);

    // Through a bind mount of the stick (made by root; the write is nobody's): the event names the bind
    // mount's path and the copy is deleted there, whether the agent has read the new mount table yet
    // or only the stick's file-system mark saw the write (that case: removable-scan-control.test.ts).
    const bind = mkdtempSync('/tmp/dlp-stick-bind-');
    execFileSync('mount', ['--bind', t.media(), bind]);
    try {
      const source = path.join(t.home(), 'bind-delete.csv');
      writeFileSync(source, customerCsv(t.ids(13)), { mode: 0o644 });
      const throughBind = path.join(bind, 'bind-delete.csv');
      asNobody('cp', source, throughBind);
      const viaBind = await t.eventFor(throughBind);
      expect(viaBind).toMatchObject({ action: 'blocked', ruleId: 'content:deleted', subject: { path: throughBind, matches: { 'cn-resident-id': 13 } } });
      expect(() => statSync(path.join(t.media(), 'bind-delete.csv'))).toThrow(/ENOENT/);
    } finally {
      execFileSync('umount', [bind]);
      rmdirSync(bind);
    }

    // The raw IDs stayed on the workstation's files: not in events, logs, or the data of either side (but the quarantined file).
    const haystacks = [JSON.stringify(await t.removableEvents()), fleet.console.stderr(), fleet.agent.stderr(), fleet.agent.stdout(), ...contentsUnder(fleet.consoleDir), ...contentsUnder(fleet.agentDir, path.join(fleet.agentDir, 'quarantine'))];
    for (const id of t.allIds) for (const haystack of haystacks) expect(haystack.includes(id)).toBe(false);
  });
});
