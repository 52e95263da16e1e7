import { mkdir } from 'node:fs/promises';
import WebSocket from 'ws';
import { consoleToAgentMessage, decodeFrame, ENROLL_WAIT_CODES, LIMITS, localeFromEnv, PROTOCOL_VERSION, type AgentConfig, type AgentInfo } from '@dlp/shared';
import { ConfigError, loadAgentConfig } from '../core/config';
import { CredentialsError, loadCredentials, saveCredentials } from '../core/credentials';
import { DataDirLockedError, lockDataDir } from '../core/data-dir-lock';
import { describeAgent } from '../core/agent-info';
import { credentialsFromEnrollment, enrollRequestKey } from '../core/enrollment-credentials';
import { sanitizeName } from '../core/event-factory';
import { frameText } from '../core/link/frame-text';
import { checkPeerPin, tlsClientOptions } from '../core/link/tls-pin';
import { LinuxHostInfo } from '../platform/linux/linux-platform';
import type { AdminIo } from './authorize-uninstall';

/**
 * `dlp-agent enroll [--config FILE] [--timeout-seconds N]` (root; the package's configure step runs it
 * once): enrolls with the console now, so that a wrong enroll secret or a console key other than the
 * pinned one fails the installation with the console's own words, instead of leaving an agent that
 * never enrolls and that nobody notices. A console that cannot be reached is not a failure: the
 * service enrolls by itself once it can. `--refusal-only` (installers that fail on any non-zero exit,
 * such as an MSI custom action): exit 0 unless the console refused.
 */
export const ENROLL_COMMAND = 'enroll';
export const ENROLL_EXIT = { enrolled: 0, usage: 2, refused: 3, pending: 10, unreachable: 75 } as const;

type Outcome =
  | { kind: 'enrolled'; agentId: string }
  | { kind: 'refused'; code: string; detail: string }
  | { kind: 'pending'; detail: string }
  | { kind: 'unreachable'; detail: string };

const TEXT = {
  en: {
    usage: 'usage: dlp-agent enroll [--config /etc/dlp/agent.json] [--timeout-seconds 20] [--refusal-only]',
    already: (id: string) => `already enrolled as agent ${id}`,
    noSecret: 'no ENROLL_SECRET in the configuration: nothing to enroll with',
    running: 'the agent service is running and enrolls by itself (see: dlp-agent status)',
    enrolled: (id: string) => `enrolled with the console as agent ${id}`,
    refused: (code: string, detail: string) => `the console refused the enrollment (${code}): ${detail}`,
    pending: (detail: string) => `the console accepted the enroll secret; ${detail}. The agent keeps asking as the same request.`,
    unreachable: (detail: string) => `the console could not be asked now (${detail}); the agent will enroll by itself once it can reach it`,
    pin: (expected: string, got: string) => `the console presented TLS key ${got}, not the pinned ${expected} (CONSOLE_CERT_SHA256)`,
  },
  'zh-CN': {
    usage: '用法：dlp-agent enroll [--config /etc/dlp/agent.json] [--timeout-seconds 20] [--refusal-only]',
    already: (id: string) => `已注册，终端代理编号 ${id}`,
    noSecret: '配置中没有 ENROLL_SECRET（注册密钥），无法注册',
    running: '终端代理服务正在运行，会自行注册（查看：dlp-agent status）',
    enrolled: (id: string) => `已向控制台注册，终端代理编号 ${id}`,
    refused: (code: string, detail: string) => `控制台拒绝了注册（${code}）：${detail}`,
    pending: (detail: string) => `控制台接受了注册密钥；${detail}。终端代理会以同一请求继续询问。`,
    unreachable: (detail: string) => `现在无法连接控制台（${detail}）；终端代理能连上时会自行注册`,
    pin: (expected: string, got: string) => `控制台出示的 TLS 密钥为 ${got}，不是固定的 ${expected}（CONSOLE_CERT_SHA256）`,
  },
} as const;

function parse(args: readonly string[]): { config: string; timeoutMs: number; refusalOnly: boolean } | null {
  let config = '/etc/dlp/agent.json';
  let timeoutSeconds = 20;
  let refusalOnly = false;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--refusal-only') {
      refusalOnly = true;
      i -= 1;
      continue;
    }
    if (value === undefined) return null;
    if (flag === '--config') config = value;
    else if (flag === '--timeout-seconds' && /^\d{1,3}$/.test(value) && Number(value) >= 1) timeoutSeconds = Number(value);
    else return null;
  }
  return { config, timeoutMs: timeoutSeconds * 1000, refusalOnly };
}

async function hostAgentInfo(config: AgentConfig): Promise<AgentInfo> {
  const host = new LinuxHostInfo(config.hostRoots, '/run/utmp');
  return describeAgent(host, 'linux', sanitizeName(await host.hostname()));
}

