import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyDocument, type GroupSummary, type PolicyDetail, type PolicySummary } from '@dlp/shared';
import { parse as parseYaml } from 'yaml';
import { createConsole } from '../app';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { selfSignedPaths } from '../tls/console-tls';
import { enrollAgent } from '../testing/agent-peer';
import { createMemoryLogger } from '../testing/memory-logger';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { createTestApiToken } from '../testing/test-users';
import { runCli } from './dlp-commands';

const POLICY_YAML = `schema: dlp.policy/v1
name: Trading floor
mode: monitor
apps:
  defaultAction: allow
  rules:
    - id: no-netcat
      action: block
      kind: name
      value: nc
usb:
  defaultAction: block
`;

describe('dlp policy-as-code commands', () => {
  let t: TestConsole;
  let dir: string;
  let out: string[];
  let err: string[];
  let token: string;
  const io = () => ({ out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), env: { DLP_API_TOKEN: token }, logger: createMemoryLogger() });
  const cli = (...args: string[]) => runCli([...args, '--url', t.console.url, ...(t.console.url.startsWith('https') ? ['--ca', selfSignedPaths(t.dataDir).cert] : [])], io());

  async function setUp(selfSignedTls: boolean): Promise<void> {
    t = await startTestConsole(selfSignedTls ? { selfSignedTls } : {});
    token = await createTestApiToken(t, 'admin');
  }
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-cli-'));
    out = [];
    err = [];
  });
  afterEach(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a YAML policy (create, then draft, then publish) and exports it back', async () => {
    await setUp(false);
    const file = path.join(dir, 'trading.yaml');
    writeFileSync(file, POLICY_YAML);
    expect(await cli('policy', 'apply', file)).toBe(0);
    expect(out.pop()).toMatch(/^Created policy "Trading floor" \S+ as version 1/);

    writeFileSync(file, POLICY_YAML.replace('mode: monitor', 'mode: enforce'));
    expect(await cli('policy', 'apply', file)).toBe(0);
    expect(out.pop()).toMatch(/^Saved draft \S+ of "Trading floor" \(current version 1\)/);
    expect(await cli('policy', 'apply', file, '--publish')).toBe(0);
    expect(out.pop()).toMatch(/^Published "Trading floor" version 2 \(serial \d+\) to 0 group\(s\)$/);

    const policies = await t.admin.json<{ items: PolicySummary[] }>('GET', '/api/v1/policies');
    const trading = policies.body.items.find((p) => p.name === 'Trading floor');
    expect(trading).toMatchObject({ version: 2, mode: 'enforce' });
    const detail = await t.admin.json<PolicyDetail>('GET', `/api/v1/policies/${trading?.id}`);

    expect(await cli('policy', 'export', 'Trading floor')).toBe(0);
    expect(policyDocument.parse(parseYaml(out.pop() ?? ''))).toEqual(detail.body.document);
    expect(await cli('policy', 'export', 'Trading floor', '--format', 'json')).toBe(0);
    expect(JSON.parse(out.pop() ?? '')).toEqual(detail.body.document);
    expect(await cli('policy', 'export', 'Nope')).toBe(1);
    expect(err.pop()).toBe('no policy named Nope');
  });

  it('refuses an invalid policy file with the field paths, before calling the console', async () => {
    await setUp(false);
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, POLICY_YAML.replace('kind: name', 'kind: sha256'));
    token = '';
    expect(await cli('policy', 'apply', file)).toBe(2);
    expect(err.pop()).toMatch(/is not a valid policy:\n {2}apps\.rules\.0\.value: sha256 rules need 64 lowercase hex characters/);
    writeFileSync(file, 'name: [unclosed');
    expect(await cli('policy', 'apply', file)).toBe(2);
    expect(err.pop()).toMatch(/is not valid YAML/);
    expect(await cli('policy', 'frobnicate')).toBe(2);
    expect(await runCli(['policy', 'apply', path.join(dir, 'missing.json'), '--bogus'], io())).toBe(2);
  });

  it('creates an enroll secret for a group over HTTPS with the console’s self-signed certificate', async () => {
    // Set up over plain HTTP (the test client cannot trust a private certificate), then restart the
    // same console with a self-signed certificate and use the CLI over HTTPS.
    await setUp(false);
    const group = await t.admin.json<{ group: GroupSummary }>('POST', '/api/v1/groups', { name: 'Branch 7' });
    await t.console.close();
    const running = await createConsole({ dataDir: t.dataDir, selfSignedTls: true, logger: createMemoryLogger(), announce: () => undefined });
    t = { ...t, console: running };
    expect(running.url).toMatch(/^https:/);

    expect(await cli('enroll-secret', 'create', '--group', 'Branch 7')).toBe(0);
    const secret = /^Enroll secret "group Branch 7" for group Branch 7: (\S+) {2}\(shown once\)$/.exec(out.pop() ?? '')?.[1] ?? '';
    const enrolled = await enrollAgent(running.agentUrl, secret, undefined, { ca: readFileSync(selfSignedPaths(t.dataDir).cert) });
    expect(await cli('enroll-secret', 'create', '--group', 'Nowhere')).toBe(1);
    expect(err.pop()).toMatch(/^no group named Nowhere/);
    // Without the certificate to trust, nothing is sent to an unverified server.
    expect(await runCli(['enroll-secret', 'create', '--group', 'Branch 7', '--url', running.url], io())).toBe(1);
    expect(err.pop()).toMatch(/self[- ]signed/i);
    await running.close();
    const store = await openSqliteStore({ path: path.join(t.dataDir, 'console.sqlite') });
    expect((await store.agents.findById(enrolled.agentId))?.groupId).toBe(group.body.group.id);
    await store.close();
  });
});
