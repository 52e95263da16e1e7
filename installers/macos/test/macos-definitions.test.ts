// Static checks of the macOS package definitions (installers/macos), which cannot be built or run here
// (no macOS, no pkgbuild): the plists and the distribution parse, the LaunchDaemon and LaunchAgent have
// the keys launchd needs with the values the issue asks for, every path they start is laid down by
// build-pkg.sh from the Linux packaging's staged agent layout or is a platform-specific input README.md
// names, the install scripts are the Linux response-file checks (valid sh once assembled), and the
// configuration profile approves exactly the program the daemon runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allElements, parsePlistFile, parseXmlFile } from '../../testing/xml-documents';
import { agentProgramFiles, REPO_ROOT } from '../../testing/staged-layout';

const HERE = path.join(REPO_ROOT, 'installers/macos');
const readme = readFileSync(path.join(HERE, 'README.md'), 'utf8');
const buildScript = readFileSync(path.join(HERE, 'build-pkg.sh'), 'utf8');
const AGENT_DIR = '/Library/EndpointDLP/Agent/';
const stagedAgentFiles = agentProgramFiles();

type Plist = Record<string, unknown>;
const daemon = parsePlistFile(path.join(HERE, 'io.endpoint-dlp.agent.plist')) as Plist;
const trayAgent = parsePlistFile(path.join(HERE, 'io.endpoint-dlp.tray.plist')) as Plist;

/** Where a program path started by launchd comes from: the staged Linux agent, or a documented input. */
function originProblem(program: string): string | undefined {
  if (program.startsWith(AGENT_DIR)) {
    const file = program.slice(AGENT_DIR.length);
    if (stagedAgentFiles.includes(file) && buildScript.includes(`"$STAGE/${file}"`)) return undefined;
    if (readme.includes(`\`${program}\``)) return undefined;
    return `${program}: neither copied from the staged agent layout by build-pkg.sh nor a platform-specific input in README.md`;
  }
  return readme.includes(`\`${program}\``) ? undefined : `${program}: not named in README.md`;
}

/** The agent's install script template with the Linux response-file functions inlined, as build-pkg.sh does. */
function assembled(template: string): string {
  const functions = readFileSync(path.join(REPO_ROOT, 'installers/linux/common/response-file.sh'), 'utf8');
  return readFileSync(path.join(HERE, 'scripts/agent', template), 'utf8').replace('#RESPONSE_FILE_FUNCTIONS#', () => functions).replaceAll('#VERSION#', '0.1.0');
}