/** One enrollment exchange with the console: the same frames and checks as the service's link. */
function askConsole(config: AgentConfig, agent: AgentInfo, requestKey: string, timeoutMs: number, text: (typeof TEXT)[keyof typeof TEXT]): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let peerPin: string | null = null;
    const ws = new WebSocket(config.consoleUrl, { maxPayload: LIMITS.maxMessageBytes, handshakeTimeout: timeoutMs, ...tlsClientOptions(config.consoleUrl) });
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'unreachable', detail: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    ws.on('upgrade', (response) => {
      const verdict = checkPeerPin(response, config.consoleCertSha256 ?? null);
      peerPin = verdict.sha256;
      if (!verdict.ok) finish({ kind: 'refused', code: 'tls_key_mismatch', detail: text.pin(verdict.expected, verdict.sha256 ?? 'none') });
    });
    ws.on('unexpected-response', (_request, response) => finish({ kind: 'unreachable', detail: `HTTP ${response.statusCode ?? 0} instead of a WebSocket` }));
    ws.on('error', (err) => finish({ kind: 'unreachable', detail: err.message }));
    ws.on('close', (code, reason) => finish({ kind: 'unreachable', detail: `connection closed (${code}${reason.length ? ` ${reason.toString('utf8')}` : ''})` }));
    ws.on('open', () => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'enroll', secret: config.enrollSecret ?? '', agent, requestKey })));
    ws.on('message', (data) => {
      const decoded = decodeFrame(consoleToAgentMessage, frameText(data));
      if (!decoded.ok) return finish({ kind: 'unreachable', detail: `unexpected answer (${decoded.code})` });
      const message = decoded.message;
      if (message.type === 'error') {
        if (message.code === ENROLL_WAIT_CODES.pending) return finish({ kind: 'pending', detail: message.message });
        if (message.code === ENROLL_WAIT_CODES.rateLimited) return finish({ kind: 'unreachable', detail: message.message });
        return finish({ kind: 'refused', code: message.code, detail: message.message });
      }
      if (message.type !== 'enrolled') return;
      let credentials;
      try {
        credentials = credentialsFromEnrollment(config, message, peerPin);
      } catch (err) {
        if (err instanceof CredentialsError) return finish({ kind: 'refused', code: 'console_key_mismatch', detail: err.message });
        throw err;
      }
      // Written before the outcome is told, so an interrupted configure never loses an enrollment.
      settled = true;
      clearTimeout(timer);
      saveCredentials(config.dataDir, credentials).then(
        () => resolve({ kind: 'enrolled', agentId: credentials.agentId }),
        (err: unknown) => resolve({ kind: 'refused', code: 'cannot_save', detail: err instanceof Error ? err.message : String(err) }),
      );
      ws.close(1000, 'enrolled');
    });
  });
}

export async function runEnrollOnce(args: readonly string[], io: AdminIo): Promise<number> {
  const text = TEXT[localeFromEnv(io.env)];
  const parsed = parse(args);
  if (!parsed) {
    io.err(text.usage);
    return ENROLL_EXIT.usage;
  }
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(parsed.config);
    const credentials = await loadCredentials(config.dataDir);
    if (credentials) {
      io.out(text.already(credentials.agentId));
      return ENROLL_EXIT.enrolled;
    }
  } catch (err) {
    io.err(err instanceof ConfigError ? err.describe() : err instanceof Error ? err.message : String(err));
    return ENROLL_EXIT.usage;
  }
  if (!config.enrollSecret) {
    io.err(text.noSecret);
    return ENROLL_EXIT.usage;
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  let lock;
  try {
    lock = await lockDataDir(config.dataDir);
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    io.out(text.running);
    return parsed.refusalOnly ? ENROLL_EXIT.enrolled : ENROLL_EXIT.unreachable;
  }
  try {
    const outcome = await askConsole(config, await hostAgentInfo(config), await enrollRequestKey(config.dataDir), parsed.timeoutMs, text);
    switch (outcome.kind) {
      case 'enrolled':
        io.out(text.enrolled(outcome.agentId));
        return ENROLL_EXIT.enrolled;
      case 'pending':
        io.out(text.pending(outcome.detail));
        return parsed.refusalOnly ? ENROLL_EXIT.enrolled : ENROLL_EXIT.pending;
      case 'refused':
        io.err(text.refused(outcome.code, outcome.detail));
        return ENROLL_EXIT.refused;
      case 'unreachable':
        io.err(text.unreachable(outcome.detail));
        return parsed.refusalOnly ? ENROLL_EXIT.enrolled : ENROLL_EXIT.unreachable;
    }
  } finally {
    await lock.release();
  }
}
