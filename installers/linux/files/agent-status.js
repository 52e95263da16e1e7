// `dlp-agent diagnose` (root): what the agent's own files say, read without talking to the service,
// so it also answers when the service is down (`dlp-agent status` asks the running service). Runs
// on the bundled Node.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const configPath = process.argv[2] ?? '/etc/dlp/agent.json';

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return err.code === 'ENOENT' ? null : { unreadable: err.code ?? err.message };
  }
}

function processAlive(pid) {
  return Number.isInteger(pid) && pid > 0 && fs.existsSync(`/proc/${pid}`);
}

function newestFile(dir) {
  let names;
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return null;
  }
  let newest = null;
  for (const name of names) {
    const mtimeMs = fs.statSync(path.join(dir, name)).mtimeMs;
    if (!newest || mtimeMs > newest.mtimeMs) newest = { name, mtimeMs };
  }
  return newest;
}

const config = readJson(configPath);
if (config === null) {
  console.log(`configured: no (${configPath} does not exist; write /etc/dlp/agent.conf and run: dlp-agent configure)`);
  process.exit(3);
}
if (config.unreadable) {
  console.log(`configured: ${configPath} cannot be read (${config.unreadable}); run as root`);
  process.exit(4);
}
console.log(`configured: yes (console ${config.consoleUrl}, data in ${config.dataDir})`);
const credentials = readJson(path.join(config.dataDir, 'credentials.json'));
console.log(credentials && !credentials.unreadable ? `enrolled: yes (agent ${credentials.agentId}, since ${credentials.enrolledAt}, console key ${credentials.consoleKey?.keyId})` : 'enrolled: not yet');
const pid = Number.parseInt((() => {
  try {
    return fs.readFileSync(path.join(config.dataDir, 'agent.pid'), 'utf8');
  } catch {
    return '';
  }
})(), 10);
console.log(processAlive(pid) ? `running: yes (pid ${pid})` : 'running: no');
const policy = newestFile(path.join(config.dataDir, 'policies'));
console.log(policy ? `last good policy on disk: ${policy.name} (${new Date(policy.mtimeMs).toISOString()})` : 'last good policy on disk: none (monitor mode, no rules)');
process.exit(processAlive(pid) ? 0 : 1);