describe('the macOS package definitions (not built or run here)', () => {
  it('says so in README.md and in every file', () => {
    expect(readme).toMatch(/not built or run here/i);
    for (const file of ['io.endpoint-dlp.agent.plist', 'io.endpoint-dlp.tray.plist', 'Distribution.xml', 'build-pkg.sh', 'scripts/agent/preinstall.in', 'scripts/agent/postinstall.in', 'scripts/tray/postinstall']) {
      expect([file, readFileSync(path.join(HERE, file), 'utf8')]).toEqual([file, expect.stringMatching(/NOT (BUILT OR )?RUN HERE/)]);
    }
  });

  it('has a LaunchDaemon that starts the agent at boot and always brings it back', () => {
    expect(daemon).toMatchObject({ Label: 'io.endpoint-dlp.agent', RunAtLoad: true, KeepAlive: true, ExitTimeOut: 30, Umask: 63 });
    expect(daemon.ProgramArguments).toEqual([`${AGENT_DIR}node`, `${AGENT_DIR}service.js`, '--config', '/etc/dlp/agent.json']);
    expect(buildScript).toContain('Library/LaunchDaemons');
    expect(buildScript).toContain('"$HERE/io.endpoint-dlp.agent.plist"');
  });

  it('has a LaunchAgent that starts the tray in every graphical session, as the tray package does', () => {
    expect(trayAgent).toMatchObject({ Label: 'io.endpoint-dlp.tray', LimitLoadToSessionType: 'Aqua', RunAtLoad: true, KeepAlive: { SuccessfulExit: false } });
    const trayPostinstall = readFileSync(path.join(REPO_ROOT, 'agent/tray/packaging/macos/scripts/postinstall'), 'utf8');
    const program = (trayAgent.ProgramArguments as string[])[0] ?? '';
    expect(trayPostinstall).toContain(`<string>${program}</string>`);
    expect(trayPostinstall).toContain('<string>io.endpoint-dlp.tray</string>');
  });

  it('starts only programs that build-pkg.sh lays down from the staged agent, or that README.md names as platform-specific', () => {
    const programs = [...(daemon.ProgramArguments as string[]).filter((argument) => argument.startsWith('/') && !argument.startsWith('/etc/')), (trayAgent.ProgramArguments as string[])[0] ?? ''];
    expect(programs.map(originProblem).filter((problem) => problem !== undefined)).toEqual([]);
    // build-pkg.sh copies from the staged tree only what the layout has.
    const fromStage = [...buildScript.matchAll(/"\$STAGE\/([^"]+)"/g)].map((match) => match[1]);
    expect(fromStage.length).toBeGreaterThan(0);
    expect(fromStage.filter((file) => !stagedAgentFiles.includes(file ?? ''))).toEqual([]);
  });

  it('builds a distribution whose packages are the ones build-pkg.sh makes', () => {
    const distribution = allElements(parseXmlFile(path.join(HERE, 'Distribution.xml')));
    const refs = distribution.filter((element) => element.tag === 'pkg-ref' && element.text !== '');
    expect(refs.map((ref) => ref.attrs.id)).toEqual(['io.endpoint-dlp.agent', 'io.endpoint-dlp.tray']);
    for (const ref of refs) {
      expect(buildScript).toContain(`--identifier ${ref.attrs.id ?? ''}`);
      expect(buildScript).toContain(`"$OUT/${ref.text}"`);
    }
    const choices = new Set(distribution.filter((element) => element.tag === 'choice').map((choice) => choice.attrs.id));
    expect(distribution.filter((element) => element.tag === 'line').map((line) => line.attrs.choice).filter((id) => !choices.has(id))).toEqual([]);
    const options = distribution.find((element) => element.tag === 'options');
    expect(options?.attrs.hostArchitectures).toBe('#HOST_ARCH#');
    expect(buildScript).toMatch(/sed "s\/#HOST_ARCH#\/\$HOST_ARCH\/" "\$HERE\/Distribution\.xml"/);
    const component = parsePlistFile(path.join(HERE, 'tray-component.plist')) as Plist[];
    expect(component[0]).toMatchObject({ RootRelativeBundlePath: 'Applications/DLP Tray.app', BundleIsRelocatable: false });
  });

  it('checks the response file with the Linux code before installing, and writes agent.json with a macOS socket', () => {
    for (const template of ['preinstall.in', 'postinstall.in']) {
      const script = assembled(template);
      expect(script).not.toContain('#RESPONSE_FILE_FUNCTIONS#');
      execFileSync('sh', ['-n'], { input: script });
    }
    expect(assembled('preinstall.in')).toMatch(/dlp_read_response_file \/etc\/dlp\/agent\.conf \|\| ! dlp_check_response/);
    expect(assembled('postinstall.in')).toMatch(/^DLP_LOCAL_SOCKET=\/var\/run\/dlp-agent\/agent\.sock$/m);
    // The socket setting reaches agent.json (response-file.sh reads DLP_LOCAL_SOCKET; Linux keeps /run).
    const functions = path.join(REPO_ROOT, 'installers/linux/common/response-file.sh');
    const json = (socket: string): string =>
      execFileSync('sh', ['-c', `. "$1"; dlp_CONSOLE_URL=wss://c.example/agent; ${socket} dlp_agent_json /data`, 'sh', functions], { encoding: 'utf8' });
    expect(JSON.parse(json('DLP_LOCAL_SOCKET=/var/run/dlp-agent/agent.sock')).localSocket).toBe('/var/run/dlp-agent/agent.sock');
    expect(JSON.parse(json('')).localSocket).toBe('/run/dlp-agent/agent.sock');
  });

  it('has a configuration profile that approves the program the daemon runs', () => {
    const profile = parsePlistFile(path.join(HERE, 'profiles/endpoint-dlp-approvals.mobileconfig')) as Plist & { PayloadContent: Plist[] };
    expect(profile.PayloadType).toBe('Configuration');
    const byType = new Map(profile.PayloadContent.map((payload) => [payload.PayloadType, payload]));
    const fullDiskAccess = (byType.get('com.apple.TCC.configuration-profile-policy')?.Services as Record<string, Plist[]>).SystemPolicyAllFiles?.[0];
    expect(fullDiskAccess).toMatchObject({ Identifier: (daemon.ProgramArguments as string[])[0], IdentifierType: 'path', Authorization: 'Allow' });
    const extensions = byType.get('com.apple.system-extension-policy');
    expect(extensions?.AllowedSystemExtensionTypes).toEqual({ TEAMID: ['EndpointSecurityExtension'] });
    const uuids = [profile, ...profile.PayloadContent].map((payload) => payload.PayloadUUID as string);
    expect(new Set(uuids).size).toBe(uuids.length);
    for (const uuid of uuids) expect(uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });
});
