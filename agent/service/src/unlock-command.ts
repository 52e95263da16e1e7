import { IPC_VERSION, type IpcResponse } from '@dlp/shared';
import { loadAgentConfig } from './core/config';
import { AgentUnreachableError, agentSocketPath, sendIpcRequest } from './core/ipc/ipc-client';

/** Exit codes of `dlp-agent unlock`: scripts and the tray tell the outcomes apart by them. */
export const UNLOCK_EXIT = { accepted: 0, refused: 1, badUsage: 2, agentUnreachable: 3 } as const;

export interface UnlockCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `dlp-agent unlock <CODE> --config <path>`: hands an offline unlock code to the running agent over
 * its local socket (no network needed) and prints what the agent answered. Resolves with the exit
 * code. Configuration errors are thrown (ConfigError) for the caller to report.
 */
export async function runUnlockCommand(configPath: string, code: string, io: UnlockCommandIo): Promise<number> {
  const config = await loadAgentConfig(configPath);
  const socketPath = agentSocketPath(config.dataDir);
  let response: IpcResponse;
  try {
    response = await sendIpcRequest(socketPath, { v: IPC_VERSION, type: 'unlock', code });
  } catch (err) {
    if (err instanceof AgentUnreachableError) {
      const why = err.code === 'EACCES' ? 'permission denied (run it as root)' : err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'the agent service is not running' : err.message;
      io.err(`cannot reach the agent at ${socketPath}: ${why}`);
      return UNLOCK_EXIT.agentUnreachable;
    }
    io.err(`the agent did not answer properly: ${err instanceof Error ? err.message : String(err)}`);
    return UNLOCK_EXIT.agentUnreachable;
  }
  if (response.type === 'error') {
    io.err(`the agent refused the request: ${response.message}`);
    return UNLOCK_EXIT.badUsage;
  }
  io.out(response.result.message);
  return response.result.ok ? UNLOCK_EXIT.accepted : UNLOCK_EXIT.refused;
}
