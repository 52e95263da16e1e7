import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuthService } from '../accounts/auth-service';
import { AuditService } from '../audit/audit-service';
import { assertPasswordAcceptable } from '../accounts/password-rules';
import { ServiceError } from '../service-kit/service-error';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { auditExportCommand, auditVerifyCommand } from './audit-commands';
import { CLI_CONTEXT, cliOperator, createEnrollSecretCommand, decideEnrollRequestCommand, listEnrollRequestsCommand } from './enrollment-commands';
import { isRestCommand, REST_CLI_USAGE, runRestCommand } from './policy-commands';
import { runMaskCommand } from './mask-command';
import type { CliIo } from './cli-io';

export type { CliIo } from './cli-io';

export const CLI_USAGE = `Usage: node dist/console/dlp.js <command> [--data-dir DIR]
Commands (they work on the console's database, running or not):
  reset-password <username>      set a new random password (shown once; env DLP_NEW_PASSWORD sets it
                                 instead) and end that user's sessions
  create-enroll-secret <label>   create an enroll secret for the default group (shown once); limits:
      [--max-uses N] [--expires 30d|12h|ISO-TIME] [--needs-approval] [--rate N (per minute)]
  enroll-requests [--all]        agents waiting for approval (id, status, host, user, address, secret)
  approve-enrollment <id>        let a waiting agent enroll (it does on its next try)
  reject-enrollment <id>         refuse a waiting agent for good
  audit-export [--out FILE]      the audit log as CSV (UTF-8 with BOM), to FILE or stdout
  audit-verify                   check the audit log's hash chain: exit 0 intact, 1 broken (first
                                 broken row printed)
--data-dir defaults to env DLP_DATA_DIR, then ./data/console
Files (no console database needed):
  mask IN --out OUT [options]    mask personal data in a CSV/TSV, xlsx, JSON lines or SQL dump for
                                 outside vendors, re-scan the output (files only, no database);
                                 \`dlp mask --help\` lists the options (docs/MASKING.md)

${REST_CLI_USAGE}`;

/** How many positional arguments each command takes after its name. */
const COMMAND_ARITY: Readonly<Record<string, number>> = {
  'reset-password': 1,
  'create-enroll-secret': 1,
  'enroll-requests': 0,
  'approve-enrollment': 1,
  'reject-enrollment': 1,
  'audit-export': 0,
  'audit-verify': 0,
};

/** Every command writes an audit row in the hash chain (actor `cli`, with the OS user who ran it). */


/** Runs one admin command; returns the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Policy-as-code and enroll secrets for groups go through the running console's REST API.
  if (isRestCommand(argv)) return runRestCommand(argv, io);
  // Masking works on files only: no console database, options of its own.
  if (argv[0] === 'mask') return runMaskCommand(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        'max-uses': { type: 'string' },
        expires: { type: 'string' },
        'needs-approval': { type: 'boolean' },
        rate: { type: 'string' },
        all: { type: 'boolean' },
      },
    });
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${CLI_USAGE}`);
    return 2;
  }
  const [command, ...args] = parsed.positionals;
  const arity = command === undefined ? undefined : COMMAND_ARITY[command];
  if (command === undefined || (arity !== undefined && args.length !== arity)) {
    io.err(CLI_USAGE);
    return 2;
  }
  if (arity === undefined) {
    io.err(`unknown command ${command}\n${CLI_USAGE}`);
    return 2;
  }
  const argument = args[0] ?? '';
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
        if (chosen !== undefined) {
          try {
            assertPasswordAcceptable(chosen, argument, 'DLP_NEW_PASSWORD');
          } catch (err) {
            if (!(err instanceof ServiceError)) throw err;
            await new AuditService(store).record({ ...CLI_CONTEXT, action: 'user.password_reset_failed', target: { type: 'username', id: argument }, after: { reason: err.code, osUser: cliOperator() } });
            io.err(`DLP_NEW_PASSWORD refused (${err.code}): ${err.message}`);
            return 2;
          }
        }
        const password = chosen ?? randomBytes(18).toString('base64url');
        // Whoever ran the CLI has seen the password: its owner must replace it at next login.
        const auth = new AuthService(store, io.logger, new AuditService(store));
        if (!(await auth.setPassword(argument, password, { mustChangePassword: true, context: CLI_CONTEXT }))) {
          await new AuditService(store).record({ ...CLI_CONTEXT, action: 'user.password_reset_failed', target: { type: 'username', id: argument }, after: { reason: 'unknown_user', osUser: cliOperator() } });
          io.err(`no user named ${argument}`);
          return 1;
        }
        io.out(chosen === undefined ? `New password for ${argument}: ${password}  (shown once)` : `Password for ${argument} set from DLP_NEW_PASSWORD`);
        return 0;
      }
      case 'create-enroll-secret':
        return await createEnrollSecretCommand(store, io, argument, parsed.values);
      case 'enroll-requests':
        return await listEnrollRequestsCommand(store, io, parsed.values.all === true);
      case 'approve-enrollment':
      case 'reject-enrollment':
        return await decideEnrollRequestCommand(store, io, argument, command === 'approve-enrollment' ? 'approve' : 'reject');
      case 'audit-export':
        return await auditExportCommand(store, io, parsed.values.out === undefined ? undefined : path.resolve(parsed.values.out));
      case 'audit-verify':
        return await auditVerifyCommand(store, io);
      default:
        io.err(`unknown command ${command}\n${CLI_USAGE}`);
        return 2;
    }
  } finally {
    await store.close();
  }
}
