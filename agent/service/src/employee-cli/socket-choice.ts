import { DEFAULT_AGENT_SOCKET } from '@dlp/shared/node';
import { loadAgentConfig } from '../core/config';
import { agentSocketPath } from '../core/ipc/socket-path';

/**
 * Which socket the command talks to: `--socket`, else `DLP_AGENT_SOCKET`, else the socket named in
 * `--config` (root only: the configuration file is root's), else the installed default.
 */
export async function chooseSocket(options: { socket?: string; config?: string }, env: NodeJS.ProcessEnv): Promise<string> {
  if (options.socket) return options.socket;
  if (env.DLP_AGENT_SOCKET) return env.DLP_AGENT_SOCKET;
  if (options.config) return agentSocketPath(await loadAgentConfig(options.config));
  return DEFAULT_AGENT_SOCKET;
}
