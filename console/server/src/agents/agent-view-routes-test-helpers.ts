import { AGENT_CONDITIONS, AGENT_SORT_KEYS, MAX_SAVED_FILTERS, savedAgentFilterList, savedAgentFilterResponse, type AgentInfo, type AgentOverviewResponse, type AgentSummary, type AuditEntry, type Page } from '@dlp/shared';
import { AgentPeer, enrollAgent, helloAgent } from '../testing/agent-peer';
import { parseCsv } from '../testing/csv-parse';
import { createEnrollSecret, type TestConsole } from '../testing/test-console';
import { createTestApiToken, createTestUser } from '../testing/test-users';
import { BearerClient } from '../testing/rest-client';

const HOSTS: readonly AgentInfo[] = [
  { hostname: 'ws-交易-02', os: 'linux', osVersion: 'Debian 12', agentVersion: '0.9.0', user: '张三' },
  { hostname: 'ws-交易-01', os: 'linux', osVersion: 'Debian 12', agentVersion: '0.9.0', user: '=cmd|" /C calc"!A0' },
  { hostname: 'kiosk, "lobby"', os: 'windows', osVersion: '10.0.19045', agentVersion: '0.9.1', user: 'bob' },
];

/**
 * The agent table's saved filters and CSV export (issue 17 item 1) against one database engine:
 * saved sets are each person's own (list, replace by name, delete; another person's are not
 * found), validated, bounded, and refused to API tokens; the export streams UTF-8 with BOM in the
 * table's filters and order, in the reader's language, formulas neutralised, and is audited.
 */
