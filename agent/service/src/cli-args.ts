import { parseArgs } from 'node:util';

export interface CliArgs {
  configPath: string;
}

export const USAGE = 'usage: dlp-agent --config /path/to/agent.json';

/** Parses the service's command line; throws with a usage message on anything unexpected. */
export function parseCliArgs(argv: string[]): CliArgs {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true, allowPositionals: false });
  if (!values.config) throw new Error(`--config is required\n${USAGE}`);
  return { configPath: values.config };
}
