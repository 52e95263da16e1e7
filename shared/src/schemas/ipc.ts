import { z } from 'zod';
import { CONTENT_SCAN_LIMITS, scanCriteria, scannedFile, scanProgress, scanRefusal } from './content-scan';
import { deviceIdentity } from './exception';
import { exceptionJustification, exceptionRequestTarget, requestedMinutes } from './exception-request';
import { agentStatus, blockNotice, exceptionRequestState } from './ipc-employee';
import { absolutePath, shortString, text, timestamp } from './primitives';

/**
 * The local IPC between the agent service and the programs on the same workstation that talk to it
 * (the `dlp-agent` command and the tray app): a Unix socket any local user may connect to, one JSON
 * object per line; each request gets exactly one response line, in order. The agent learns who is
 * asking from the kernel (SO_PEERCRED), never from the message, and lets an ordinary user act only
 * for themselves. After `subscribe` a connection receives `notice` lines and takes no more requests.
 * Both sides validate with these schemas (handbook principle 5). The channel is documented for its
 * users in docs/LOCAL-CHANNEL.md.
 */
export const IPC_VERSION = 1;

export const IPC_LIMITS = {
  /** Longest line either side accepts; a longer one is refused and the connection closed. */
  maxLineBytes: 64 * 1024,
  /** Most blocks one `recent-blocks` answer lists (the agent keeps this many per user). */
  maxRecentBlocks: 200,
  /** Most requests `my-requests` lists. */
  maxRequestStates: 50,
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
  /**
   * For whom: honoured only from root (a helpdesk script run through sudo names the employee). From
   * anyone else the request is for the asking account, and naming another user is refused.
   */
  user: shortString.optional(),
});

/** What is in force here and whether the console is reachable: the tray's icon and first page. */
export const ipcStatusRequest = z.strictObject({ v, type: z.literal('status') });

/** The asking user's own recent blocks, newest first (root: everyone's). */
export const ipcRecentBlocksRequest = z.strictObject({
  v,
  type: z.literal('recent-blocks'),
  limit: z.number().int().min(1).max(IPC_LIMITS.maxRecentBlocks).default(50),
});

/** The asking user's own exception requests and what became of them. */
export const ipcMyRequestsRequest = z.strictObject({ v, type: z.literal('my-requests') });

/**
 * The tray says whether the watermark the policy asks for is on screen. The agent reports to the
 * console when it is not (or when no tray of the logged-in user reports at all).
 */
export const ipcTrayReport = z.strictObject({
  v,
  type: z.literal('tray-report'),
  watermark: z.strictObject({
    state: z.enum(['shown', 'not-shown', 'off']),
    /** Displays covered, and displays the tray knows of. */
    shownOn: z.number().int().min(0).max(64),
    displays: z.number().int().min(0).max(64),
    /** Why not (e.g. the window could not be created); English, for the officer. */
    reason: z.string().max(500).optional(),
  }),
  /**
   * The tray's capture guards on this OS: whether its own windows are kept out of screen captures
   * (`setContentProtection`: Windows effective, macOS partial, Linux unavailable), and the
   * clipboard guard that clears captured images while the policy blocks screen capture.
   */
  captureGuard: z
    .strictObject({
      windowCaptureExclusion: z.enum(['effective', 'partial', 'unavailable']),
      clipboardGuard: z.enum(['on', 'off']),
      imagesCleared: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    })
    .optional(),
});
export type IpcTrayReport = z.infer<typeof ipcTrayReport>;

/** Turns the connection into a stream of `notice` lines (block notices, status changes). */
export const ipcSubscribeRequest = z.strictObject({ v, type: z.literal('subscribe') });

/**
 * Scan a file or folder tree for customer personal data (`dlp-agent scan PATH`), reading only what
 * the asking user may read (root: anything). The agent answers with `scan-progress` and `scan-file`
 * lines, then one `scan-result` (or an `error`: `busy` while a scan of this user runs). Closing the
 * connection cancels the scan.
 */
