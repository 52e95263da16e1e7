/**
 * What app control needs from the OS, beside the USB interfaces (enforce/usb/usb-platform.ts): the
 * process table and the agent's own identity. platform/<os>/ implements them; enforce/ only sees these.
 */

/** One running process, as far as the agent needs to judge it. */
export interface ProcessSnapshot {
  pid: number;
  ppid: number;
  /** Real uid of the process owner. */
  uid: number;
  /**
   * Opaque start-time token (clock ticks since boot on Linux). A pid with another start time is
   * another process (pid reuse).
   */
  startTime: string;
  /** Absolute path of the running executable, or null for kernel threads and zombies. */
  exePath: string | null;
  /** Kernel threads have no executable and must never be judged or killed. */
  kernelThread: boolean;
}

/**
 * What identifies the content of a file without reading it: a changed file changes one of these.
 * ctime, not mtime: an employee can set a file's mtime back (`touch -d`) after rewriting it, never
 * its ctime. Within one timestamp step a rewrite may keep even ctime; ExecutableHashCache does not
 * trust a hash of a file that changed that shortly before it.
 */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  /** Last status change, nanoseconds since the epoch (wall clock, the clock file times come from). */
  ctimeNs: bigint;
}

export type KillResult = 'killed' | 'gone' | 'denied';

/** The host's process table. */
export interface ProcessTable {
  /** Pids of every process visible now. */
  listPids(): Promise<number[]>;
  /** Null when the process is gone or cannot be inspected. */
  inspect(pid: number): Promise<ProcessSnapshot | null>;
  /** Cheap re-check: the executable path of a process (null when none or gone). */
  exePath(pid: number): Promise<string | null>;
  /**
   * The same for many pids at once: the scanner re-checks every known process each pass, and one
   * call lets an implementation avoid a promise per process.
   */
  exePaths(pids: readonly number[]): Promise<Map<number, string | null>>;
  /** Start-time token only, for the pid reuse check (null when gone). */
  startTime(pid: number): Promise<string | null>;
  /** Identity of the image the process is running (not of whatever is at its path now). */
  executableIdentity(pid: number): Promise<FileIdentity | null>;
  /** SHA-256 (lowercase hex) of the image the process is running; null when it cannot be read. */
  hashExecutable(pid: number): Promise<string | null>;
  /** Identity of the file now at `path` (null when missing). */
  fileIdentity(path: string): Promise<FileIdentity | null>;
  /** SHA-256 of the file now at `path`: evidence for a process already killed. */
  hashFile(path: string): Promise<string | null>;
  /** SIGKILL. */
  kill(pid: number): Promise<KillResult>;
  /**
   * The process's argv and working directory (null when gone), to find the script an interpreter
   * runs. Optional: a table without it judges executables only.
   */
  commandLine?(pid: number): Promise<{ argv: string[]; cwd: string | null } | null>;
}

/** The identity of the agent's own process, which app control must never kill. */
export interface SelfInfo {
  pid: number;
  ppid: number;
}
