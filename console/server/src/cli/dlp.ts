import { createJsonLogger, errorFields } from '../logging/logger';
import { runCli } from './dlp-commands';

/** `dlp`: admin commands that work on the console's data dir (`dlp --help`: cli-usage.ts). */
runCli(process.argv.slice(2), {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  env: process.env,
  logger: createJsonLogger({ minLevel: 'warn' }),
  terminal: { isTTY: process.stderr.isTTY === true, write: (text) => void process.stderr.write(text) },
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    createJsonLogger().error('dlp failed', errorFields(err));
    process.exit(1);
  },
);
