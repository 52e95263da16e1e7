// The console side of install-in-debootstrap.sh, through the REST API as the first admin:
//   node console-admin.mjs URL PASSWORD online AGENT_ID            → the agent is online
//   node console-admin.mjs URL PASSWORD block AGENT_ID SHA256      → an enforce policy blocking SHA256 is applied by the agent
//   node console-admin.mjs URL PASSWORD blocked-event AGENT_ID SHA256 → the agent reported the blocked exec
//   node console-admin.mjs URL PASSWORD blocked-count AGENT_ID SHA256 N → exactly N blocked execs reported, no event twice
//   node console-admin.mjs URL PASSWORD agent-event AGENT_ID MESSAGE → the agent reported an `agent` event with this message
// Prints one JSON line; exits 1 when the condition is not met within 20 s.
const [baseUrl, password, command, agentId, sha256] = process.argv.slice(2);
const TIMEOUT_MS = 20_000;

async function login() {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (res.status !== 200) throw new Error(`admin login: ${res.status}`);
  const { csrfToken } = await res.json();
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrfToken };
}

async function call(session, method, path, body) {
  const headers = { cookie: session.cookie };
  if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken });
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Polls `probe` until it returns a value, or fails after TIMEOUT_MS naming `what`. */
async function waitFor(what, probe) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const agentNamed = async (session) => (await call(session, 'GET', '/api/v1/agents')).body.items.find((agent) => agent.id === agentId);

async function main() {
  const session = await login();
  if (command === 'online') {
    const agent = await waitFor(`agent ${agentId} online`, async () => ((await agentNamed(session))?.online ? agentNamed(session) : undefined));
    return { online: true, apps: agent.capabilities?.apps };
  }
  if (command === 'block') {
    const policies = (await call(session, 'GET', '/api/v1/policies')).body.items;
    const current = policies.find((policy) => policy.name === 'Default') ?? policies[0];
    const document = {
      schema: 'dlp.policy/v1',
      name: 'Default',
      mode: 'enforce',
      apps: { rules: [{ id: 'block-install-test-tool', action: 'block', kind: 'sha256', value: sha256, description: 'install test program' }] },
    };
    const published = await call(session, 'PUT', `/api/v1/policies/${current.id}`, { document });
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
    const serial = published.body.policy.serial;
    await waitFor(`agent ${agentId} to apply policy ${serial}`, async () => ((await agentNamed(session))?.policySerial === serial ? true : undefined));
    return { policySerial: serial };
  }
  if (command === 'blocked-event') {
    const event = await waitFor('the blocked event', async () => {
      const events = (await call(session, 'GET', `/api/v1/events?agentId=${agentId}&action=blocked&limit=100`)).body.items;
      return events.find((candidate) => candidate.subject?.sha256 === sha256);
    });
    return { action: event.action, ruleId: event.ruleId, method: event.subject.method, name: event.subject.name };
  }
  if (command === 'blocked-count') {
    // The helper rate-limits repeats of one block: the first is an event, the others ride on a later
    // one as `subject.suppressed`. So: execs = Σ (1 + suppressed), and every event's seq only once.
    const expected = Number(process.argv[7]);
    const blocked = async () => (await call(session, 'GET', `/api/v1/events?agentId=${agentId}&action=blocked&limit=1000`)).body.items.filter((event) => event.subject?.sha256 === sha256);
    const execsIn = (events) => events.reduce((sum, event) => sum + 1 + (event.subject.suppressed ?? 0), 0);
    const describe = (events) => JSON.stringify(events.map((event) => ({ seq: event.seq, suppressed: event.subject.suppressed ?? 0, occurredAt: event.occurredAt, pid: event.subject.pid, method: event.subject.method, id: event.id })));
    await waitFor(`${expected} blocked execs`, async () => (execsIn(await blocked()) >= expected ? true : undefined)).catch(async (err) => {
      throw new Error(`${err.message}; seen ${describe(await blocked())}`);
    });
    // A moment more: a duplicate would arrive right behind the originals.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const events = await blocked();
    const seqs = new Set(events.map((event) => event.seq));
    if (execsIn(events) !== expected || seqs.size !== events.length) throw new Error(`expected ${expected} blocked execs, each event once; got ${describe(events)}`);
    return { blockedExecs: expected, events: describe(events) };
  }
  if (command === 'agent-event') {
    const message = process.argv[6];
    const agentEvents = async () => (await call(session, 'GET', `/api/v1/events?agentId=${agentId}&type=agent&limit=100`)).body.items;
    const event = await waitFor(`the agent event "${message}"`, async () => (await agentEvents()).find((candidate) => candidate.subject?.message === message)).catch(async (err) => {
      throw new Error(`${err.message}; seen ${JSON.stringify((await agentEvents()).map((e) => e.subject?.message))}`);
    });
    return { severity: event.severity, message: event.subject.message, details: event.subject.details };
  }
  if (command === 'uninstall-code') {
    const issued = await call(session, 'POST', `/api/v1/agents/${agentId}/uninstall-codes`, { durationMinutes: 60, reason: 'install test: removal' });
    if (issued.status !== 201) throw new Error(`uninstall code: ${issued.status} ${JSON.stringify(issued.body)}`);
    return { code: issued.body.code };
  }
  throw new Error(`unknown command ${command}`);
}

main().then(
  (result) => console.log(JSON.stringify(result)),
  (err) => {
    console.log(JSON.stringify({ error: err.message }));
    process.exit(1);
  },
);
