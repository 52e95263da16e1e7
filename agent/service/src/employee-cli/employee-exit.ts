/**
 * Exit codes of every `dlp-agent` employee command: scripts tell outcomes apart by them
 * (docs/LOCAL-CHANNEL.md). `customerDataFound` is `scan`'s: it finished and found files over the
 * policy's threshold. `interrupted` is the shell's convention for Ctrl-C (128 + SIGINT).
 */
export const EMPLOYEE_EXIT = { done: 0, refused: 1, badUsage: 2, agentUnreachable: 3, forbidden: 4, rateLimited: 5, customerDataFound: 6, interrupted: 130 } as const;

export interface EmployeeCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Where relative paths are taken from (default: the process's working folder). */
  cwd?: string;
  /** Progress output, written as is (default: stderr). */
  progress?: (chunk: string) => void;
  /** Whether progress goes to a terminal (default: whether stderr is one). */
  tty?: boolean;
  /** Cancels a running scan (default: Ctrl-C, SIGINT). */
  signal?: AbortSignal;
}
