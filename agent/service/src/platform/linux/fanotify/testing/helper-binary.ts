import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** agent/service/native, where the helper's Makefile lives. */
export const NATIVE_DIR = path.resolve(__dirname, '../../../../../native');
export const HELPER_BINARY = path.join(NATIVE_DIR, 'build', 'dlp-exec-guard');

/**
 * Builds the helper if its sources changed (make is a no-op otherwise). Test files run in parallel
 * workers, so builds are serialized with a lock file.
 */
export function ensureHelperBuilt(): string {
  const result = spawnSync('flock', ['/tmp/dlp-exec-guard-build.lock', 'make', '-s', '-C', NATIVE_DIR], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the helper failed: ${result.stderr || result.error?.message}`);
  return HELPER_BINARY;
}

/** Runs the helper in an offline mode with the given stdin; returns stdout lines. */
export function runHelperOffline(
  args: string[],
  input = '',
  env: NodeJS.ProcessEnv = process.env,
): { lines: string[]; status: number | null; stderr: string } {
  const result = spawnSync(HELPER_BINARY, args, { input, encoding: 'utf8', timeout: 20_000, env });
  return { lines: result.stdout.split('\n').filter((line) => line.length > 0), status: result.status, stderr: result.stderr };
}
