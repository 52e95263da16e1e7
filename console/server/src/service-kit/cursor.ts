import { agentId } from '@dlp/shared';
import { ServiceError } from './service-error';

function badCursor(): ServiceError {
  return new ServiceError('invalid_request', 'invalid_request', 'The cursor is not valid.', [
    { path: 'cursor', message: 'must be a cursor returned by the API' },
  ]);
}

/** Event pages: the cursor is base64url of the last row's internal ingest number. */
export function encodeRowCursor(rowId: number): string {
  return Buffer.from(String(rowId), 'utf8').toString('base64url');
}

export function decodeRowCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw badCursor();
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw badCursor();
  return value;
}

/** Agent pages: the cursor is base64url of the last agent id (ids sort by enrollment time). */
export function encodeIdCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!agentId.safeParse(id).success) throw badCursor();
  return id;
}