export const ipcScanRequest = z.strictObject({
  v,
  type: z.literal('scan'),
  /** Absolute: the client resolves a relative path against its own working folder. */
  path: absolutePath,
  /** Fewer files than the agent's limit, for a quick look. */
  maxFiles: z.number().int().min(1).max(CONTENT_SCAN_LIMITS.maxFiles).optional(),
});
export type IpcScanRequest = z.infer<typeof ipcScanRequest>;
export type IpcExceptionRequest = z.infer<typeof ipcExceptionRequest>;
export type IpcUnlockRequest = z.infer<typeof ipcUnlockRequest>;

export const ipcRequest = z.discriminatedUnion('type', [
  ipcUnlockRequest,
  ipcExceptionRequest,
  ipcStatusRequest,
  ipcRecentBlocksRequest,
  ipcMyRequestsRequest,
  ipcSubscribeRequest,
  ipcTrayReport,
  ipcScanRequest,
]);
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
  code: z.enum([
    'bad_request',
    'too_big',
    'internal_error',
    /** An ordinary user asked to act for someone else. */
    'forbidden',
    /** Too many requests from this account; `retryAfterMs` says when to try again. */
    'rate_limited',
    /** The agent could not tell who is asking, so it answers nothing. */
    'unauthenticated',
    /** A scan of this user is already running (one at a time per user), or the agent runs as many as it allows. */
    'busy',
  ]),
  message: text,
  retryAfterMs: z.number().int().min(0).max(3_600_000).optional(),
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

export const ipcStatusResult = z.strictObject({ v, type: z.literal('status-result'), status: agentStatus });
export const ipcRecentBlocksResult = z.strictObject({
  v,
  type: z.literal('recent-blocks-result'),
  blocks: z.array(blockNotice).max(IPC_LIMITS.maxRecentBlocks),
});
export const ipcMyRequestsResult = z.strictObject({
  v,
  type: z.literal('my-requests-result'),
  requests: z.array(exceptionRequestState).max(IPC_LIMITS.maxRequestStates),
});
export const ipcTrayReportResult = z.strictObject({ v, type: z.literal('tray-report-result'), recorded: z.boolean() });
export const ipcSubscribed = z.strictObject({ v, type: z.literal('subscribed'), status: agentStatus });

/** Pushed to subscribed connections: a block of this user, or a change of what is in force. */
export const ipcNotice = z.strictObject({
  v,
  type: z.literal('notice'),
  notice: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('block'), block: blockNotice }),
    z.strictObject({ kind: z.literal('status'), status: agentStatus }),
  ]),
});
export type IpcNotice = z.infer<typeof ipcNotice>;

/** How far a scan is: sent when something changed, at most a few times a second. */
export const ipcScanProgress = z.strictObject({ v, type: z.literal('scan-progress'), progress: scanProgress });
/** A file worth showing, as soon as it is judged. */
export const ipcScanFile = z.strictObject({ v, type: z.literal('scan-file'), file: scannedFile });
/** The last line of a scan: what it found in all, or why it did not start or could not finish. */
export const ipcScanResult = z.strictObject({
  v,
  type: z.literal('scan-result'),
  outcome: z.enum(['completed', 'refused', 'failed']),
  /** With `refused`. */
  refusal: scanRefusal.optional(),
  /** English, for logs and scripts; the command says it in the user's language. */
  message: text,
  progress: scanProgress,
  criteria: scanCriteria,
});
export type IpcScanResult = z.infer<typeof ipcScanResult>;

export const ipcResponse = z.discriminatedUnion('type', [
  ipcUnlockResult,
  ipcExceptionRequestResult,
  ipcError,
  ipcStatusResult,
  ipcRecentBlocksResult,
  ipcMyRequestsResult,
  ipcSubscribed,
  ipcNotice,
  ipcTrayReportResult,
  ipcScanProgress,
  ipcScanFile,
  ipcScanResult,
]);
export type IpcResponse = z.infer<typeof ipcResponse>;