export function describeAgentViewRoutes(engine: string, start: () => Promise<TestConsole>, stop: (t: TestConsole) => Promise<void>): void {
  describe(`agent table views (${engine})`, () => {
    let t: TestConsole;
    const peers: AgentPeer[] = [];
    beforeEach(async () => {
      t = await start();
    });
    afterEach(async () => {
      for (const peer of peers.splice(0)) peer.close();
      await stop(t);
    });

    it('keeps each person’s saved filters: save, replace by name, list by name, delete; others see none of them', async () => {
      const officer = await createTestUser(t, 'officer');
      const first = await t.admin.json('POST', '/api/v1/agents/saved-filters', { name: '  Windows kiosks ', filters: { os: 'windows', search: 'kiosk', sort: 'lastSeen', order: 'desc' } });
      expect(first.status).toBe(201);
      const saved = savedAgentFilterResponse.parse(first.body).filter;
      expect(saved).toMatchObject({ name: 'Windows kiosks', filters: { os: 'windows', search: 'kiosk', sort: 'lastSeen', order: 'desc' } });
      expect((await t.admin.json('POST', '/api/v1/agents/saved-filters', { name: 'Alle fehlgeschlagen', filters: { condition: 'policy-failed' } })).status).toBe(201);

      // The same name again replaces the set (same id), it does not add one.
      const replaced = await t.admin.json('POST', '/api/v1/agents/saved-filters', { name: 'Windows kiosks', filters: { os: 'windows', groupId: 'default' } });
      expect(replaced.status).toBe(200);
      expect(savedAgentFilterResponse.parse(replaced.body).filter).toMatchObject({ id: saved.id, createdAt: saved.createdAt, filters: { os: 'windows', groupId: 'default' } });
      const listed = savedAgentFilterList.parse((await t.admin.json('GET', '/api/v1/agents/saved-filters')).body).items;
      expect(listed.map((filter) => [filter.name, filter.filters])).toEqual([
        ['Alle fehlgeschlagen', { condition: 'policy-failed' }],
        ['Windows kiosks', { os: 'windows', groupId: 'default' }],
      ]);

      // Another person: an empty list, and the admin's filter cannot be deleted (not found).
      expect(savedAgentFilterList.parse((await officer.client.json('GET', '/api/v1/agents/saved-filters')).body).items).toEqual([]);
      expect(await officer.client.json('DELETE', `/api/v1/agents/saved-filters/${saved.id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await officer.client.json('POST', '/api/v1/agents/saved-filters', { name: 'Windows kiosks', filters: { os: 'linux' } })).status).toBe(201);

      expect((await t.admin.json('DELETE', `/api/v1/agents/saved-filters/${saved.id}`)).status).toBe(204);
      expect((await t.admin.json('DELETE', `/api/v1/agents/saved-filters/${saved.id}`)).status).toBe(404);
      expect(savedAgentFilterList.parse((await t.admin.json('GET', '/api/v1/agents/saved-filters')).body).items.map((filter) => filter.name)).toEqual(['Alle fehlgeschlagen']);
      expect(savedAgentFilterList.parse((await officer.client.json('GET', '/api/v1/agents/saved-filters')).body).items.map((filter) => filter.filters)).toEqual([{ os: 'linux' }]);
    });

    it('refuses bad names and filters, more than the limit, and API tokens', async () => {
      const bad = [
        { name: '', filters: {} },
        { name: '   ', filters: {} },
        { name: 'x'.repeat(81), filters: {} },
        { name: 'tab\there', filters: {} },
        { name: 'ok', filters: { condition: 'green' } },
        { name: 'ok', filters: { os: 'beos' } },
        { name: 'ok', filters: { groupId: 'a b' } },
        { name: 'ok', filters: { limit: 5 } },
        { name: 'ok', filters: {}, extra: true },
      ];
      for (const body of bad) {
        const res = await t.admin.json('POST', '/api/v1/agents/saved-filters', body);
        expect({ body, status: res.status, error: (res.body as { error?: string }).error }).toEqual({ body, status: 400, error: 'invalid_request' });
      }
      expect((await t.admin.json('DELETE', '/api/v1/agents/saved-filters/not%20an%20id')).status).toBe(400);

      for (let n = 0; n < MAX_SAVED_FILTERS; n++) {
        expect((await t.admin.json('POST', '/api/v1/agents/saved-filters', { name: `filter ${n}`, filters: { search: `ws-${n}` } })).status).toBe(201);
      }
      expect(await t.admin.json('POST', '/api/v1/agents/saved-filters', { name: 'one too many', filters: {} })).toMatchObject({ status: 409, body: { error: 'saved_filters_full' } });
      // Replacing one that exists is still allowed at the limit.
      expect((await t.admin.json('POST', '/api/v1/agents/saved-filters', { name: 'filter 0', filters: { os: 'macos' } })).status).toBe(200);

      const token = new BearerClient(t.console.url, await createTestApiToken(t, 'admin'));
      expect((await token.json('GET', '/api/v1/agents/saved-filters')).status).toBe(403);
      expect((await token.json('POST', '/api/v1/agents/saved-filters', { name: 'robot', filters: {} })).status).toBe(403);
    });

    it('pages the table (sorted and filtered in SQL) in the export’s order, and counts each condition as the list filters it', async () => {
      const secret = await createEnrollSecret(t.admin);
      for (const info of HOSTS) {
        const creds = await enrollAgent(t.console.agentUrl, secret, info);
        if (info.os === 'linux') peers.push(await helloAgent(t.console.agentUrl, creds, null, info));
      }
      const hostsOf = async (query: string): Promise<{ hosts: (string | undefined)[]; total: number | undefined }> => {
        const page = (await t.admin.json<Page<AgentSummary> & { total?: number }>('GET', `/api/v1/agents?${query}`)).body;
        return { hosts: page.items.map((agent) => agent.info.hostname), total: page.total };
      };
      for (const sort of AGENT_SORT_KEYS) {
        for (const order of ['asc', 'desc']) {
          // The export filters and sorts every agent in memory: the definition the SQL must follow.
          const csv = parseCsv(Buffer.from(await (await t.admin.call('GET', `/api/v1/agents/export.csv?sort=${sort}&order=${order}`)).arrayBuffer()).toString('utf8').slice(1));
          const exported = csv.slice(1).map((row) => row[0]);
          expect({ sort, order, ...(await hostsOf(`sort=${sort}&order=${order}&offset=0&limit=10`)) }).toEqual({ sort, order, hosts: exported, total: 3 });
          expect({ sort, order, ...(await hostsOf(`sort=${sort}&order=${order}&offset=1&limit=1`)) }).toEqual({ sort, order, hosts: exported.slice(1, 2), total: 3 });
        }
      }
      const overview = (await t.admin.json<AgentOverviewResponse>('GET', '/api/v1/agents/overview')).body;
      expect(overview.total).toBe(3);
      for (const condition of AGENT_CONDITIONS) {
        const listed = await hostsOf(`condition=${condition}&offset=0&limit=10`);
        expect({ condition, count: overview.counts[condition] }).toEqual({ condition, count: listed.total });
        expect({ condition, rows: listed.hosts.length }).toEqual({ condition, rows: listed.total });
      }
      // Never connected, no report: pending its group's policy, offline since ever; the other two pending too.
      expect(overview.counts['offline-24h']).toBe(1);
      expect(overview.counts['policy-pending']).toBe(3);
    });

    it('exports the filtered, sorted list as CSV with a BOM, in the reader’s language, audited', async () => {
      const secret = await createEnrollSecret(t.admin);
      for (const info of HOSTS) {
        const creds = await enrollAgent(t.console.agentUrl, secret, info);
        if (info.os === 'linux') peers.push(await helloAgent(t.console.agentUrl, creds, null, info));
      }
      const auditor = await createTestUser(t, 'auditor', '审计员');
      const res = await auditor.client.call('GET', '/api/v1/agents/export.csv?os=linux&sort=host&order=asc&tz=Asia%2FShanghai&lang=zh-CN');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="agents-\d{4}-\d{2}-\d{2}\.csv"$/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(bytes.toString('utf8').slice(1));
      expect(rows[0]).toEqual(['主机', '用户', '操作系统', '系统版本', '代理版本', '分组', '状态', '最后在线 (UTC)', '最后在线 (Asia/Shanghai)', '策略', '策略序号', '应执行序号', '拒绝原因', '控制', '篡改 (24 小时)', '绕过 (24 小时)', '时钟偏差 (毫秒)', '注册时间 (UTC)', '终端 ID']);
      // The Windows kiosk is filtered out; the two Linux hosts by name; a formula is neutralised.
      expect(rows.slice(1).map((row) => row.slice(0, 7))).toEqual([
        ['ws-交易-01', `'=cmd|" /C calc"!A0`, 'linux', 'Debian 12', '0.9.0', 'default', '在线'],
        ['ws-交易-02', '张三', 'linux', 'Debian 12', '0.9.0', 'default', '在线'],
      ]);
      expect(rows[1]?.[8]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\+08:00$/);
      // Words of the table: the default group's policy (serial 1) not yet applied; no capability report.
      expect(rows[1]?.slice(9, 16)).toEqual(['未应答', '', '1', '', '未上报', '否', '否']);

      // English by default, every agent, quoted fields where a comma or quote needs it.
      const englishBytes = Buffer.from(await (await t.admin.call('GET', '/api/v1/agents/export.csv?sort=host&order=desc')).arrayBuffer());
      const english = parseCsv(englishBytes.toString('utf8').slice(1));
      expect(english[0]?.slice(0, 9)).toEqual(['Host', 'User', 'OS', 'OS version', 'Agent version', 'Group', 'Status', 'Last seen (UTC)', 'Last seen (UTC)']);
      expect(english.slice(1).map((row) => [row[0], row[6]])).toEqual([
        ['ws-交易-02', 'Online'],
        ['ws-交易-01', 'Online'],
        ['kiosk, "lobby"', 'Offline'],
      ]);

      const audit = (await t.admin.json<Page<AuditEntry>>('GET', '/api/v1/audit?limit=20')).body.items.filter((entry) => entry.action === 'agents.export');
      expect(audit.map((entry) => [entry.actor.kind === 'user' ? entry.actor.username : entry.actor.system, entry.after])).toEqual([
        ['admin', { filters: { sort: 'host', order: 'desc' }, rows: 3 }],
        ['审计员', { filters: { os: 'linux', sort: 'host', order: 'asc' }, rows: 2 }],
      ]);
      expect((await t.admin.json('GET', '/api/v1/agents/export.csv?tz=Mars%2FOlympus')).status).toBe(400);
      expect((await t.admin.json('GET', '/api/v1/agents/export.csv?lang=fr')).status).toBe(400);
      expect((await t.admin.json('GET', '/api/v1/agents/export.csv?offset=5')).status).toBe(400);
    });
  });
}
