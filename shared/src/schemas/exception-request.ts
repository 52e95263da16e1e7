import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from '../limits';
import { deviceIdentity } from './exception';
import { absolutePath, sha256Hex, shortString } from './primitives';

/** Longest exception anyone may request or grant: an exception is time-boxed, not a standing rule. */
export const MAX_EXCEPTION_MINUTES = 30 * 24 * 60;

/** What an exception request is for: one USB stick (by identity), or one executable by content. */
export const exceptionRequestTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('usb-device'), device: deviceIdentity }),
  z.strictObject({ kind: z.literal('app'), sha256: sha256Hex, exePath: absolutePath }),
]);
export type ExceptionRequestTarget = z.infer<typeof exceptionRequestTarget>;

/** Why the employee needs it: not empty, bounded. */
export const exceptionJustification = z.string().trim().min(1).max(LIMITS.maxText);

export const requestedMinutes = z.number().int().min(1).max(MAX_EXCEPTION_MINUTES);

/**
 * agent → console: an employee asks for an exception (through the agent's local CLI or tray). The
 * console files it for officers; `requestId` (chosen by the agent) makes a resend harmless.
 */
export const exceptionRequestMessage = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('exception-request'),
  requestId: z.uuidv7(),
  target: exceptionRequestTarget,
  justification: exceptionJustification,
  requestedMinutes,
  /** The workstation user asking, as the agent sees them (null when nobody is logged in). */
  user: shortString.nullable(),
});
export type ExceptionRequestMessage = z.infer<typeof exceptionRequestMessage>;
