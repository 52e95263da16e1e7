import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface MainOptions {
  dataDir: string;
  port: number;
  host: string;
  webDir: string;
  adminPassword?: string;
  localEnrollSecret?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** `--tls self-signed`: make (once) and serve a self-signed certificate. */
  selfSignedTls?: boolean;
}

export const USAGE = `Usage: node dist/console/server.js [options]
  --data-dir DIR   data directory (env DLP_DATA_DIR, default ./data/console)
  --port N         port to listen on, 0 = any free port (env DLP_PORT, default 8080)
  --host H         address to bind (env DLP_HOST, default 127.0.0.1)
  --web-dir DIR    built web UI (default: dist/console/web next to this bundle)
  --tls-cert FILE  PEM certificate: serve HTTPS/wss (with --tls-key)
  --tls-key FILE   PEM private key for --tls-cert
  --tls self-signed  serve HTTPS/wss with a self-signed certificate made on first start
                   (kept in DATA_DIR/tls; agents pin its key when they enroll)
Env: DLP_ADMIN_PASSWORD (first admin's password), DLP_LOCAL_ENROLL_SECRET (enroll secret for a local agent)`;

/** Where the web UI is when no --web-dir is given: next to the bundle, or dist/ when run from source. */
function defaultWebDir(moduleDir: string): string {
  const candidates = [path.join(moduleDir, 'web'), path.resolve(moduleDir, '../../../dist/console/web')];
  return candidates.find((dir) => existsSync(dir)) ?? (candidates[0] as string);
}

/** Flags win over environment variables, which win over defaults. Throws with a usable message. */
export function parseMainOptions(argv: string[], env: NodeJS.ProcessEnv, moduleDir: string): MainOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'web-dir': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      tls: { type: 'string' },
    },
  });
  const portText = values.port ?? env.DLP_PORT ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new Error(`--port must be 0-65535, got "${portText}"`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (values.tls !== undefined && values.tls !== 'self-signed') throw new Error(`--tls takes "self-signed", got "${values.tls}"`);
  if (values.tls !== undefined && values['tls-cert'] !== undefined) throw new Error('--tls self-signed and --tls-cert exclude each other');
  const options: MainOptions = {
    dataDir: path.resolve(values['data-dir'] ?? env.DLP_DATA_DIR ?? './data/console'),
    port: Number(portText),
    host: values.host ?? env.DLP_HOST ?? '127.0.0.1',
    webDir: path.resolve(values['web-dir'] ?? defaultWebDir(moduleDir)),
  };
  if (env.DLP_ADMIN_PASSWORD) options.adminPassword = env.DLP_ADMIN_PASSWORD;
  if (env.DLP_LOCAL_ENROLL_SECRET) options.localEnrollSecret = env.DLP_LOCAL_ENROLL_SECRET;
  if (values['tls-cert'] !== undefined) options.tlsCertFile = path.resolve(values['tls-cert']);
  if (values['tls-key'] !== undefined) options.tlsKeyFile = path.resolve(values['tls-key']);
  if (values.tls === 'self-signed') options.selfSignedTls = true;
  return options;
}
