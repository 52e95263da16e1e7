import { PROTOCOL_VERSION, type ConsoleToAgentMessage, type SignedPolicy } from '@dlp/shared';

/**
 * The policy frame by policy object: a publish hands the same object to every connection of the
 * group, so 10,000 agents cost one JSON serialisation, not 10,000.
 */
const policyFrames = new WeakMap<SignedPolicy, string>();

/** The serialised `policy` frame for a (group-bound) signed policy, built once per policy object. */
export function policyFrame(policy: SignedPolicy): string {
  let frame = policyFrames.get(policy);
  if (frame === undefined) {
    frame = JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy', policy } satisfies ConsoleToAgentMessage);
    policyFrames.set(policy, frame);
  }
  return frame;
}
