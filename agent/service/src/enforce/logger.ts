/**
 * The logging interface enforcement code writes to. It lives here, not in core/, so enforce/ depends
 * on nothing of the service around it (lint rule in eslint.config.mjs); core/logger.ts implements it.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` (e.g. `{ component: 'link' }`) to every line. */
  child(bindings: LogFields): Logger;
}

/** For tests and tools that do not want output. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
