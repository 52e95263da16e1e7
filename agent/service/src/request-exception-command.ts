import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeIssues, IPC_VERSION, ipcExceptionRequest, type IpcResponse } from '@dlp/shared';
import { loadAgentConfig } from './core/config';
import { AgentUnreachableError, agentSocketPath, sendIpcRequest } from './core/ipc/ipc-client';

/** Exit codes of `dlp-agent request-exception`. */
export const REQUEST_EXCEPTION_EXIT = { sent: 0, refused: 1, badUsage: 2, agentUnreachable: 3 } as const;

export const REQUEST_EXCEPTION_USAGE = [
  'usage: dlp-agent request-exception --config /path/to/agent.json (--usb VVVV:PPPP:SERIAL | --app /path/to/program)',
  '                                   --minutes N --reason "why you need it"',
].join('\n');

export interface RequestExceptionIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Who asks: `SUDO_USER` when run through sudo. */
  env: NodeJS.ProcessEnv;
}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

class UsageError extends Error {}

async function buildRequest(argv: string[], env: NodeJS.ProcessEnv): Promise<{ configPath: string; request: unknown }> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, usb: { type: 'string' }, app: { type: 'string' }, minutes: { type: 'string' }, reason: { type: 'string' } },
  });
  if (positionals.length > 0 || !values.config || (values.usb === undefined) === (values.app === undefined) || !values.minutes || values.reason === undefined) {
    throw new UsageError(REQUEST_EXCEPTION_USAGE);
  }
  let target: unknown;
  if (values.usb !== undefined) {
    const [vendorId, productId, ...serial] = values.usb.split(':');
    target = { kind: 'usb-device', device: { vendorId: vendorId?.toLowerCase(), productId: productId?.toLowerCase(), serial: serial.join(':') } };
  } else {
    const exePath = path.resolve(values.app ?? '');
    let sha256: string;
    try {
      sha256 = await sha256OfFile(exePath);
    } catch (err) {
      throw new UsageError(`cannot read ${exePath}: ${err instanceof Error ? err.message : String(err)}`);
    }
    target = { kind: 'app', sha256, exePath };
  }
  const request = {
    v: IPC_VERSION,
    type: 'request-exception',
    target,
    justification: values.reason,
    requestedMinutes: Number(values.minutes),
    ...(env.SUDO_USER ? { user: env.SUDO_USER } : {}),
  };
  return { configPath: values.config, request };
}

/**
 * `dlp-agent request-exception …`: asks the running agent (over its local socket) to send an
 * exception request to the console. Resolves with the exit code.
 */
export async function runRequestExceptionCommand(argv: string[], io: RequestExceptionIo): Promise<number> {
  let built;
  try {
    built = await buildRequest(argv, io.env);
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return REQUEST_EXCEPTION_EXIT.badUsage;
  }
  const parsed = ipcExceptionRequest.safeParse(built.request);
  if (!parsed.success) {
    io.err(`invalid request: ${describeIssues(parsed.error)}\n${REQUEST_EXCEPTION_USAGE}`);
    return REQUEST_EXCEPTION_EXIT.badUsage;
  }
  const config = await loadAgentConfig(built.configPath);
  const socketPath = agentSocketPath(config.dataDir);
  let response: IpcResponse;
  try {
    response = await sendIpcRequest(socketPath, parsed.data);
  } catch (err) {
    const why = err instanceof AgentUnreachableError && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') ? 'the agent service is not running' : err instanceof Error ? err.message : String(err);
    io.err(`cannot reach the agent at ${socketPath}: ${why}`);
    return REQUEST_EXCEPTION_EXIT.agentUnreachable;
  }
  if (response.type !== 'request-exception-result') {
    io.err(`the agent refused the request: ${response.type === 'error' ? response.message : response.type}`);
    return REQUEST_EXCEPTION_EXIT.badUsage;
  }
  if (response.result.ok) io.out(response.result.message);
  else io.err(response.result.message);
  return response.result.ok ? REQUEST_EXCEPTION_EXIT.sent : REQUEST_EXCEPTION_EXIT.refused;
}
