import { z } from 'zod';
import { deviceIdentity } from './exception';
import { exceptionJustification, exceptionRequestTarget, requestedMinutes } from './exception-request';
import { shortString, text, timestamp } from './primitives';

/**
 * The local IPC between the agent service and the programs on the same workstation that talk to it
 * (the `unlock` CLI now, the tray app later): a Unix socket, `<dataDir>/agent.sock`, one JSON object
 * per line; each request gets exactly one response line, in order. Both sides validate with these
 * schemas (handbook principle 5).
 */
export const IPC_VERSION = 1;

export const IPC_LIMITS = {
  /** Longest line either side accepts; a longer one is refused and the connection closed. */
  maxLineBytes: 64 * 1024,
} as const;

const v = z.literal(IPC_VERSION);

/** An employee typed an offline unlock code for a USB device that is plugged in now. */
export const ipcUnlockRequest = z.strictObject({
  v,
  type: z.literal('unlock'),
  /** As typed: any case, with or without dashes and spaces. */
  code: z.string().min(1).max(128),
});

/**
 * An employee asks for an exception (`dlp-agent request-exception`): the agent forwards it to the
 * console as an `exception-request` message; officers decide there.
 */
export const ipcExceptionRequest = z.strictObject({
  v,
  type: z.literal('request-exception'),
  target: exceptionRequestTarget,
  justification: exceptionJustification,
  requestedMinutes,
  /** Who asks (the CLI sends the invoking user); absent: the user logged in at the workstation. */
  user: shortString.optional(),
});
export type IpcExceptionRequest = z.infer<typeof ipcExceptionRequest>;
export type IpcUnlockRequest = z.infer<typeof ipcUnlockRequest>;

export const ipcRequest = z.discriminatedUnion('type', [ipcUnlockRequest, ipcExceptionRequest]);
export type IpcRequest = z.infer<typeof ipcRequest>;

/** Why an unlock code was refused; `message` says it in words for the person at the keyboard. */
export const unlockRefusalReason = z.enum([
  /** Not 24 characters of the code alphabet (`position` names the first bad character). */
  'format',
  /** Mistyped: the check characters do not match (`position` is set when the typo can be located). */
  'checksum',
  /** Genuine-looking but not for a device plugged in here, or not for this computer. */
  'not-valid',
  'expired',
  /** Each code works once. */
  'reused',
  /** This agent has no unlock key (not enrolled, or enrolled by a console that sent none). */
  'unavailable',
  /** No restricted USB device is plugged in, so there is nothing to unlock. */
  'no-device',
]);
export type UnlockRefusalReason = z.infer<typeof unlockRefusalReason>;

export const ipcUnlockResult = z.strictObject({
  v,
  type: z.literal('unlock-result'),
  result: z.discriminatedUnion('ok', [
    z.strictObject({
      ok: z.literal(true),
      device: deviceIdentity.extend({ name: shortString.optional() }),
      expiresAt: timestamp,
      message: text,
    }),
    z.strictObject({
      ok: z.literal(false),
      reason: unlockRefusalReason,
      message: text,
      /** 1-based position of the suspect character among the code's 24 (dashes and spaces not counted). */
      position: z.number().int().min(1).max(128).optional(),
    }),
  ]),
});
export type IpcUnlockResult = z.infer<typeof ipcUnlockResult>;

/** The request could not be handled at all (not JSON, unknown type, too long, internal failure). */
export const ipcError = z.strictObject({
  v,
  type: z.literal('error'),
  code: z.enum(['bad_request', 'too_big', 'internal_error']),
  message: text,
});

/** Whether the request reached the console (it is not kept for later: ask again once online). */
export const ipcExceptionRequestResult = z.strictObject({
  v,
  type: z.literal('request-exception-result'),
  result: z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), requestId: z.uuidv7(), message: text }),
    z.strictObject({ ok: z.literal(false), reason: z.enum(['offline', 'not-enrolled']), message: text }),
  ]),
});
export type IpcExceptionRequestResult = z.infer<typeof ipcExceptionRequestResult>;

export const ipcResponse = z.discriminatedUnion('type', [ipcUnlockResult, ipcExceptionRequestResult, ipcError]);
export type IpcResponse = z.infer<typeof ipcResponse>;
