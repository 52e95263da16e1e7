import path from 'node:path';
import type { AgentConfig } from '@dlp/shared';

/** Where this agent listens: the configured `localSocket`, else `<dataDir>/agent.sock` (root only). */
export function agentSocketPath(config: Pick<AgentConfig, 'dataDir' | 'localSocket'>): string {
  return config.localSocket ?? path.join(config.dataDir, 'agent.sock');
}
