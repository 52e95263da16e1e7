import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from '../logging/logger';
import { AuthService } from '../services/auth-service';
import { EnrollmentService } from '../services/enrollment-service';
import { MIN_ADMIN_PASSWORD_LENGTH } from '../services/first-start';
import { openSqliteStore } from '../store/sqlite/sqlite-store';

export const CLI_USAGE = `Usage: node dist/console/dlp.js <command> [--data-dir DIR]
Commands (they work on the console's database, running or not):
  reset-password <username>      set a new random password (shown once; env DLP_NEW_PASSWORD sets it
                                 instead) and end that user's sessions
  create-enroll-secret <label>   create an enroll secret for the default group (shown once)
--data-dir defaults to env DLP_DATA_DIR, then ./data/console`;

/** Where the CLI writes: `out` gets the one line a script may capture, `err` everything else. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/** Runs one admin command; returns the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { 'data-dir': { type: 'string' } } });
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${CLI_USAGE}`);
    return 2;
  }
  const [command, argument, ...extra] = parsed.positionals;
  if (command === undefined || argument === undefined || extra.length > 0) {
    io.err(CLI_USAGE);
    return 2;
  }
  const dataDir = path.resolve(parsed.values['data-dir'] ?? io.env.DLP_DATA_DIR ?? './data/console');
  const dbPath = path.join(dataDir, 'console.sqlite');
  // Never create an empty database by mistyping the data dir.
  if (!existsSync(dbPath)) {
    io.err(`no console database at ${dbPath} (start the console once, or pass --data-dir)`);
    return 1;
  }
  const store = await openSqliteStore({ path: dbPath });
  try {
    switch (command) {
      case 'reset-password': {
        const chosen = io.env.DLP_NEW_PASSWORD;
        if (chosen !== undefined && chosen.length < MIN_ADMIN_PASSWORD_LENGTH) {
          io.err(`DLP_NEW_PASSWORD must have at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`);
          return 2;
        }
        const password = chosen ?? randomBytes(18).toString('base64url');
        if (!(await new AuthService(store, io.logger).setPassword(argument, password))) {
          io.err(`no user named ${argument}`);
          return 1;
        }
        io.out(chosen === undefined ? `New password for ${argument}: ${password}  (shown once)` : `Password for ${argument} set from DLP_NEW_PASSWORD`);
        return 0;
      }
      case 'create-enroll-secret': {
        const created = await new EnrollmentService(store, io.logger).createSecret(argument);
        io.out(`Enroll secret "${created.label}": ${created.secret}  (shown once)`);
        return 0;
      }
      default:
        io.err(`unknown command ${command}\n${CLI_USAGE}`);
        return 2;
    }
  } finally {
    await store.close();
  }
}
