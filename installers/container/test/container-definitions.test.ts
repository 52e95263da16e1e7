// Static checks of the console's container definitions (installers/container), which cannot be
// built or run here (no image registry): the Containerfile's instructions are known ones, what it
// copies exists (from the repository, or in the staged console layout the .deb is built from), the
// settings it and compose.yaml pass are variables the console reads, and compose.yaml has what the
// issue asks (PostgreSQL 15 with a health check and a volume, the console waiting for it healthy,
// TLS from mounted files). Also the .deb's /etc/dlp/console.env and unit against the same names.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { consoleLayout, REPO_ROOT } from '../../testing/staged-layout';

const HERE = path.join(REPO_ROOT, 'installers/container');
const read = (relative: string): string => readFileSync(path.join(REPO_ROOT, relative), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
  stage: number;
}

/** Containerfile → instructions: `\` continues a line, `#` lines are comments (also inside a continuation). */
function parseContainerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  let stage = -1;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) return;
    if (pending === '') startLine = index + 1;
    pending += `${line.replace(/\\$/, '')} `;
    if (line.endsWith('\\')) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.trim());
    pending = '';
    if (!match) return;
    const keyword = (match[1] ?? '').toUpperCase();
    if (keyword === 'FROM') stage += 1;
    instructions.push({ keyword, args: (match[2] ?? '').trim(), line: startLine, stage });
  });
  return instructions;
}

