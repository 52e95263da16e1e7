import { readFileSync } from 'node:fs';
import { createConsole, type ConsoleOptions } from './app';
import { createJsonLogger, errorFields } from './logging/logger';
import { parseMainOptions, USAGE, wantsHelp } from './main-options';
import { reportOptionsFromEnv } from './reports/report-config';

/**
 * Process entry of the console. Prints exactly one `DLP_CONSOLE_LISTENING url=…` line on stdout
 * when it accepts connections (scripts and tests wait for it); logs are JSON lines on stderr.
 */
async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const logger = createJsonLogger();
  let parsed;
  try {
    parsed = { ...parseMainOptions(process.argv.slice(2), process.env, __dirname), reports: reportOptionsFromEnv(process.env) };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  const options: ConsoleOptions = { dataDir: parsed.dataDir, port: parsed.port, host: parsed.host, webDir: parsed.webDir, logger };
  if (parsed.adminPassword !== undefined) options.adminPassword = parsed.adminPassword;
  if (parsed.localEnrollSecret !== undefined) options.localEnrollSecret = parsed.localEnrollSecret;
  if (parsed.tlsCertFile !== undefined && parsed.tlsKeyFile !== undefined) {
    options.tls = { cert: readFileSync(parsed.tlsCertFile), key: readFileSync(parsed.tlsKeyFile) };
  }
  if (parsed.selfSignedTls === true) options.selfSignedTls = true;
  if (parsed.metricsAllow !== undefined) options.metricsAllow = parsed.metricsAllow;
  if (parsed.databaseUrl !== undefined) options.databaseUrl = parsed.databaseUrl;
  if (parsed.databaseSchema !== undefined) options.databaseSchema = parsed.databaseSchema;
  if (parsed.nodeId !== undefined) options.nodeId = parsed.nodeId;
  if (parsed.ingestTransactions !== undefined) options.ingestTransactions = parsed.ingestTransactions;
  if (parsed.statementTimeoutMs !== undefined) options.statementTimeoutMs = parsed.statementTimeoutMs;
  if (parsed.streamMaxLifetimeSeconds !== undefined) options.streams = { maxLifetimeMs: parsed.streamMaxLifetimeSeconds * 1000 };
  if (parsed.maxConnections !== undefined) options.serverLimits = { maxConnections: parsed.maxConnections };
  if (parsed.trustProxy !== undefined) options.trustProxy = parsed.trustProxy;
  if (parsed.enrollRatePerMinute !== undefined) options.enrollRatePerMinute = parsed.enrollRatePerMinute;
  if (parsed.demoRule === true) options.demoRule = true;
  options.reports = parsed.reports;

  const running = await createConsole(options);
  process.stdout.write(`DLP_CONSOLE_LISTENING url=${running.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', errorFields(err));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

process.on('unhandledRejection', (reason) => {
  // A bug somewhere; keep serving the other agents and users rather than dying, but say so.
  createJsonLogger().error('unhandled rejection', errorFields(reason));
});

main().catch((err: unknown) => {
  createJsonLogger().error('console failed to start', errorFields(err));
  process.exit(1);
});
