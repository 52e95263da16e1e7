import type { ClosedFileSource } from '../core/removable-scan/closed-file-watcher';
import type { Socket } from 'node:net';
import type { HardeningSection, HardeningStatus, PolicyMode } from '@dlp/shared';
import type { PreExecSupport } from '../enforce/apps/app-control';
import type { ProcessTable, SelfInfo } from '../enforce/apps/app-platform';
import type { UsbPlatform } from '../enforce/usb/usb-platform';

// The app control's view of the host sits beside the USB one (enforce/apps/app-platform.ts).
export type { FileIdentity, KillResult, ProcessSnapshot, ProcessTable, SelfInfo } from '../enforce/apps/app-platform';

/**
 * Every OS call the agent service makes goes through these interfaces, so the service logic runs
 * unchanged against the real host (platform/linux) or a fake (platform/fake) in tests.
 */

/** Facts about the host the agent reports when it enrolls and connects. */
export interface HostInfo {
  hostname(): Promise<string>;
  osVersion(): Promise<string>;
  /** The user logged in at the workstation's console, if any. */
  loggedInUser(): Promise<string | null>;
  /** uid → user name (from the host's user database); null when unknown. */
  userName(uid: number): Promise<string | null>;
}

export type PlatformOs = 'linux' | 'windows' | 'macos';

/** A process connected to the agent's local socket, as the kernel identifies it. */
export interface LocalPeer {
  pid: number;
  uid: number;
  gid: number;
  /** The account name of `uid`, or null when the user database has none. */
  name: string | null;
}

/** Asks the OS who is connected (Linux: SO_PEERCRED; Windows, in the design: the pipe client's token). */
export interface PeerCredentialSource {
  identify(socket: Socket): Promise<LocalPeer>;
}

/** Everything OS-specific, picked once at start-up (platform/index.ts). */
export interface Platform {
  os: PlatformOs;
  processes: ProcessTable;
  host: HostInfo;
  self: SelfInfo;
  /** USB devices and the mount table (sysfs + mountinfo on Linux). */
  usb: UsbPlatform;
  /** Blocking programs before they start, where the OS offers it (Linux: fanotify); absent otherwise. */
  preExec?: PreExecSupport;
  /** Identifies the local socket's peers: the employee channel acts on nothing else. */
  peers: PeerCredentialSource;
  /** Host hardening, keeping the host's previous values in `stateFile`; absent where the OS has none. */
  hardening?(stateFile: string): HostHardeningPort;
  /** Files written and closed on a mount, from the kernel (Linux: fanotify); absent: the agent watches with inotify. */
  closedFiles?: ClosedFileSource;
}

/** The policy's hardening switches on this host (Linux sysctls under the platform's proc root). */
export interface HostHardeningPort {
  applySection(section: HardeningSection | undefined, mode: PolicyMode | null): Promise<HardeningStatus[]>;
  restoreAll(): Promise<void>;
  status(): HardeningStatus[];
}

/** Where host paths are read, so tests can point the real agent at a fake tree (handbook §3). */
export interface HostRoots {
  proc: string;
  sys: string;
  etc: string;
}
