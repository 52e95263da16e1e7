// Runs a build tool and stops the build with its name when it fails.
import { spawnSync } from 'node:child_process';

/**
 * Runs `command args` (stdio inherited unless `capture`), throws when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, capture?: boolean, quiet?: boolean }} [options] quiet: drop stderr
 * @returns {string} stdout when captured, else ''
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', options.capture ? 'pipe' : 'inherit', options.quiet ? 'ignore' : 'inherit'],
    encoding: 'utf8',
    // readelf -V of the Node binary prints every dynamic symbol's version: tens of MB.
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
  return options.capture ? result.stdout : '';
}
