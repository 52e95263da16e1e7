import { PROTOCOL_VERSION, sampleEvent } from '@dlp/shared';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { enrollAgent, helloAgent, type AgentPeer } from '../../console/server/src/testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../../console/server/src/testing/test-console';
import { waitFor } from '../../console/server/src/testing/wait-for';

/**
 * Alerts reach a real syslog daemon: Debian's rsyslogd, started by this test with its own config
 * (no system sockets: no imuxsock, no imklog), receiving on loopback over UDP (imudp) and TCP
 * (imtcp, octet-counted frames), writing what it parsed to a file in the test's temp dir.
 */
const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((candidate) => existsSync(candidate)) ?? 'rsyslogd';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One line per message: which input got it, the RFC 5424 header fields as rsyslog parsed them, and the MSG. */
function rsyslogConfig(dir: string, udpPort: number, tcpPort: number): string {
  return `
global(workDirectory="${dir}" maxMessageSize="16k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="${udpPort}")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
template(name="fields" type="string" string="input=%inputname% pri=%pri% version=%protocol-version% host=%hostname% app=%app-name% procid=%procid% msgid=%msgid% sd=%structured-data% msg=%msg%\\n")
*.* action(type="omfile" file="${path.join(dir, 'received.log')}" template="fields")
`;
}

interface Line {
  input: string;
  pri: string;
  version: string;
  host: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
}

function parseLine(line: string): Line | undefined {
  const m = /^input=(\S+) pri=(\S+) version=(\S+) host=(\S+) app=(\S+) procid=(\S+) msgid=(\S+) sd=(\S+) msg=(.*)$/.exec(line);
  if (!m) return undefined;
  const [, input = '', pri = '', version = '', host = '', app = '', procid = '', msgid = '', sd = '', msg = ''] = m;
  return { input, pri, version, host, app, procid, msgid, sd, msg };
}

describe('end to end: alerts to a real rsyslogd over UDP and TCP', () => {
  let dir = '';
  let rsyslogd: ChildProcess | undefined;
  let t: TestConsole | undefined;
  let peer: AgentPeer | undefined;
  let udpPort = 0;
  let tcpPort = 0;
  let stderr = '';

  const lines = (): Line[] => {
    const file = path.join(dir, 'received.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .map(parseLine)
      .filter((l): l is Line => l !== undefined);
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dlp-rsyslog-'));
    udpPort = await freePort();
    tcpPort = await freePort();
    const conf = path.join(dir, 'rsyslog.conf');
    writeFileSync(conf, rsyslogConfig(dir, udpPort, tcpPort));
    rsyslogd = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    rsyslogd.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    rsyslogd.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await waitFor(`rsyslogd to listen on TCP ${tcpPort} (${stderr})`, () => tcpAccepts(tcpPort), 15_000);
    t = await startTestConsole();
    const creds = await enrollAgent(t.console.agentUrl, await createEnrollSecret(t.admin));
    peer = await helloAgent(t.console.agentUrl, creds);
  }, 60_000);

  afterAll(async () => {
    peer?.close();
    await t?.stop();
    if (rsyslogd && rsyslogd.exitCode === null) {
      const exited = new Promise((resolve) => rsyslogd?.once('exit', resolve));
      rsyslogd.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers RFC 5424 messages with CEF payloads over UDP and TCP (octet counting)', async () => {
    if (!t || !peer) throw new Error('not started');
    const admin = t.admin;
    const destinations: Record<'udp' | 'tcp', string> = { udp: '', tcp: '' };
    for (const protocol of ['udp', 'tcp'] as const) {
      const res = await admin.json<{ destination: { id: string } }>('POST', '/api/v1/alerts/destinations', {
        name: `rsyslog ${protocol}`,
        config: { kind: 'syslog', host: '127.0.0.1', port: protocol === 'udp' ? udpPort : tcpPort, protocol, facility: 13 },
      });
      expect(res.status).toBe(201);
      destinations[protocol] = res.body.destination.id;
    }
    // UDP sent before imudp is bound is lost without a trace: send test alerts until one arrives.
    await waitFor('a UDP test alert in rsyslog', async () => {
      await admin.json('POST', `/api/v1/alerts/destinations/${destinations.udp}/test`);
      return lines().some((l) => l.input === 'imudp');
    }, 15_000);

    const rule = await admin.json<{ id: string }>('POST', '/api/v1/alerts/rules', {
      name: 'PII | 个人信息 = found \\ here',
      severity: 'critical',
      params: { kind: 'content' },
      destinationIds: [destinations.udp, destinations.tcp],
    });
    expect(rule.status).toBe(201);
    peer.send({
      v: PROTOCOL_VERSION,
      type: 'events',
      events: [sampleEvent({ seq: 1, type: 'content', action: 'blocked', host: 'ws-test-01', subject: { kind: 'file', path: '/media/usb/clients.xlsx', matches: { 'cn-id': 12 }, samples: [] } })],
    });
    await peer.next('ack');

    const alerts = await waitFor('the content alert over UDP and TCP', () => {
      const got = lines().filter((l) => l.msgid === 'content');
      return got.some((l) => l.input === 'imudp') && got.some((l) => l.input === 'imtcp') && got;
    }, 15_000);
    expect(alerts).toHaveLength(2);
    for (const line of alerts) {
      // PRI 106 = facility 13 (log audit) × 8 + severity 2 (critical); rsyslog shows the decimal value.
      expect(line).toMatchObject({ pri: '106', version: '1', app: 'dlp-console', procid: String(process.pid), sd: '-' });
      expect(line.msg.startsWith('CEF:0|DLP|Endpoint DLP Console|0.1.0|content|Personal data detected on ws-test-01|10|')).toBe(true);
      expect(line.msg).toContain(`cs2=${rule.body.id}`);
      expect(line.msg).toContain('cs1=PII | 个人信息 \\= found \\\\ here');
      expect(line.msg).toContain('shost=ws-test-01');
      expect(line.msg).toContain('cat=content');
    }
    // A second alert on the same TCP connection: octet counting keeps the two messages apart.
    await admin.json('POST', '/api/v1/alerts/rules', { name: 'tampering', params: { kind: 'policy-tampering' }, destinationIds: [destinations.tcp] });
    peer.send({
      v: PROTOCOL_VERSION,
      type: 'events',
      events: [sampleEvent({ seq: 2, type: 'policy', action: 'blocked', ruleId: null, host: 'ws-test-01', subject: { kind: 'policy', reason: 'pushed policy refused: bad signature' } })],
    });
    await peer.next('ack', 1);
    const tcpLines = await waitFor('two alerts over TCP', () => {
      const got = lines().filter((l) => l.input === 'imtcp');
      return got.length >= 2 && got;
    });
    expect(tcpLines.map((l) => [l.msgid, l.pri])).toEqual([
      ['content', '106'],
      ['policy-tampering', '107'],
    ]);
    expect(tcpLines[1]?.msg).toMatch(/^CEF:0\|DLP\|Endpoint DLP Console\|0\.1\.0\|policy-tampering\|Policy tampering reported by ws-test-01\|8\|/);

    const stats = await admin.json<{ items: Array<{ name: string; sent: number; failed: number }> }>('GET', '/api/v1/alerts/delivery-stats');
    expect(stats.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'rsyslog udp', sent: 1, failed: 0 }), expect.objectContaining({ name: 'rsyslog tcp', sent: 2, failed: 0 })]),
    );
  });
});
