import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { parseProbeOutput } from './helper-messages';

/** Environment variable that overrides where the helper binary is looked for. */
export const HELPER_PATH_ENV = 'DLP_EXEC_GUARD_HELPER';

/** Where the installers place the helper. */
export const INSTALLED_HELPER_PATH = '/usr/lib/dlp-agent/dlp-exec-guard';

/**
 * The helper binary: $DLP_EXEC_GUARD_HELPER, else the build output next to the sources (this file
 * in the source tree, or the bundle in dist/agent/), else the installed location. Returns the first
 * that exists and is executable, or the first candidate so errors name a sensible path.
 */
export function locateExecGuardHelper(): string {
  const fromEnv = process.env[HELPER_PATH_ENV];
  const candidates = [
    ...(fromEnv ? [fromEnv] : []),
    path.resolve(__dirname, '../../../../native/build/dlp-exec-guard'),
    path.resolve(__dirname, '../../agent/service/native/build/dlp-exec-guard'),
    INSTALLED_HELPER_PATH,
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return candidates[0] ?? INSTALLED_HELPER_PATH;
}

export type ExecGuardAvailability = { available: true; helperPath: string } | { available: false; reason: string };

/**
 * Can pre-exec blocking work here? Needs root, the built helper, and a kernel that accepts
 * FAN_OPEN_EXEC_PERM marks (the helper's --probe marks an empty temporary directory). When not,
 * the agent falls back to the /proc scanner and says so in its capability report.
 */
export async function probeExecGuard(helperPath: string = locateExecGuardHelper()): Promise<ExecGuardAvailability> {
  if (process.getuid?.() !== 0) return { available: false, reason: 'pre-exec blocking needs root' };
  try {
    accessSync(helperPath, constants.X_OK);
  } catch {
    return { available: false, reason: `helper binary not built or not executable: ${helperPath}` };
  }
  const output = await new Promise<{ stdout: string; error: Error | null }>((resolve) => {
    execFile(helperPath, ['--probe'], { timeout: 5000 }, (error, stdout) => resolve({ stdout: String(stdout), error }));
  });
  if (!output.stdout.trim()) return { available: false, reason: `helper probe failed: ${output.error?.message ?? 'no answer'}` };
  const probe = parseProbeOutput(output.stdout);
  if (probe.ok) return { available: true, helperPath };
  return { available: false, reason: `kernel refused fanotify exec permission marks: ${probe.reason}` };
}
