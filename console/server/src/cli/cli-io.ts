import type { Logger } from '../logging/logger';

// Its own file so the command modules and dlp-commands.ts (which dispatches to them) do not import each other.
/** Where the CLI writes: `out` gets the one line a script may capture, `err` everything else. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** stderr for a progress bar redrawn in place (`dlp mask`); absent: no progress shown. */
  terminal?: { isTTY: boolean; write(text: string): void };
}
