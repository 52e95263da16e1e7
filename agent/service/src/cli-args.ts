import { parseArgs } from 'node:util';

/** Run the service, or hand an unlock code to the running service. */
export type CliArgs = { command: 'run'; configPath: string } | { command: 'unlock'; configPath: string; code: string };

export const USAGE = ['usage: dlp-agent --config /path/to/agent.json', '       dlp-agent unlock <CODE> --config /path/to/agent.json'].join('\n');

/** Parses the service's command line; throws with a usage message on anything unexpected. */
export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true, allowPositionals: true });
  if (!values.config) throw new Error(`--config is required\n${USAGE}`);
  const [command, ...rest] = positionals;
  if (command === undefined) return { command: 'run', configPath: values.config };
  if (command !== 'unlock') throw new Error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  // People copy codes in groups (`7K2M QX4P ...`): the groups may come as separate arguments.
  const code = rest.join('');
  if (code === '') throw new Error(`unlock needs the code\n${USAGE}`);
  return { command: 'unlock', configPath: values.config, code };
}
