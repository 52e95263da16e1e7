import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fieldIssues, policyDocument, type EnrollSecretSummary, type GroupSummary, type PolicyDetail, type PolicySummary } from '@dlp/shared';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { callConsoleApi, describeApiError, type ApiReply, type ConsoleApiTarget } from './console-api-client';
import type { CliIo } from './cli-io';
import { cliLang, restUsage } from './cli-usage';

/** True for the commands this module runs. */
export function isRestCommand(argv: readonly string[]): boolean {
  return argv[0] === 'policy' || argv[0] === 'enroll-secret';
}

class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function expectStatus(reply: ApiReply, status: number, what: string): unknown {
  if (reply.status !== status) throw new CliFailure(`${what} failed: ${describeApiError(reply)}`, 1);
  return reply.body;
}

/** Reads a policy file: YAML unless it ends in .json; validated with the agents' own schema. */
export function readPolicyFile(file: string): ReturnType<typeof policyDocument.parse> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliFailure(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
  let value: unknown;
  try {
    value = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliFailure(`${file} is not valid ${path.extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${err instanceof Error ? err.message : String(err)}`, 2);
  }
  const parsed = policyDocument.safeParse(value);
  if (!parsed.success) {
    throw new CliFailure([`${file} is not a valid policy:`, ...fieldIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`)].join('\n'), 2);
  }
  return parsed.data;
}

function target(values: { url?: string | undefined; ca?: string | undefined }, env: NodeJS.ProcessEnv): ConsoleApiTarget {
  const token = env.DLP_API_TOKEN;
  if (!token) throw new CliFailure('set DLP_API_TOKEN to an API token of the console (admin role)', 2);
  const caFile = values.ca ?? env.DLP_CONSOLE_CA;
  return { baseUrl: values.url ?? env.DLP_CONSOLE_URL ?? 'http://127.0.0.1:8080', token, ...(caFile ? { ca: readFileSync(caFile) } : {}) };
}

async function findPolicy(api: ConsoleApiTarget, name: string): Promise<PolicySummary | undefined> {
  const list = expectStatus(await callConsoleApi(api, 'GET', '/policies'), 200, 'listing policies') as { items: PolicySummary[] };
  return list.items.find((p) => p.name === name);
}

async function createEnrollSecret(api: ConsoleApiTarget, group: string, label: string | undefined, io: CliIo): Promise<number> {
  const groups = expectStatus(await callConsoleApi(api, 'GET', '/groups'), 200, 'listing groups') as { items: GroupSummary[] };
  const found = groups.items.find((g) => g.id === group) ?? groups.items.find((g) => g.name === group);
  if (!found) throw new CliFailure(`no group named ${group} (groups: ${groups.items.map((g) => g.name).join(', ')})`, 1);
  const created = expectStatus(
    await callConsoleApi(api, 'POST', '/enroll-secrets', { label: label ?? `group ${found.name}`, groupId: found.id }),
    201,
    'creating the enroll secret',
  ) as EnrollSecretSummary & { secret: string };
  io.out(`Enroll secret "${created.label}" for group ${found.name}: ${created.secret}  (shown once)`);
  return 0;
}

async function applyPolicy(api: ConsoleApiTarget, file: string, publish: boolean, io: CliIo): Promise<number> {
  const document = readPolicyFile(file);
  const existing = await findPolicy(api, document.name);
  if (!existing) {
    const created = expectStatus(await callConsoleApi(api, 'POST', '/policies', { document }), 201, 'creating the policy') as { policy: PolicySummary };
    io.out(`Created policy "${document.name}" ${created.policy.id} as version 1 (serial ${created.policy.serial}); assign it to a group to enforce it`);
    return 0;
  }
  const draft = expectStatus(await callConsoleApi(api, 'POST', `/policies/${existing.id}/drafts`, { document }), 201, 'saving the draft') as { draft: { id: string } };
  if (!publish) {
    io.out(`Saved draft ${draft.draft.id} of "${document.name}" (current version ${existing.version}); review it, then publish`);
    return 0;
  }
  const published = expectStatus(await callConsoleApi(api, 'POST', `/drafts/${draft.draft.id}/publish`, {}), 200, 'publishing') as {
    policy: PolicySummary;
    groupIds: string[];
  };
  io.out(`Published "${document.name}" version ${published.policy.version} (serial ${published.policy.serial}) to ${published.groupIds.length} group(s)`);
  return 0;
}

async function exportPolicy(api: ConsoleApiTarget, name: string, format: string, io: CliIo): Promise<number> {
  if (format !== 'yaml' && format !== 'json') throw new CliFailure(`--format is yaml or json, not ${format}`, 2);
  const found = await findPolicy(api, name);
  if (!found) throw new CliFailure(`no policy named ${name}`, 1);
  const detail = expectStatus(await callConsoleApi(api, 'GET', `/policies/${found.id}`), 200, 'reading the policy') as PolicyDetail;
  io.out(format === 'json' ? JSON.stringify(detail.document, null, 2) : toYaml(detail.document).trimEnd());
  return 0;
}

/** Runs `enroll-secret …` or `policy …`; returns the exit code (2: bad usage or invalid file). */
export async function runRestCommand(argv: string[], io: CliIo): Promise<number> {
  const usage = restUsage(cliLang(io.env));
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { url: { type: 'string' }, ca: { type: 'string' }, group: { type: 'string' }, label: { type: 'string' }, publish: { type: 'boolean' }, format: { type: 'string' } },
    });
    const [noun, verb, argument, ...extra] = positionals;
    if (extra.length > 0) throw new CliFailure(usage, 2);
    if (noun === 'enroll-secret' && verb === 'create' && argument === undefined && values.group !== undefined) {
      return await createEnrollSecret(target(values, io.env), values.group, values.label, io);
    }
    if (noun === 'policy' && verb === 'apply' && argument !== undefined) {
      // Validate before touching the network: a broken file needs no token to be reported.
      readPolicyFile(argument);
      return await applyPolicy(target(values, io.env), argument, values.publish === true, io);
    }
    if (noun === 'policy' && verb === 'export' && argument !== undefined) return await exportPolicy(target(values, io.env), argument, values.format ?? 'yaml', io);
    throw new CliFailure(usage, 2);
  } catch (err) {
    if (err instanceof CliFailure) {
      io.err(err.message);
      return err.exitCode;
    }
    if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
      return 2;
    }
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
