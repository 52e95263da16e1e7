/**
 * The scan worker becomes the asking user before it reads anything: the user's groups as login
 * gives them (initgroups, through NSS), then their gid, then their uid. From then on the kernel
 * decides every open, so the worker reads exactly what that user may read (mode bits, ACLs and
 * LSMs included) without the agent re-implementing any of it. POSIX only (the agent's Linux
 * worker); a Windows agent would impersonate the pipe client instead.
 */
export interface RunAs {
  uid: number;
  gid: number;
  /** The account name (NSS), for its supplementary groups; null: none known, the primary group only. */
  name: string | null;
}

/** Takes `who`'s identity for good; throws when it cannot, or when root could be taken back. */
/** `process.initgroups` exists on POSIX since Node 0.9 but is missing from @types/node 20. */
type WithInitgroups = NodeJS.Process & { initgroups?: (user: string | number, extraGroup: string | number) => void };

export function dropPrivileges(who: RunAs): void {
  const p: WithInitgroups = process;
  if (!p.getuid || !p.setuid || !p.setgid || !p.setgroups || !p.getgid || !p.geteuid || !p.getegid) throw new Error('this platform cannot change a process’s user');
  if (p.getuid() !== 0) {
    // An agent not run as root (a developer's) can only scan as itself.
    if (p.getuid() === who.uid) return;
    throw new Error('the agent is not running as root: it cannot read files as another user');
  }
  try {
    if (!p.initgroups || who.name === null) throw new Error('no account name');
    p.initgroups(who.name, who.gid);
  } catch {
    // No name, or NSS failed: the primary group only (fewer rights, never more).
    p.setgroups([who.gid]);
  }
  p.setgid(who.gid);
  p.setuid(who.uid);
  if (p.getuid() !== who.uid || p.geteuid() !== who.uid || p.getgid() !== who.gid || p.getegid() !== who.gid) throw new Error('the worker did not become the user');
  let regained = false;
  try {
    p.setuid(0);
    regained = true;
  } catch {
    // Expected: root is gone for good.
  }
  if (regained) throw new Error('the worker could take root back after dropping it');
}
