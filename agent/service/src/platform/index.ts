import { createLinuxPlatform } from './linux/linux-platform';
import type { HostRoots, Platform } from './types';

export type { Platform, HostRoots } from './types';

/** Thrown when the agent runs on an OS it has no adapter for yet. */
export class UnsupportedPlatformError extends Error {}

/**
 * Picks the OS adapter. The ONLY place that looks at process.platform (lint enforces this):
 * everything else gets a `Platform` and never branches on the OS.
 */
export function createPlatform(roots: HostRoots, options: { onUsbError?: (message: string) => void } = {}): Platform {
  const os = process.platform;
  switch (os) {
    case 'linux':
      return createLinuxPlatform({ roots, ...options });
    default:
      throw new UnsupportedPlatformError(`the agent service has no adapter for ${os} yet`);
  }
}
