import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../testing/fixtures';
import { ConfigError, loadAgentConfig, parseAgentConfig } from './config';

const good = { consoleUrl: 'wss://console.example:8443/agent', enrollSecret: 'x'.repeat(24), dataDir: '/var/lib/dlp-agent' };

function issuesOf(value: unknown): string[] {
  try {
    parseAgentConfig(value);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
}

describe('agent configuration', () => {
  it('fills defaults for host roots, scan interval and outbox size', () => {
    const config = parseAgentConfig(good);
    expect(config.hostRoots).toEqual({ proc: '/proc', sys: '/sys', etc: '/etc', root: '/' });
    expect(config.secondLineIntervalMs).toBe(5000);
    expect(config.scanIntervalMs).toBe(250);
    expect(config.outboxMaxEvents).toBe(200_000);
  });

  it('picks the app control automatically and watches every mount unless told otherwise', () => {
    expect(parseAgentConfig(good).appControl).toEqual({ method: 'auto', fanotifyMarks: 'all' });
    expect(parseAgentConfig({ ...good, appControl: { method: 'fanotify', fanotifyMarks: ['/srv/tools'] } }).appControl).toEqual({ method: 'fanotify', fanotifyMarks: ['/srv/tools'] });
    expect(parseAgentConfig({ ...good, appControl: { method: 'proc-scan' } }).appControl).toEqual({ method: 'proc-scan', fanotifyMarks: 'all' });
  });

  it('refuses an unknown app control method and mount points that are not absolute', () => {
    expect(issuesOf({ ...good, appControl: { method: 'ebpf' } })).toEqual(['appControl.method']);
    expect(issuesOf({ ...good, appControl: { fanotifyMarks: ['tmp'] } })).toEqual(['appControl.fanotifyMarks.0']);
    expect(issuesOf({ ...good, appControl: { fanotifyMarks: [] } })).toEqual(['appControl.fanotifyMarks']);
  });

  it('names each wrong field by its path', () => {
    expect(issuesOf({ ...good, consoleUrl: 'http://console' })).toEqual(['consoleUrl']);
    expect(issuesOf({ ...good, dataDir: 'relative/dir' })).toEqual(['dataDir']);
    expect(issuesOf({ ...good, scanIntervalMs: 1000 })).toEqual(['scanIntervalMs']);
    expect(issuesOf({ ...good, hostRoots: { proc: 'proc' } })).toEqual(['hostRoots.proc']);
    expect(issuesOf({ ...good, surprise: true })).toEqual(['(root)']);
  });

  it('reports unreadable files and bad JSON, and describes issues one per line', async () => {
    const { dir, cleanup } = await makeTempDir('config');
    try {
      await expect(loadAgentConfig(path.join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
      const broken = path.join(dir, 'broken.json');
      await writeFile(broken, '{ "consoleUrl": ');
      await expect(loadAgentConfig(broken)).rejects.toThrow(/not valid JSON/);
      const wrong = path.join(dir, 'wrong.json');
      await writeFile(wrong, JSON.stringify({ ...good, dataDir: 'data', logLevel: 'loud' }));
      const err = await loadAgentConfig(wrong).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).describe()).toMatch(/^config error: .*wrong\.json is invalid\n {2}dataDir: .*\n {2}logLevel: /);
    } finally {
      await cleanup();
    }
  });

  it('never echoes the enroll secret in its errors', () => {
    const secret = 'short-secret';
    const err = (() => {
      try {
        parseAgentConfig({ ...good, enrollSecret: secret });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.describe()).toContain('enrollSecret');
    expect(err.describe()).not.toContain(secret);
  });
});
