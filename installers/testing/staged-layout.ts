import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * An export of the Linux packaging's ES modules (installers/linux/lib/*.mjs), read in a child Node:
 * jest runs these tests as CommonJS, and the layouts the packages are built from must be the ones
 * the tests check, not copies of them.
 */
export function packagingExport<T>(moduleFile: string, name: string): T {
  const url = `file://${path.join(REPO_ROOT, 'installers/linux/lib', moduleFile)}`;
  const script = `import(${JSON.stringify(url)}).then((m) => process.stdout.write(JSON.stringify(m[${JSON.stringify(name)}])))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as T;
}

/** The console package's installed paths (installers/linux/lib/stage-console.mjs). */
export function consoleLayout(): Record<string, string> {
  return packagingExport('stage-console.mjs', 'CONSOLE_LAYOUT');
}

/** The agent's program files in /usr/lib/dlp-agent (installers/linux/lib/stage-agent.mjs). */
export function agentProgramFiles(): string[] {
  return packagingExport('stage-agent.mjs', 'AGENT_PROGRAM_FILES');
}
