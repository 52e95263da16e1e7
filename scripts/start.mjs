// `npm start`: runs the console and, unless --no-agent, a local agent enrolled to it in monitor mode.
// Everything lives under ./data (or --data-dir); stop with Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    'no-agent': { type: 'boolean', default: false },
    // auto | fanotify | proc-scan: how the local agent blocks applications (see README).
    'agent-app-control': { type: 'string', default: 'auto' },
    port: { type: 'string', default: process.env.DLP_PORT ?? '8080' },
    host: { type: 'string', default: process.env.DLP_HOST ?? '127.0.0.1' },
    'data-dir': { type: 'string', default: process.env.DLP_DATA_DIR ?? path.join(root, 'data') },
  },
});

const dataDir = path.resolve(flags['data-dir']);
const consoleDir = path.join(dataDir, 'console');
const agentDir = path.join(dataDir, 'agent');
mkdirSync(consoleDir, { recursive: true, mode: 0o700 });

/** The local agent's enroll secret is created once and kept (mode 0600) so restarts reuse it. */
function localEnrollSecret() {
  const file = path.join(dataDir, 'local-enroll-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const children = new Set();
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all([...children].map((c) => new Promise((r) => c.once('exit', r)))).then(() => process.exit(code));
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function run(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping.`);
      stopAll(code || 1);
    }
  });
  return child;
}

const secret = flags['no-agent'] ? undefined : localEnrollSecret();
// --demo-rule: a new console's first policy reports a program named dlp-demo-blocked (monitor mode),
// so the banner below can name one command that makes a first event.
const consoleProc = run('console', ['dist/console/server.js', '--data-dir', consoleDir, '--port', flags.port, '--host', flags.host, '--demo-rule'], secret ? { DLP_LOCAL_ENROLL_SECRET: secret } : {});

let buffered = '';
consoleProc.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk.toString();
  const match = /DLP_CONSOLE_LISTENING url=(\S+)/.exec(buffered);
  if (match && buffered !== null) {
    buffered = null;
    onConsoleReady(match[1]);
  }
});

function onConsoleReady(url) {
  console.log(`\nConsole: ${url}  (log in as admin; the first-start password is printed above, once)`);
  if (!secret) {
    console.log('Local agent: off (--no-agent)');
    return;
  }
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const configPath = path.join(agentDir, 'agent.json');
  const config = {
    consoleUrl: `${url.replace(/^http/, 'ws')}/agent`,
    enrollSecret: secret,
    dataDir: agentDir,
    appControl: { method: flags['agent-app-control'] },
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const agent = run('agent', ['dist/agent/service.js', '--config', configPath]);
  agent.stdout.on('data', (chunk) => process.stdout.write(chunk));
  console.log('Local agent: starting in monitor mode (reports what it would block, never blocks)');
  console.log('First event: run   cp /bin/sleep /tmp/dlp-demo-blocked && /tmp/dlp-demo-blocked 3');
  console.log(`             then open ${url}/#/events: a "would block" event for dlp-demo-blocked appears within seconds`);
  console.log('             (rule "demo-first-event" of the Default policy; delete it there when you are done)');
}
