/**
 * `dlp-agent scan PATH [--json] [--max-files N]`: asks the agent to scan a file or folder tree for
 * customer personal data, with the asking user's rights. Progress on stderr (a redrawn line on a
 * terminal), each file worth showing and the summary on stdout, counts and redacted samples only.
 * Ctrl-C closes the connection, which stops the scan on the agent.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeIssues, employeeText, IPC_VERSION, ipcScanRequest, localeFromEnv, type IpcResponse, type IpcScanRequest } from '@dlp/shared';
import { agentNotRunning } from '@dlp/shared/node';
import { cliText } from './cli-text';
import { EMPLOYEE_EXIT, type EmployeeCliIo } from './employee-exit';
import { UsageError } from './exception-target';
import { ProgressLine, renderScannedFile, renderSummary } from './scan-render';
import { streamScan } from './scan-client';
import { scanText } from './scan-text';
import { chooseSocket } from './socket-choice';

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  socket: { type: 'string' },
  json: { type: 'boolean' },
  'max-files': { type: 'string' },
} as const;

/** The request from the command line; a relative PATH is taken from where the command runs. */
function parseScanArgs(argv: string[], cwd: string): { request: IpcScanRequest; json: boolean; options: { socket?: string; config?: string } } {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('scan needs exactly one PATH (a file or a folder)');
  const maxFiles = values['max-files'] !== undefined ? Number(values['max-files']) : undefined;
  const parsed = ipcScanRequest.safeParse({ v: IPC_VERSION, type: 'scan', path: path.resolve(cwd, positionals[0] ?? ''), ...(maxFiles !== undefined ? { maxFiles } : {}) });
  if (!parsed.success) throw new UsageError(`invalid request: ${describeIssues(parsed.error)}`);
  const options = { ...(values.socket ? { socket: values.socket } : {}), ...(values.config ? { config: values.config } : {}) };
  return { request: parsed.data, json: values.json ?? false, options };
}

/** SIGINT (Ctrl-C) as an abort signal, for as long as the scan runs. */
function interruptSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, release: () => void process.off('SIGINT', onSigint) };
}

export async function runScanCommand(argv: string[], io: EmployeeCliIo): Promise<number> {
  const locale = localeFromEnv(io.env);
  const text = scanText(locale);
  const common = employeeText(locale);
  let parsed: ReturnType<typeof parseScanArgs>;
  let socketPath: string;
  try {
    parsed = parseScanArgs(argv, io.cwd ?? process.cwd());
    socketPath = await chooseSocket(parsed.options, io.env);
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${cliText(locale).usage}`);
    return EMPLOYEE_EXIT.badUsage;
  }
  const { request, json } = parsed;
  const progressLine = new ProgressLine(io.progress ?? ((chunk) => void process.stderr.write(chunk)), !json && (io.tty ?? process.stderr.isTTY === true), text);
  const out = (line: string): void => {
    progressLine.clear();
    io.out(line);
  };
  let last: IpcResponse | null = null;
  const interrupt = io.signal ? { signal: io.signal, release: () => undefined } : interruptSignal();
  let ended: 'ended' | 'cancelled';
  try {
    ended = await streamScan(
      socketPath,
      request,
      (response) => {
        last = response;
        if (json) return io.out(JSON.stringify(response));
        if (response.type === 'scan-progress') progressLine.update(response.progress);
        else if (response.type === 'scan-file') renderScannedFile(response.file, text).forEach(out);
      },
      interrupt.signal,
    );
  } catch (err) {
    progressLine.clear();
    io.err(agentNotRunning(err) ? `${common.agentNotRunning} (${socketPath})` : `cannot reach the agent at ${socketPath}: ${err instanceof Error ? err.message : String(err)}`);
    return EMPLOYEE_EXIT.agentUnreachable;
  } finally {
    interrupt.release();
  }
  progressLine.clear();
  if (ended === 'cancelled') {
    io.err(text.cancelled);
    return EMPLOYEE_EXIT.interrupted;
  }
  return finish(last, request, json, io, text, common);
}

/** Says how it ended (unless --json, which printed the agent's lines) and picks the exit code. */
function finish(last: IpcResponse | null, request: IpcScanRequest, json: boolean, io: EmployeeCliIo, text: ReturnType<typeof scanText>, common: ReturnType<typeof employeeText>): number {
  const say = (line: string): void => {
    if (!json) io.err(line);
  };
  if (last === null || (last.type !== 'scan-result' && last.type !== 'error')) {
    say(text.failed('no result from the agent'));
    return EMPLOYEE_EXIT.refused;
  }
  if (last.type === 'error') {
    if (last.code === 'busy') return say(text.busy), EMPLOYEE_EXIT.rateLimited;
    if (last.code === 'rate_limited') return say(common.rateLimited(Math.ceil((last.retryAfterMs ?? 1000) / 1000))), EMPLOYEE_EXIT.rateLimited;
    if (last.code === 'forbidden') return say(common.forbidden), EMPLOYEE_EXIT.forbidden;
    say(`the agent refused the request: ${last.message}`);
    return EMPLOYEE_EXIT.badUsage;
  }
  if (last.outcome === 'refused') {
    say(text.refused(last.refusal ?? 'not-found', request.path));
    return last.refusal === 'not-permitted' ? EMPLOYEE_EXIT.forbidden : EMPLOYEE_EXIT.refused;
  }
  if (last.outcome === 'failed') {
    say(text.failed(last.message));
    return EMPLOYEE_EXIT.refused;
  }
  if (!json) renderSummary(last.progress, last.criteria, text).forEach((line) => io.out(line));
  return last.progress.filesFlagged > 0 ? EMPLOYEE_EXIT.customerDataFound : EMPLOYEE_EXIT.done;
}
