/** Structured logging: one JSON object per line on stderr, so journald and tests can parse it. */

import type { LogFields, Logger } from '../enforce/logger';

// The interface is enforce's (enforce/ imports nothing from core/); re-exported for the service.
export type { LogFields, Logger } from '../enforce/logger';
export { silentLogger } from '../enforce/logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values must never reach a log line, whoever passes them by mistake. */
const SECRET_KEY = /token|secret|password|private|signature|authorization/i;

/** Replaces secret-looking fields (at any depth) with a marker. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item: unknown) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1);
  return out;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}

export function createJsonLogger(options: JsonLoggerOptions = {}, bindings: LogFields = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    const record = { ts: now().toISOString(), level, msg, ...(redact({ ...bindings, ...fields }) as LogFields) };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (more) => createJsonLogger(options, { ...bindings, ...more }),
  };
}
