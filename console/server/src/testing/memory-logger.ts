import type { LogFields, Logger, LogLevel } from '../logging/logger';

export interface LogRecord extends LogFields {
  level: LogLevel;
  msg: string;
}

/** A logger that keeps records in memory so tests can assert what was logged (and stay quiet). */
export function createMemoryLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const add = (level: LogLevel) => (msg: string, fields?: LogFields) => void records.push({ ...fields, level, msg });
  return { records, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}
