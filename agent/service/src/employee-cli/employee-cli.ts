import { parseArgs } from 'node:util';
import { describeIssues, employeeText, IPC_VERSION, ipcRequest, localeFromEnv, type IpcRequest, type IpcResponse } from '@dlp/shared';
import { agentNotRunning, sendIpcRequest } from '@dlp/shared/node';
import { cliText, localTime } from './cli-text';
import { EMPLOYEE_EXIT, type EmployeeCliIo } from './employee-exit';
import { exceptionTarget, UsageError } from './exception-target';
import { renderBlocks, renderRequests, renderStatus, type Words } from './render';
import { runScanCommand } from './scan-command';
import { chooseSocket } from './socket-choice';

export { EMPLOYEE_EXIT, type EmployeeCliIo } from './employee-exit';

export const EMPLOYEE_COMMANDS = ['status', 'blocks', 'requests', 'request-exception', 'unlock', 'scan'] as const;
export type EmployeeCommand = (typeof EMPLOYEE_COMMANDS)[number];

export function isEmployeeCommand(word: string | undefined): word is EmployeeCommand {
  return (EMPLOYEE_COMMANDS as readonly string[]).includes(word ?? '');
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  socket: { type: 'string' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  usb: { type: 'string' },
  app: { type: 'string' },
  minutes: { type: 'string' },
  reason: { type: 'string' },
  user: { type: 'string' },
} as const;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function buildRequest(command: EmployeeCommand, values: Values, positionals: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  const v = IPC_VERSION;
  switch (command) {
    case 'status':
      return { v, type: 'status' };
    case 'blocks':
      return { v, type: 'recent-blocks', ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}) };
    case 'requests':
      return { v, type: 'my-requests' };
    case 'unlock':
      // People copy codes in groups (`7K2M QX4P ...`): the groups may come as separate arguments.
      if (positionals.length === 0) throw new UsageError('unlock needs the code');
      return { v, type: 'unlock', code: positionals.join('') };
    case 'scan':
      // Streams its answers: runScanCommand handles it before this point.
      throw new UsageError('scan is run by its own command');
    case 'request-exception': {
      if ((values.usb === undefined) === (values.app === undefined) || !values.minutes || values.reason === undefined) throw new UsageError('request-exception needs --usb or --app, --minutes and --reason');
      // Through sudo, a helpdesk script asks for the employee who called it; the agent honours a name only from root.
      const user = values.user ?? env.SUDO_USER;
      return { v, type: 'request-exception', target: await exceptionTarget(values.usb, values.app), justification: values.reason, requestedMinutes: Number(values.minutes), ...(user ? { user } : {}) };
    }
  }
}

/** Prints the answer in the employee's language and picks the exit code. */
function present(response: IpcResponse, typed: IpcRequest, words: Words, io: EmployeeCliIo): number {
  const { text } = words;
  switch (response.type) {
    case 'status-result':
      renderStatus(response.status, words).forEach(io.out);
      return EMPLOYEE_EXIT.done;
    case 'recent-blocks-result':
      renderBlocks(response.blocks, words).forEach(io.out);
      return EMPLOYEE_EXIT.done;
    case 'my-requests-result':
      renderRequests(response.requests, words).forEach(io.out);
      return EMPLOYEE_EXIT.done;
    case 'unlock-result': {
      const result = response.result;
      if (result.ok) {
        const device = `${result.device.name ? `${result.device.name} ` : ''}(${result.device.vendorId}:${result.device.productId}, ${words.cli.serial} ${result.device.serial})`;
        io.out(text.unlockAccepted(device, localTime(result.expiresAt)));
        return EMPLOYEE_EXIT.done;
      }
      const typedLength = typed.type === 'unlock' ? typed.code.replace(/[\s-]/g, '').length : 0;
      io.err(text.unlockRefused(result, typedLength));
      return EMPLOYEE_EXIT.refused;
    }
    case 'request-exception-result':
      if (response.result.ok) io.out(text.requestSent(response.result.requestId));
      else io.err(text.requestRefused(response.result.reason));
      return response.result.ok ? EMPLOYEE_EXIT.done : EMPLOYEE_EXIT.refused;
    case 'error':
      if (response.code === 'forbidden') return io.err(text.forbidden), EMPLOYEE_EXIT.forbidden;
      if (response.code === 'rate_limited') return io.err(text.rateLimited(Math.ceil((response.retryAfterMs ?? 1000) / 1000))), EMPLOYEE_EXIT.rateLimited;
      io.err(`the agent refused the request: ${response.message}`);
      return EMPLOYEE_EXIT.badUsage;
    default:
      io.err(`unexpected answer from the agent: ${response.type}`);
      return EMPLOYEE_EXIT.badUsage;
  }
}

/** `dlp-agent <status|blocks|requests|request-exception|unlock|scan> …` as any local user. Resolves with the exit code. */
export async function runEmployeeCommand(command: EmployeeCommand, argv: string[], io: EmployeeCliIo): Promise<number> {
  if (command === 'scan') return runScanCommand(argv, io);
  const words: Words = { text: employeeText(localeFromEnv(io.env)), cli: cliText(localeFromEnv(io.env)) };
  let values: Values;
  let request: IpcRequest;
  let socketPath: string;
  try {
    const parsedArgs = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    values = parsedArgs.values;
    if (command !== 'unlock' && parsedArgs.positionals.length > 0) throw new UsageError(`unexpected ${parsedArgs.positionals.join(' ')}`);
    const parsed = ipcRequest.safeParse(await buildRequest(command, values, parsedArgs.positionals, io.env));
    if (!parsed.success) throw new UsageError(`invalid request: ${describeIssues(parsed.error)}`);
    request = parsed.data;
    socketPath = await chooseSocket(values, io.env);
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${words.cli.usage}`);
    return EMPLOYEE_EXIT.badUsage;
  }
  let response: IpcResponse;
  try {
    response = await sendIpcRequest(socketPath, request);
  } catch (err) {
    io.err(agentNotRunning(err) ? `${words.text.agentNotRunning} (${socketPath})` : `cannot reach the agent at ${socketPath}: ${err instanceof Error ? err.message : String(err)}`);
    return EMPLOYEE_EXIT.agentUnreachable;
  }
  if (!values.json) return present(response, request, words, io);
  io.out(JSON.stringify(response));
  return present(response, request, words, { ...io, out: () => undefined, err: () => undefined });
}
