import { z } from 'zod';
import { absolutePath } from './primitives';

/**
 * The agent's configuration file (JSON, written by the installer, readable by root only because it
 * may hold the enroll secret until the first enrollment succeeds).
 */
export const agentConfig = z.strictObject({
  /** ws:// or wss:// URL of the console's agent endpoint, e.g. wss://console.example:8443/agent */
  consoleUrl: z.url({ protocol: /^wss?$/ }),
  /**
   * SHA-256 (hex) of the console certificate's public key (SPKI) for wss. When set the agent pins it
   * from the start; otherwise it pins the key it sees when it enrolls (trust on first use).
   */
  consoleCertSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters').optional(),
  /**
   * SHA-256 (hex) of the console's policy-signing public key (SPKI DER; its first 16 digits are the
   * key id the console shows). When set, enrollment refuses a console offering any other key, so the
   * key is pinned before first contact instead of trusted on first use.
   */
  consoleSigningKeySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters').optional(),
  /** One-time enroll secret; not needed once credentials exist in dataDir. */
  enrollSecret: z.string().min(16).max(128).optional(),
  /** Where credentials, the last good policy and the outbox live. */
  dataDir: absolutePath,
  /**
   * The local socket for the `dlp-agent` command and the tray. Every local user may connect; the
   * agent asks the kernel who each peer is. The packages set `/run/dlp-agent/agent.sock`; absent:
   * `<dataDir>/agent.sock`, which only root can reach (the data directory is 0700).
   */
  localSocket: absolutePath.optional(),
  /** How often the /proc scanner looks for new processes (fallback app control). */
  scanIntervalMs: z.number().int().min(20).max(250).default(250),
  /**
   * While pre-exec blocking is in force, the /proc scanner still runs this often as a second line:
   * blocked content found running got past it, is killed and reported as a `bypass` event. 0: off.
   */
  secondLineIntervalMs: z.number().int().min(0).max(60_000).default(5000),
  /**
   * How applications are controlled. `auto`: pre-exec blocking (fanotify helper) where this host
   * supports it, else the /proc scanner. `fanotify`: the same, but a host that cannot do it is an
   * error in the log and a note in the capability report (the scanner still takes over, since
   * enforcing less beats enforcing nothing). `proc-scan`: kill after start only.
   */
  appControl: z
    .strictObject({
      method: z.enum(['auto', 'fanotify', 'proc-scan']).default('auto'),
      /**
       * Where pre-exec blocking watches execs: `all` mounts (and new ones as they appear), or only
       * these mount points (each must be a mount point; tests use a tmpfs of their own).
       */
      fanotifyMarks: z.union([z.literal('all'), z.array(absolutePath).min(1).max(256)]).default('all'),
    })
    .default({ method: 'auto', fanotifyMarks: 'all' }),
  /** Host paths, configurable so tests run the real agent against a fake tree (handbook §3). */
  hostRoots: z
    .strictObject({
      proc: absolutePath.default('/proc'),
      sys: absolutePath.default('/sys'),
      etc: absolutePath.default('/etc'),
      /** The host's file tree for program folders (/usr/bin, /etc/alternatives) and package databases. */
      root: absolutePath.default('/'),
    })
    .default({ proc: '/proc', sys: '/sys', etc: '/etc', root: '/' }),
  /** Most events kept unsent before the oldest are dropped and a gap event is recorded. */
  outboxMaxEvents: z.number().int().min(100).max(10_000_000).default(200_000),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type AgentConfig = z.infer<typeof agentConfig>;
export type AgentConfigInput = z.input<typeof agentConfig>;
