// Static checks of the Windows MSI definition (installers/windows), which cannot be built or run here
// (no Windows, no WiX): the XML is well-formed, the MSI has what the issue asks (service with
// recovery, tray at logon, silent-install properties, upgrade keeping data, uninstall code), its
// references resolve, and every file it takes is in the Linux packaging's staged agent layout, in
// this folder, or named in README.md as platform-specific.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { allElements, parseXmlFile, type XmlElement } from '../../testing/xml-documents';
import { agentProgramFiles, REPO_ROOT } from '../../testing/staged-layout';
import { AUTHORIZE_UNINSTALL_COMMAND } from '../../../agent/service/src/admin-cli/authorize-uninstall';
import { ENROLL_COMMAND } from '../../../agent/service/src/admin-cli/enroll-once';

const HERE = path.join(REPO_ROOT, 'installers/windows');
const wix = parseXmlFile(path.join(HERE, 'dlp-agent.wxs'));
const elements = allElements(wix);
const named = (tag: string): XmlElement[] => elements.filter((element) => element.tag === tag);
const one = (tag: string, id?: string): XmlElement => {
  const found = named(tag).filter((element) => id === undefined || element.attrs.Id === id || element.attrs.Name === id);
  if (found.length !== 1) throw new Error(`expected one ${tag}${id ? ` ${id}` : ''}, found ${found.length}`);
  return found[0] as XmlElement;
};
const readme = readFileSync(path.join(HERE, 'README.md'), 'utf8');

