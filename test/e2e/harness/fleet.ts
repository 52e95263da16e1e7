import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentConfigInput, AgentSummary, PolicyDetail, PolicyDocumentInput, StoredEvent } from '@dlp/shared';
import { RestClient } from '../../../console/server/src/testing/rest-client';
import { waitFor } from '../../../console/server/src/testing/wait-for';
import { startAgent, startConsole, type ConsoleProcess, type RunningProcess } from './processes';

export const ADMIN_PASSWORD = 'e2e admin password 2026';
export const ENROLL_SECRET = 'e2e-enroll-secret-0123456789abcdef';

export interface FleetOptions {
  /**
   * The agent's app control. Default: the /proc scanner (after-start kills), which is what most
   * e2e tests exercise; pre-exec tests pass `fanotify` with marks on a tmpfs of their own. Never
   * `auto` or marks `all` in tests: every exec on this machine would be judged. A function gets
   * the fleet, so marks can name its folders.
   */
  appControl?: AgentConfigInput['appControl'] | ((fleet: Fleet) => AgentConfigInput['appControl']);
  /** More console command-line flags (e.g. `--demo-rule`). */
  consoleArgs?: readonly string[];
}

/** A real console process and a real agent process enrolled to it, each with its own temp data dir. */
export class Fleet {
  console!: ConsoleProcess;
  agent!: RunningProcess;
  admin!: RestClient;
  agentId = '';
  readonly root = mkdtempSync(path.join(tmpdir(), 'dlp-e2e-'));
  readonly consoleDir = path.join(this.root, 'console');
  readonly agentDir = path.join(this.root, 'agent');
  readonly programsDir = path.join(this.root, 'programs');

  constructor(private readonly options: FleetOptions = {}) {}

  async start(): Promise<void> {
    await this.startConsole();
    await this.startAgent();
    this.agentId = (await this.waitForAgent('the agent to enroll and come online', (a) => a.online)).id;
  }

  async startConsole(port = 0): Promise<void> {
    this.console = await startConsole({ dataDir: this.consoleDir, port, adminPassword: ADMIN_PASSWORD, enrollSecret: ENROLL_SECRET, args: this.options.consoleArgs ?? [] });
    this.admin = new RestClient(this.console.url);
    const login = await this.admin.login('admin', ADMIN_PASSWORD);
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  }

  async startAgent(): Promise<void> {
    this.agent = await startAgent({
      consoleUrl: `ws://127.0.0.1:${this.console.port}/agent`,
      enrollSecret: ENROLL_SECRET,
      dataDir: this.agentDir,
      scanIntervalMs: 50,
      appControl: (typeof this.options.appControl === 'function' ? this.options.appControl(this) : this.options.appControl) ?? { method: 'proc-scan' },
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.agent?.stop(), this.console?.stop()]);
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Waits until the (only) agent matches `predicate`, as seen through the REST API. */
  async waitForAgent(what: string, predicate: (agent: AgentSummary) => boolean, timeoutMs = 20_000): Promise<AgentSummary> {
    return waitFor(
      what,
      async () => {
        const res = await this.admin.json<{ items: AgentSummary[] }>('GET', '/api/v1/agents');
        const agent = res.body.items[0];
        return agent && predicate(agent) ? agent : undefined;
      },
      timeoutMs,
    );
  }

  /** Publishes a new version of the Default policy and waits until the agent has applied it. */
  async publishDefault(document: PolicyDocumentInput): Promise<number> {
    const list = await this.admin.json<{ items: Array<{ id: string; name: string }> }>('GET', '/api/v1/policies');
    const current = list.body.items.find((p) => p.name === 'Default') ?? list.body.items[0];
    if (!current) throw new Error('no policy to update');
    const res = await this.admin.json<{ policy: { serial: number } }>('PUT', `/api/v1/policies/${current.id}`, { document });
    if (res.status !== 200) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
    const serial = res.body.policy.serial;
    await this.waitForAgent(`the agent to apply policy serial ${serial}`, (a) => a.policySerial === serial);
    return serial;
  }

  async defaultPolicy(): Promise<PolicyDetail> {
    const list = await this.admin.json<{ items: Array<{ id: string }> }>('GET', '/api/v1/policies');
    const id = list.body.items[0]?.id ?? '';
    return (await this.admin.json<PolicyDetail>('GET', `/api/v1/policies/${id}`)).body;
  }

  /** All stored events matching `query` (a query string), following cursors. */
  async events(query = ''): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let cursor: string | null = null;
    do {
      const sep = query ? '&' : '';
      const res: { status: number; body: { items: StoredEvent[]; nextCursor: string | null } } = await this.admin.json('GET', `/api/v1/events?${query}${sep}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      if (res.status !== 200) throw new Error(`events query failed: ${res.status} ${JSON.stringify(res.body)}`);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }
}

/** An enforce policy that blocks one program by content. */
export function blockBySha256(sha256: string, mode: 'enforce' | 'monitor' = 'enforce'): PolicyDocumentInput {
  return {
    schema: 'dlp.policy/v1',
    name: 'Default',
    mode,
    apps: { rules: [{ id: 'block-e2e-tool', action: 'block', kind: 'sha256', value: sha256, description: 'e2e test program' }] },
  };
}

export { waitFor };