/** The DLP_* variables the console process reads (flags aside), from the code that reads them. */
function consoleEnvNames(): Set<string> {
  const names = new Set<string>();
  const collect = (text: string, pattern: RegExp): void => {
    for (const match of text.matchAll(pattern)) names.add(match[1] as string);
  };
  collect(read('console/server/src/main-options.ts'), /env\.(DLP_[A-Z0-9_]+)/g);
  collect(read('console/server/src/reports/report-config.ts'), /^\s*(DLP_[A-Z0-9_]+):/gm);
  // The packaged start script turns the TLS variables into flags; the health check reads the port.
  collect(read('installers/linux/console/files/console-start'), /\$\{(DLP_[A-Z0-9_]+)/g);
  collect(read('installers/linux/console/files/healthcheck.js'), /process\.env\.(DLP_[A-Z0-9_]+)/g);
  return names;
}

/** KEY=VALUE pairs of ENV instructions (the `ENV a=1 b=2` form). */
function envOf(instructions: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of instructions.filter((i) => i.keyword === 'ENV')) {
    for (const match of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env.set(match[1] as string, (match[2] as string).replace(/^"|"$/g, ''));
  }
  return env;
}

const KNOWN_INSTRUCTIONS = new Set(['FROM', 'ARG', 'ENV', 'RUN', 'COPY', 'ADD', 'WORKDIR', 'USER', 'VOLUME', 'EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'LABEL', 'STOPSIGNAL', 'SHELL', 'ONBUILD']);

describe('the console Containerfile (not built here)', () => {
  const instructions = parseContainerfile(readFileSync(path.join(HERE, 'Containerfile'), 'utf8'));
  const layout = consoleLayout();
  const runtime = instructions.filter((i) => i.stage === 1);

  it('says it is not built here and uses only known instructions in two stages', () => {
    expect(readFileSync(path.join(HERE, 'Containerfile'), 'utf8')).toMatch(/NOT BUILT HERE/);
    expect(instructions.filter((i) => !KNOWN_INSTRUCTIONS.has(i.keyword)).map((i) => `${i.line}: ${i.keyword}`)).toEqual([]);
    const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms).toHaveLength(2);
    expect(froms[0]).toMatch(/node:20-bookworm AS build$/);
    expect(froms[1]).toMatch(/debian:bookworm-slim$/);
  });

  it('builds as CI does, then stages the console with the packaging code', () => {
    const build = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(build).toMatch(/\bnpm ci\b/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/node installers\/linux\/build-packages\.mjs --package console .*--stage-only/);
    expect(existsSync(path.join(REPO_ROOT, 'installers/linux/build-packages.mjs'))).toBe(true);
  });

  it('copies only files that exist: from the repository, or from the staged console layout', () => {
    const problems: string[] = [];
    for (const copy of instructions.filter((i) => i.keyword === 'COPY')) {
      const words = copy.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const sources = words.slice(0, -1);
      if (/--from=build\b/.test(copy.args)) {
        for (const source of sources) {
          const relative = source.replace(/^\/stage\//, '');
          if (relative === source || !Object.values(layout).includes(relative)) problems.push(`line ${copy.line}: ${source} is not in the staged console layout`);
        }
      } else {
        for (const source of sources) if (!existsSync(path.join(REPO_ROOT, source))) problems.push(`line ${copy.line}: ${source} is not in the repository`);
      }
    }
    expect(problems).toEqual([]);
    // Every workspace's manifest is copied before `npm ci`, or npm ci refuses the lockfile.
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    const copied = instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    for (const workspace of workspaces) expect(copied).toContain(`${workspace}/package.json ${workspace}/`);
  });

  it('runs as a non-root user with a data volume, a health check and the entry point of the packages', () => {
    const user = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(user).toEqual(['dlp-console']);
    expect(runtime.find((i) => i.keyword === 'VOLUME')?.args).toBe('["/var/lib/dlp-console"]');
    const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toContain(`"/${layout.node}", "/${layout.healthcheck}"`);
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe(`["/${layout.start}"]`);
    const env = envOf(runtime);
    expect(runtime.find((i) => i.keyword === 'EXPOSE')?.args).toBe(env.get('DLP_PORT'));
    expect(env.get('DLP_DATA_DIR')).toBe('/var/lib/dlp-console');
  });

  it('sets only variables the console reads', () => {
    const known = consoleEnvNames();
    // The extraction itself must find the console's settings, or this test would pass on nothing.
    for (const name of ['DLP_PORT', 'DLP_HOST', 'DLP_DATA_DIR', 'DLP_DATABASE_URL', 'DLP_TLS_CERT', 'DLP_TLS_KEY', 'DLP_TLS', 'DLP_SMTP_HOST']) expect(known).toContain(name);
    expect([...envOf(instructions).keys()].filter((name) => !known.has(name))).toEqual([]);
  });

  it('keeps node_modules and dist out of the build context', () => {
    const ignored = readFileSync(path.join(HERE, 'Containerfile.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'dist', '.git']));
  });
});

describe('compose.yaml (not run here)', () => {
  const compose = parseYaml(readFileSync(path.join(HERE, 'compose.yaml'), 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const db = compose.services.db as { image: string; healthcheck: { test: string[] }; volumes: string[]; environment: Record<string, string>; ports?: unknown };
  const consoleService = compose.services.console as {
    build: { context: string; dockerfile: string };
    depends_on: Record<string, { condition: string }>;
    environment: Record<string, string>;
    volumes: (string | { type: string; source: string; target: string; read_only: boolean })[];
  };

  it('runs PostgreSQL 15 with a health check and a named volume, not published', () => {
    expect(db.image).toMatch(/postgres:15(-|$)/);
    expect(db.healthcheck.test).toContain('pg_isready');
    expect(db.volumes).toContain('db-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['db-data', 'console-data']));
    expect(db.ports).toBeUndefined();
  });

  it('starts the console once the database is healthy, built from this repository', () => {
    expect(consoleService.depends_on.db?.condition).toBe('service_healthy');
    const context = path.resolve(HERE, consoleService.build.context);
    expect(context).toBe(REPO_ROOT);
    expect(existsSync(path.join(context, consoleService.build.dockerfile))).toBe(true);
  });

  it('passes only variables the console reads, with TLS from the mounted files', () => {
    const known = consoleEnvNames();
    expect(Object.keys(consoleService.environment).filter((name) => !known.has(name))).toEqual([]);
    expect(consoleService.environment.DLP_DATABASE_URL).toMatch(/^postgres:\/\/dlp:\$\{DLP_DB_PASSWORD:\?[^}]+\}@db:5432\/dlp$/);
    expect(db.environment.POSTGRES_PASSWORD).toMatch(/^\$\{DLP_DB_PASSWORD:\?/);
    const tlsMount = consoleService.volumes.find((volume) => typeof volume === 'object' && volume.target === '/etc/dlp/console-tls');
    expect(tlsMount).toMatchObject({ type: 'bind', read_only: true });
    for (const name of ['DLP_TLS_CERT', 'DLP_TLS_KEY']) expect(consoleService.environment[name]).toMatch(/^\/etc\/dlp\/console-tls\/console\.(crt|key)$/);
    expect(consoleService.volumes).toContain('console-data:/var/lib/dlp-console');
  });
});

describe("the .deb's console.env and unit", () => {
  const layout = consoleLayout();
  it('name only variables the console reads, commented out or not', () => {
    const known = consoleEnvNames();
    const settings = read(`installers/linux/console/files/${path.basename(layout.settings ?? '')}`);
    const named = [...settings.matchAll(/^#?(DLP_[A-Z0-9_]+)=/gm)].map((match) => match[1] as string);
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((name) => !known.has(name))).toEqual([]);
  });

  it('starts the staged start script with the staged settings file', () => {
    const unit = read(`installers/linux/console/files/${path.basename(layout.unit ?? '')}`);
    expect(unit).toMatch(new RegExp(`^ExecStart=/${layout.start} --data-dir /var/lib/dlp-console$`, 'm'));
    expect(unit).toMatch(new RegExp(`^EnvironmentFile=/${layout.settings}$`, 'm'));
    expect(unit).toMatch(/^StateDirectory=dlp-console$/m);
  });
});
