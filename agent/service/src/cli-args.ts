import { parseArgs } from 'node:util';

/** Run the service (the employee commands are parsed by employee-cli/). */
export type CliArgs = { command: 'run'; configPath: string };

export const USAGE = [
  'usage: dlp-agent --config /path/to/agent.json        run the service',
  '       dlp-agent <status|blocks|requests|request-exception|unlock> …   (see dlp-agent help)',
].join('\n');

/** Parses the service's command line; throws with a usage message on anything unexpected. */
export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true, allowPositionals: true });
  if (!values.config) throw new Error(`--config is required\n${USAGE}`);
  if (positionals.length > 0) throw new Error(`unknown command ${JSON.stringify(positionals[0])}\n${USAGE}`);
  return { command: 'run', configPath: values.config };
}
