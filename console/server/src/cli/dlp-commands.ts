import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuthService } from '../accounts/auth-service';
import { AuditService } from '../audit/audit-service';
import { assertPasswordAcceptable } from '../accounts/password-rules';
import { ServiceError } from '../service-kit/service-error';
import { auditExportCommand, auditVerifyCommand } from './audit-commands';
import { CLI_CONTEXT, cliOperator, createEnrollSecretCommand, decideEnrollRequestCommand, listEnrollRequestsCommand } from './enrollment-commands';
import { isRestCommand, runRestCommand } from './policy-commands';
import { openCliDatabase } from './cli-database';
import { cliLang, cliUsage, commandUsage, isKnownCommand, unknownCommandMessage } from './cli-usage';
import { runMaskCommand } from './mask-command';
import type { CliIo } from './cli-io';

export type { CliIo } from './cli-io';

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

/** `--help`/`-h` (before a bare `--`), or `help` as the command. */
function helpRequest(argv: readonly string[]): { topic: string | undefined } | undefined {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  if (args[0] === 'help') return { topic: args[1] };
  if (!args.some((arg) => arg === '--help' || arg === '-h')) return undefined;
  // Option values (`--data-dir DIR --help`) are not topics; an unknown word typed first is one (exit 2).
  const first = args[0];
  return { topic: args.find(isKnownCommand) ?? (first !== undefined && !first.startsWith('-') ? first : undefined) };
}

/**
 * Answers `dlp --help`, `dlp help [command]` and `dlp <command> --help` on stdout with exit 0, in the
 * user's language; an unknown command exits 2. `dlp mask --help` has its own, longer text.
 */
async function answerHelp(topic: string | undefined, io: CliIo): Promise<number> {
  const lang = cliLang(io.env);
  if (topic === 'mask') return runMaskCommand(['--help'], io);
  if (topic === undefined) {
    io.out(cliUsage(lang));
    return 0;
  }
  const usage = commandUsage(topic, lang);
  if (usage === undefined) {
    io.err(unknownCommandMessage(topic, lang));
    return 2;
  }
  io.out(usage);
  return 0;
}

/**
 * Runs one admin command; returns the process exit code. Every database command writes an audit row
 * in the hash chain (actor `cli`, with the OS user who ran it).
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const lang = cliLang(io.env);
  // `dlp mask --help` prints mask's own option list.
  const help = argv[0] === 'mask' ? undefined : helpRequest(argv);
  if (help !== undefined) return answerHelp(help.topic, io);
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !isKnownCommand(first)) {
    io.err(unknownCommandMessage(first, lang));
    return 2;
  }
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
        'database-url': { type: 'string' },
        'database-schema': { type: 'string' },
      },
    });
  } catch (err) {
    const command = argv.find((arg) => !arg.startsWith('-'));
    io.err(`${err instanceof Error ? err.message : String(err)}\n${(command === undefined ? undefined : commandUsage(command, lang)) ?? cliUsage(lang)}`);
    return 2;
  }
  const [command, ...args] = parsed.positionals;
  if (command === undefined) {
    io.err(cliUsage(lang));
    return 2;
  }
  const arity = COMMAND_ARITY[command];
  if (arity === undefined) {
    io.err(unknownCommandMessage(command, lang));
    return 2;
  }
  if (args.length !== arity) {
    io.err(commandUsage(command, lang) ?? cliUsage(lang));
    return 2;
  }
  const argument = args[0] ?? '';
  const opened = await openCliDatabase(parsed.values, io.env, lang);
  if (!opened.ok) {
    io.err(opened.message);
    return opened.exitCode;
  }
  const store = opened.store;
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
        io.err(unknownCommandMessage(command, lang));
        return 2;
    }
  } finally {
    await store.close();
  }
}
