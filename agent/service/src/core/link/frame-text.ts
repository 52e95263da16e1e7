import type WebSocket from 'ws';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One field of a frame's JSON as received, before zod touched it (what a signature covers). */
export function rawField(text: string, field: string): unknown {
  const raw: unknown = JSON.parse(text);
  return isRecord(raw) ? raw[field] : undefined;
}

/** A ws frame as UTF-8 text, whatever buffer shape ws delivered it in. */
export function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
