/**
 * Runs an ExecGuard in a process of its own, so tests can stop that whole process (SIGSTOP) or
 * block its main thread, as can happen to the real agent. Bundled with esbuild by the tests.
 * Configuration comes as JSON in DLP_GUARD_CHILD_CONFIG; commands arrive as JSON lines on stdin;
 * everything the guard reports goes out as JSON lines on stdout.
 */
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { appsSection } from '@dlp/shared';
import { z } from 'zod';
import { ExecGuard } from '../exec-guard';

const childConfig = z.object({
  helperPath: z.string(),
  mountPoint: z.string(),
  apps: z.unknown(),
  reportIntervalMs: z.number().int().min(0),
});
const childCommand = z.discriminatedUnion('op', [
  z.object({ op: z.literal('stop-helper-then-spawn'), file: z.string() }),
  z.object({ op: z.literal('status') }),
  z.object({ op: z.literal('stats') }),
  z.object({ op: z.literal('busy'), ms: z.number().int().min(0) }),
  z.object({ op: z.literal('exit') }),
]);

function say(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const config = childConfig.parse(JSON.parse(process.env.DLP_GUARD_CHILD_CONFIG ?? '{}'));
  const guard = new ExecGuard({
    helperPath: config.helperPath,
    marks: [config.mountPoint],
    statsIntervalMs: 0,
    reportIntervalMs: config.reportIntervalMs,
  });
  guard.on('decision', (decision) => say({ event: 'decision', decision }));
  guard.on('restarted', (restart) => say({ event: 'restarted', restart }));
  guard.on('problem', (problem) => say({ event: 'problem', problem }));
  await guard.applyPolicy(appsSection.parse(config.apps), 'enforce');
  await guard.start();
  say({ event: 'ready', helperPid: guard.status().helperPid });

  const commands = createInterface({ input: process.stdin });
  // Detached from the test's process group: end with the test process, whose pipe this is.
  commands.on('close', () => void guard.stop().then(() => process.exit(0)));
  commands.on('line', (line) => {
    const command = childCommand.parse(JSON.parse(line));
    if (command.op === 'stop-helper-then-spawn') {
      const helperPid = guard.status().helperPid;
      if (helperPid !== null) process.kill(helperPid, 'SIGSTOP');
      // spawnSync blocks this thread until the exec is decided: only the backstop can help now.
      const result = spawnSync(command.file, [], { timeout: 30_000 });
      say({ event: 'spawned', status: result.status, error: (result.error as NodeJS.ErrnoException | undefined)?.code ?? null });
    } else if (command.op === 'busy') {
      // Synchronous work: this thread runs (state R) but hears nothing from the helper meanwhile.
      const until = Date.now() + command.ms;
      while (Date.now() < until) {
        // spin
      }
      say({ event: 'idle-again' });
    } else if (command.op === 'stats') {
      // Answered after every report written before it, so the caller's count is complete.
      guard.stats().then(
        (stats) => say({ event: 'stats', stats }),
        (error: unknown) => say({ event: 'stats', error: String(error) }),
      );
    } else if (command.op === 'status') {
      say({ event: 'status', status: guard.status() });
    } else {
      void guard.stop().then(() => process.exit(0));
    }
  });
}

main().catch((error: unknown) => {
  say({ event: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
