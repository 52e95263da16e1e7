import { readFile } from 'node:fs/promises';
import { agentConfig, fieldIssues, type AgentConfig, type FieldIssue } from '@dlp/shared';

/** A configuration the agent cannot run with. `issues` name the offending fields. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  /** One line per problem, e.g. `config error: scanIntervalMs: Too big: expected number to be <=250`. */
  describe(): string {
    if (this.issues.length === 0) return `config error: ${this.message}`;
    return [`config error: ${this.message}`, ...this.issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n');
  }
}

/** Validates an already-parsed configuration object against the shared `agentConfig` schema. */
export function parseAgentConfig(value: unknown, source = 'configuration'): AgentConfig {
  const parsed = agentConfig.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${source} is invalid`, fieldIssues(parsed.error));
  return parsed.data;
}

/** Reads and validates the agent's JSON configuration file. */
export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseAgentConfig(value, file);
}
