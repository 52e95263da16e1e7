/**
 * Process entry of the agent service: `node dist/agent/service.js --config /etc/dlp/agent.json`.
 * Exit codes: 0 after SIGTERM/SIGINT, 2 for a bad command line or configuration, 3 when another
 * agent already runs on the same data dir, 1 otherwise.
 * stdout carries only the lines tests and installers wait for; logs go to stderr as JSON lines.
 *
 * `node dist/agent/service.js <status|blocks|requests|request-exception|unlock> …` instead talks to
 * the running service over its local socket as whoever runs it (employee-cli/employee-cli.ts, with
 * its exit codes); the installed `dlp-agent` command is a wrapper around this.
 */
import type { AgentConfig } from '@dlp/shared';
import { startAgent, type RunningAgent } from './agent';
import { parseCliArgs, type CliArgs } from './cli-args';
import { ConfigError, loadAgentConfig } from './core/config';
import { DataDirLockedError } from './core/data-dir-lock';
import { createJsonLogger } from './core/logger';
import { SCAN_WORKER_COMMAND } from './core/content-scan/scan-worker-protocol';
import { runScanWorker } from './core/content-scan/scan-worker';
import { isEmployeeCommand, runEmployeeCommand } from './employee-cli/employee-cli';
import { AUTHORIZE_UNINSTALL_COMMAND, runAuthorizeUninstall } from './admin-cli/authorize-uninstall';
import { ENROLL_COMMAND, runEnrollOnce } from './admin-cli/enroll-once';
import { enforcementWedged, SystemdNotifier } from './platform/linux/systemd-notify';

/** Exit code of an agent that found its data dir held by another agent process. */
const DATA_DIR_LOCKED_EXIT = 3;

async function main(): Promise<void> {
  const command = process.argv[2];
  // The agent's own child for an on-demand scan (core/content-scan): not a command for people.
  if (command === SCAN_WORKER_COMMAND) process.exit(await runScanWorker(process.stdin, process.stdout));
  const io = { out: (line: string) => void process.stdout.write(`${line}\n`), err: (line: string) => void process.stderr.write(`${line}\n`), env: process.env };
  if (isEmployeeCommand(command)) process.exit(await runEmployeeCommand(command, process.argv.slice(3), io));
  // The package's removal script (root): may this agent be removed now (an uninstall code in enforce mode)?
  if (command === AUTHORIZE_UNINSTALL_COMMAND) process.exit(await runAuthorizeUninstall(process.argv.slice(3), io));
  // The package's configure step (root): enroll now, so a refused secret fails the installation.
  if (command === ENROLL_COMMAND) process.exit(await runEnrollOnce(process.argv.slice(3), io));
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const configPath = args.configPath;
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(configPath);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.describe() : String(err)}\n`);
    process.exit(2);
  }
  const log = createJsonLogger({ level: config.logLevel });
  // Taken from the environment before the agent starts any child: only the agent speaks for the unit.
  const systemd = SystemdNotifier.fromEnv(process.env, log);
  process.on('unhandledRejection', (reason) => {
    // A bug, not an expected failure: let the service manager restart us from a clean state.
    log.error('unhandled rejection; exiting', { error: reason instanceof Error ? reason.message : String(reason) });
    process.exit(1);
  });

  let agent: RunningAgent;
  try {
    agent = await startAgent(config, { log, onEnrolled: (agentId) => process.stdout.write(`DLP_AGENT_ENROLLED agentId=${agentId}\n`) });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.describe()}\n`);
      process.exit(2);
    }
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${err.message}\n`);
      log.error('agent refused to start: data dir in use', { dataDir: err.dataDir, holderPid: err.holderPid });
      process.exit(DATA_DIR_LOCKED_EXIT);
    }
    log.error('agent failed to start', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  process.stdout.write('DLP_AGENT_READY\n');
  systemd?.ready(() => enforcementWedged(agent.capabilities()));

  const shutdown = (signal: NodeJS.Signals) => {
    log.info('stopping', { signal });
    // Both before exiting: the helper sending STOPPING=1 names this process as its sender.
    Promise.all([systemd?.stopping(), agent.stop(signal)]).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('unclean stop', { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
