import packageJson from '../package.json';

/** The agent's version, from its package.json, reported to the console in agent info. */
export const AGENT_VERSION: string = packageJson.version;