describe('the Windows MSI source (WiX v4, not built here)', () => {
  it('is a WiX v4 per-machine package with a fixed upgrade code, and says it is not built here', () => {
    expect(wix.tag).toBe('Wix');
    expect(wix.ns).toBe('http://wixtoolset.org/schemas/v4/wxs');
    const pkg = one('Package');
    expect(pkg.attrs).toMatchObject({ Scope: 'perMachine', Version: '$(var.Version)' });
    expect(pkg.attrs.UpgradeCode).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(readFileSync(path.join(HERE, 'dlp-agent.wxs'), 'utf8')).toMatch(/NOT BUILT OR RUN HERE/);
    expect(readme).toMatch(/not built or run here/i);
  });

  it('takes the silent-install properties, secrets hidden from the log, and refuses GROUP with the Linux words', () => {
    for (const id of ['CONSOLE_URL', 'ENROLL_SECRET', 'CONSOLE_KEY_SHA256', 'GROUP', 'UNINSTALL_CODE']) expect(one('Property', id).attrs.Secure).toBe('yes');
    for (const id of ['ENROLL_SECRET', 'UNINSTALL_CODE']) expect(one('Property', id).attrs.Hidden).toBe('yes');
    const group = named('Launch').find((launch) => launch.attrs.Condition === 'NOT GROUP');
    const linuxMessage = /cannot be set on the workstation: [^"]*/.exec(readFileSync(path.join(REPO_ROOT, 'installers/linux/common/response-file.sh'), 'utf8'))?.[0];
    expect(linuxMessage).toMatch(/enroll secret decides the agent's group/);
    expect(group?.attrs.Message).toBe(`GROUP ${linuxMessage ?? ''}.`);
  });

  it('installs the agent as an automatic LocalSystem service that is restarted after every failure', () => {
    const service = one('ServiceInstall');
    expect(service.attrs).toMatchObject({ Name: 'dlp-agent', Start: 'auto', Account: 'LocalSystem', Type: 'ownProcess' });
    const recovery = service.children.find((child) => child.tag === 'ServiceConfig' && child.ns === 'http://wixtoolset.org/schemas/v4/wxs/util');
    expect(recovery?.attrs).toMatchObject({ FirstFailureActionType: 'restart', SecondFailureActionType: 'restart', ThirdFailureActionType: 'restart' });
    expect(one('ServiceControl').attrs).toMatchObject({ Name: 'dlp-agent', Start: 'install', Stop: 'both', Remove: 'uninstall' });
    // The service host's settings run the staged agent bundle with the data folder's agent.json.
    const host = parseXmlFile(path.join(HERE, 'dlp-agent-service.xml'));
    const field = (tag: string): string => host.children.find((child) => child.tag === tag)?.text ?? '';
    expect(field('id')).toBe('dlp-agent');
    expect(field('executable')).toBe('%BASE%\\node.exe');
    expect(field('arguments')).toContain('"%BASE%\\service.js" --config "%ProgramData%\\Endpoint DLP\\Agent\\agent.json"');
    expect(host.children.find((child) => child.tag === 'onfailure')?.attrs.action).toBe('restart');
  });

  it('starts the tray in every session (the executable electron-builder names) and keeps the data on upgrade and uninstall', () => {
    const run = named('RegistryValue').find((value) => value.attrs.Key === 'Software\\Microsoft\\Windows\\CurrentVersion\\Run');
    expect(run?.attrs).toMatchObject({ Root: 'HKLM', Name: 'DLP Tray', Value: '"[TrayFolder]dlp-tray.exe"' });
    expect(readFileSync(path.join(REPO_ROOT, 'agent/tray/packaging/electron-builder.yml'), 'utf8')).toMatch(/win:\s*\n\s*executableName: dlp-tray/);
    const data = one('Component', 'AgentData');
    expect(data.attrs).toMatchObject({ Permanent: 'yes', Directory: 'AgentDataFolder' });
    expect(one('MajorUpgrade').attrs.DowngradeErrorMessage).toMatch(/refusing to downgrade/);
  });

  it('checks the uninstall code before the service stops, as SYSTEM, failing the uninstall, never logging it', () => {
    const check = one('CustomAction', 'CheckUninstallCode');
    expect(check.attrs).toMatchObject({ Execute: 'deferred', Impersonate: 'no', Return: 'check', HideTarget: 'yes' });
    const scheduled = named('Custom').find((custom) => custom.attrs.Action === 'CheckUninstallCode');
    expect(scheduled?.attrs).toMatchObject({ After: 'InstallInitialize', Condition: 'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE' });
    expect(one('SetProperty', 'CheckUninstallCode').attrs.Value).toContain('[UNINSTALL_CODE]');
    // A command the agent has (the one the Linux packages' removal scripts run).
    expect(one('SetProperty', 'CheckUninstallCode').attrs.Value).toContain(`service.js" ${AUTHORIZE_UNINSTALL_COMMAND} --config`);
    expect(readme).toMatch(/msiexec \/x .* UNINSTALL_CODE=/);
  });

  it('enrolls after writing agent.json, before the service starts; only a refusal by the console fails (and rolls back) the install', () => {
    expect(one('CustomAction', 'EnrollAgent').attrs).toMatchObject({ Execute: 'deferred', Impersonate: 'no', Return: 'check' });
    const scheduled = named('Custom').find((custom) => custom.attrs.Action === 'EnrollAgent');
    expect(scheduled?.attrs).toMatchObject({ After: 'ConfigureAgent', Condition: 'CONSOLE_URL AND NOT REMOVE' });
    // The command the Linux packages run, told to fail only on a refusal (unreachable or pending: exit 0).
    expect(one('SetProperty', 'EnrollAgent').attrs.Value).toContain(`service.js" ${ENROLL_COMMAND} --config "[AgentDataFolder]agent.json" --refusal-only`);
  });

  it('refers only to things it defines (the generated tray file list aside)', () => {
    const defined = (tag: string): Set<string> => new Set(named(tag).map((element) => element.attrs.Id ?? ''));
    const components = defined('Component');
    const groups = defined('ComponentGroup');
    const actions = defined('CustomAction');
    const directories = new Set([...defined('Directory'), ...defined('StandardDirectory')]);
    expect(named('ComponentRef').map((ref) => ref.attrs.Id).filter((id) => !components.has(id ?? ''))).toEqual([]);
    expect(named('ComponentGroupRef').map((ref) => ref.attrs.Id).filter((id) => !groups.has(id ?? ''))).toEqual(['TrayFiles']);
    expect(readme).toContain('TrayFiles');
    expect(named('Custom').map((custom) => custom.attrs.Action).filter((id) => !actions.has(id ?? ''))).toEqual([]);
    const usedDirectories = elements.map((element) => element.attrs.Directory).filter((id): id is string => id !== undefined);
    expect(usedDirectories.filter((id) => !directories.has(id))).toEqual([]);
  });

  it('takes each file from the staged Linux agent layout, this folder, or a platform-specific input README.md names', () => {
    const staged = agentProgramFiles();
    const problems: string[] = [];
    for (const file of named('File')) {
      const source = file.attrs.Source ?? '';
      const fromStage = /^\$\(var\.StageDir\)\\(.+)$/.exec(source)?.[1];
      if (fromStage === undefined) {
        if (!existsSync(path.join(HERE, source))) problems.push(`${source}: not in installers/windows`);
      } else if (fromStage.startsWith('usr\\lib\\dlp-agent\\')) {
        if (!staged.includes(fromStage.slice('usr\\lib\\dlp-agent\\'.length))) problems.push(`${source}: not in the staged agent layout`);
      } else if (!readme.includes(`\`${fromStage}\``)) {
        problems.push(`${source}: platform-specific, but README.md does not name \`${fromStage}\``);
      }
    }
    expect(problems).toEqual([]);
    expect(named('File').length).toBeGreaterThan(4);
  });
});
