import type { LogFields, Logger } from '../enforce/logger';

/** One line a RecordingLogger kept. */
export interface RecordedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: LogFields;
}

/** A logger for tests that keeps every line (child bindings merged into the fields). */
export function recordingLogger(lines: RecordedLine[], bindings: LogFields = {}): Logger {
  const keep = (level: RecordedLine['level']) => (msg: string, fields: LogFields = {}) => void lines.push({ level, msg, fields: { ...bindings, ...fields } });
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error'), child: (more) => recordingLogger(lines, { ...bindings, ...more }) };
}
