import { redactSecrets } from './redact-secrets';

/** Structured fields attached to a log line. Never put secrets (passwords, tokens) here. */
export type LogFields = Record<string, unknown>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Turns an unknown thrown value into loggable fields without dumping arbitrary objects. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { error: err.message, stack: err.stack };
  try {
    return { error: String(err) };
  } catch {
    // A thrown object whose toString throws (or a null-prototype one): still a log line, not a second throw.
    return { error: '(unprintable thrown value)' };
  }
}

/**
 * JSON lines (`{"level","time","msg",...}`) written to `write` (stderr by default): one line per
 * record so log shippers and tests can parse them.
 */
export function createJsonLogger(options: { minLevel?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = LEVEL_ORDER[options.minLevel ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[level] < min) return;
    let line: string;
    try {
      // Belt and braces: a field named like a credential (password, token, secret, cookie…) is
      // written as [redacted] even if a caller put one there by mistake.
      line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...(fields ? (redactSecrets(fields) as LogFields) : undefined) });
    } catch {
      line = JSON.stringify({ level, time: new Date().toISOString(), msg, fields: '(unserializable)' });
    }
    write(`${line}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
