import { createHash } from 'node:crypto';
import type { FileIdentity, KillResult, ProcessSnapshot, ProcessTable } from '../enforce/apps/app-platform';

/** A process in the fake table. `content` stands for the executable's bytes (hashed like a file). */
export interface FakeProcess {
  pid: number;
  ppid?: number;
  uid?: number;
  startTime?: string;
  exePath: string | null;
  content?: string;
  kernelThread?: boolean;
  /** Its command line and working directory (for interpreters running scripts). */
  argv?: string[];
  cwd?: string;
}

interface StoredProcess {
  pid: number;
  ppid: number;
  uid: number;
  startTime: string;
  exePath: string | null;
  content: string;
  kernelThread: boolean;
  ino: number;
  argv: string[];
  cwd: string | null;
}

/**
 * In-memory process table for tests of the app control logic: processes are added and exec'd by
 * the test, kills are recorded, hashing is counted so tests can check the cache.
 */
export class FakeProcessTable implements ProcessTable {
  private readonly procs = new Map<number, StoredProcess>();
  private nextIno = 1000;
  private nextStart = 1;
  /** Same path and content = same file (same inode), as for processes running one binary. */
  private readonly inodes = new Map<string, number>();
  /** What is at each path now (the image of the last process spawned or exec'd from it). */
  private readonly files = new Map<string, { content: string; ino: number }>();
  readonly killed: number[] = [];
  hashCalls = 0;
  /** How many times the process list was read (one per scan). */
  listCalls = 0;
  /** Pids whose kill() should fail with `denied`. */
  readonly protectedPids = new Set<number>();

  spawn(proc: FakeProcess): void {
    this.procs.set(proc.pid, {
      pid: proc.pid,
      ppid: proc.ppid ?? 1,
      uid: proc.uid ?? 1000,
      startTime: proc.startTime ?? String(this.nextStart++),
      exePath: proc.exePath,
      content: proc.content ?? `binary:${proc.exePath ?? ''}`,
      kernelThread: proc.kernelThread ?? false,
      argv: proc.argv ?? (proc.exePath ? [proc.exePath] : []),
      cwd: proc.cwd ?? null,
      ino: this.inodeOf(proc.exePath, proc.content ?? `binary:${proc.exePath ?? ''}`),
    });
  }

  /** execve(): same pid and start time, new image. */
  exec(pid: number, exePath: string, content?: string): void {
    const proc = this.procs.get(pid);
    if (!proc) throw new Error(`no fake process ${pid}`);
    const image = content ?? `binary:${exePath}`;
    this.procs.set(pid, { ...proc, exePath, content: image, ino: this.inodeOf(exePath, image) });
  }

  private inodeOf(exePath: string | null, content: string): number {
    const key = `${exePath ?? ''}\0${content}`;
    let ino = this.inodes.get(key);
    if (ino === undefined) {
      ino = this.nextIno++;
      this.inodes.set(key, ino);
    }
    if (exePath) this.files.set(exePath, { content, ino });
    return ino;
  }

  exit(pid: number): void {
    this.procs.delete(pid);
  }

  isRunning(pid: number): boolean {
    return this.procs.has(pid);
  }

  async listPids(): Promise<number[]> {
    this.listCalls++;
    return [...this.procs.keys()];
  }

  async inspect(pid: number): Promise<ProcessSnapshot | null> {
    const p = this.procs.get(pid);
    return p ? { pid: p.pid, ppid: p.ppid, uid: p.uid, startTime: p.startTime, exePath: p.exePath, kernelThread: p.kernelThread } : null;
  }

  async exePath(pid: number): Promise<string | null> {
    return this.procs.get(pid)?.exePath ?? null;
  }

  async exePaths(pids: readonly number[]): Promise<Map<number, string | null>> {
    return new Map(pids.map((pid) => [pid, this.procs.get(pid)?.exePath ?? null]));
  }

  async startTime(pid: number): Promise<string | null> {
    return this.procs.get(pid)?.startTime ?? null;
  }

  async executableIdentity(pid: number): Promise<FileIdentity | null> {
    const p = this.procs.get(pid);
    return p?.exePath ? { dev: 1, ino: p.ino, size: p.content.length, ctimeNs: 0n } : null;
  }

  async hashExecutable(pid: number): Promise<string | null> {
    const p = this.procs.get(pid);
    if (!p?.exePath) return null;
    this.hashCalls++;
    return fakeSha256(p.content);
  }

  async fileIdentity(file: string): Promise<FileIdentity | null> {
    const f = this.files.get(file);
    return f ? { dev: 1, ino: f.ino, size: f.content.length, ctimeNs: 0n } : null;
  }

  async hashFile(file: string): Promise<string | null> {
    const f = this.files.get(file);
    if (!f) return null;
    this.hashCalls++;
    return fakeSha256(f.content);
  }

  /** A file that is not a running image (a script), readable through fileIdentity/hashFile. */
  addFile(file: string, content: string): void {
    this.inodeOf(file, content);
  }

  async commandLine(pid: number): Promise<{ argv: string[]; cwd: string | null } | null> {
    const p = this.procs.get(pid);
    return p ? { argv: [...p.argv], cwd: p.cwd } : null;
  }

  async kill(pid: number): Promise<KillResult> {
    if (this.protectedPids.has(pid)) return 'denied';
    if (!this.procs.delete(pid)) return 'gone';
    this.killed.push(pid);
    return 'killed';
  }
}

/** The sha256 the fake table reports for an executable with this content. */
export function fakeSha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
