import { z } from 'zod';
import { nonNegativeInt, shortString } from './primitives';

/** What an agent says about its host when it enrolls and on every connect. */
export const agentInfo = z.strictObject({
  hostname: shortString,
  os: z.enum(['linux', 'windows', 'macos']),
  osVersion: z.string().max(128),
  agentVersion: z.string().max(64),
  /** The user logged in at the console of the workstation, if any. */
  user: z.string().max(256).nullable(),
});
export type AgentInfo = z.infer<typeof agentInfo>;

/**
 * Honest capability report: which controls are really in force on this OS, and how. The console
 * shows it as-is; we never claim a control the agent does not enforce.
 */
export const capabilityReport = z.strictObject({
  apps: z.strictObject({
    method: z.enum(['fanotify', 'proc-scan', 'none']),
    preExec: z.boolean(),
    failMode: z.enum(['open', 'closed']),
    helper: z
      .strictObject({
        running: z.boolean(),
        restarts: nonNegativeInt,
        timeouts: nonNegativeInt,
        cacheHitRate: z.number().min(0).max(1),
      })
      .optional(),
  }),
  usb: z.strictObject({
    method: z.enum(['sysfs-authorized', 'none']),
    mountGuard: z.boolean(),
  }),
  screen: z.strictObject({
    captureToolBlocking: z.boolean(),
    windowCaptureExclusion: z.boolean(),
  }),
  notes: z.array(z.string().max(200)).max(16).default([]),
});
export type CapabilityReport = z.infer<typeof capabilityReport>;
