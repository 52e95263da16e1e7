import { appRule, appsSection, policyDocument } from '../schemas/policy';
import { compileAppRules } from './app-matcher';
import { CAPTURE_TOOLS, captureToolsFor, isCaptureToolRule } from './capture-tool-catalogue';
import { captureToolRules, withCaptureToolRules } from './capture-tool-rules';

const screen = (blockCaptureTools: boolean) => policyDocument.parse({ schema: 'dlp.policy/v1', name: 't', mode: 'enforce', screen: { blockCaptureTools } }).screen;
const decide = (apps: ReturnType<typeof appsSection.parse>, exePath: string) => compileAppRules(apps).decide({ exePath, name: exePath.slice(exePath.lastIndexOf('/') + 1) });

describe('capture-tool catalogue', () => {
  it('has unique, stable rule ids and executable names a name rule can match', () => {
    const ids = CAPTURE_TOOLS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const tool of CAPTURE_TOOLS) {
      expect(tool.id).toMatch(/^screen:[a-z0-9-]+$/);
      expect(tool.executables.length).toBeGreaterThan(0);
      for (const name of tool.executables) {
        expect(name).not.toContain('/');
        // Every compiled rule must be one the policy schema itself would accept.
        expect(appRule.safeParse({ id: tool.id, action: 'block', kind: 'name', value: name }).success).toBe(true);
      }
    }
  });

  it('covers the common tools of each OS, and not general-purpose media tools', () => {
    const linux = captureToolsFor('linux').flatMap((t) => t.executables);
    expect(linux).toEqual(expect.arrayContaining(['gnome-screenshot', 'spectacle', 'flameshot', 'scrot', 'maim', 'grim', 'import', 'ksnip', 'obs', 'simplescreenrecorder', 'peek', 'vokoscreenNG', 'wf-recorder']));
    expect(captureToolsFor('windows').flatMap((t) => t.executables)).toEqual(expect.arrayContaining(['SnippingTool.exe', 'ScreenClippingHost.exe', 'obs64.exe', 'ShareX.exe', 'Snagit32.exe']));
    expect(captureToolsFor('macos').flatMap((t) => t.executables)).toEqual(expect.arrayContaining(['screencapture', 'screencaptureui']));
    const everything = CAPTURE_TOOLS.flatMap((t) => t.executables);
    for (const general of ['ffmpeg', 'gst-launch-1.0', 'vlc', 'QuickTime Player']) expect(everything).not.toContain(general);
  });

  it('tells its own rule ids from policy rule ids', () => {
    expect(isCaptureToolRule('screen:flameshot')).toBe(true);
    expect(isCaptureToolRule('no-nc')).toBe(false);
    expect(isCaptureToolRule(null)).toBe(false);
  });
});

describe('compiling the catalogue into app rules', () => {
  const apps = appsSection.parse({ rules: [{ id: 'trust-usr', action: 'allow', kind: 'path', value: '/usr/bin/**' }] });

  it('leaves the apps section alone when blockCaptureTools is off', () => {
    expect(withCaptureToolRules(apps, screen(false), 'linux')).toBe(apps);
    expect(decide(apps, '/usr/bin/flameshot')).toEqual({ action: 'allow', ruleId: 'trust-usr' });
  });

  it('puts the catalogue first when it is on, so a broad allow rule cannot let a capture tool through', () => {
    const compiled = withCaptureToolRules(apps, screen(true), 'linux');
    expect(compiled.rules.slice(-1)).toEqual(apps.rules);
    expect(compiled.rules.length).toBe(captureToolRules('linux').length + 1);
    expect(decide(compiled, '/usr/bin/flameshot')).toEqual({ action: 'block', ruleId: 'screen:flameshot' });
    expect(decide(compiled, '/usr/bin/import-im6.q16')).toEqual({ action: 'block', ruleId: 'screen:imagemagick-import' });
    expect(decide(compiled, '/usr/bin/ffmpeg')).toEqual({ action: 'allow', ruleId: 'trust-usr' });
    // Only this OS's tools: a Windows executable name is not a Linux rule.
    expect(compiled.rules.some((r) => r.value === 'SnippingTool.exe')).toBe(false);
  });

  it('blocks only the catalogue when the policy turns app control off', () => {
    const off = appsSection.parse({ enabled: false, defaultAction: 'block', rules: [{ id: 'no-nc', action: 'block', kind: 'name', value: 'nc' }] });
    const compiled = withCaptureToolRules(off, screen(true), 'linux');
    expect(decide(compiled, '/opt/x/spectacle')).toEqual({ action: 'block', ruleId: 'screen:spectacle' });
    expect(decide(compiled, '/usr/bin/nc')).toEqual({ action: 'allow', ruleId: null });
    expect(decide(compiled, '/home/a/anything')).toEqual({ action: 'allow', ruleId: null });
  });
});
