import type { AgentInfo } from '@dlp/shared';
import type { HostInfo } from '../platform/types';
import { AGENT_VERSION } from '../version';

/**
 * What the agent tells the console about itself when it enrolls and at every hello (the service's
 * link and the package's one-shot `dlp-agent enroll` say the same). `hostname`: already sanitized.
 */
export async function describeAgent(host: Pick<HostInfo, 'osVersion' | 'loggedInUser'>, os: AgentInfo['os'], hostname: string): Promise<AgentInfo> {
  return {
    hostname,
    os,
    osVersion: (await host.osVersion()).slice(0, 128),
    agentVersion: AGENT_VERSION,
    user: (await host.loggedInUser())?.slice(0, 256) ?? null,
  };
}
