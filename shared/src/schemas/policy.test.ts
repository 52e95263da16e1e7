import { fieldIssues } from '../validation';
import { policyDocument, signedPolicy } from './policy';

const minimal = { schema: 'dlp.policy/v1', name: 'Traders', mode: 'enforce' };

function issuesOf(input: unknown) {
  const r = policyDocument.safeParse(input);
  return r.success ? [] : fieldIssues(r.error);
}

describe('policyDocument', () => {
  it('fills every section with safe defaults from a minimal document', () => {
    const doc = policyDocument.parse(minimal);
    expect(doc.apps).toMatchObject({ enabled: true, defaultAction: 'allow', rules: [], failMode: 'open', decisionTimeoutMs: 250 });
    expect(doc.usb).toMatchObject({ defaultAction: 'allow', rules: [] });
    expect(doc.screen).toMatchObject({ blockCaptureTools: false, watermark: { enabled: false } });
    expect(doc.content).toMatchObject({ enabled: false });
  });

  it('accepts the three kinds of app rule', () => {
    const doc = policyDocument.parse({
      ...minimal,
      apps: {
        rules: [
          { id: 'no-tool', action: 'block', kind: 'sha256', value: 'ab'.repeat(32) },
          { id: 'no-tmp', action: 'block', kind: 'path', value: '/tmp/**' },
          { id: 'ok-vim', action: 'allow', kind: 'name', value: 'vim' },
        ],
      },
    });
    expect(doc.apps.rules).toHaveLength(3);
  });

  it('names the field of each mistake', () => {
    expect(issuesOf({ ...minimal, mode: 'panic' })).toEqual([expect.objectContaining({ path: 'mode' })]);
    expect(issuesOf({ ...minimal, apps: { rules: [{ id: 'x', action: 'block', kind: 'sha256', value: 'XYZ' }] } })).toEqual([
      { path: 'apps.rules.0.value', message: 'sha256 rules need 64 lowercase hex characters', code: 'custom' },
    ]);
    expect(issuesOf({ ...minimal, apps: { rules: [{ id: 'x', action: 'block', kind: 'path', value: 'tmp/*' }] } })[0]?.path).toBe('apps.rules.0.value');
    expect(issuesOf({ ...minimal, apps: { rules: [{ id: 'x', action: 'block', kind: 'name', value: 'a/b' }] } })[0]?.path).toBe('apps.rules.0.value');
    expect(issuesOf({ ...minimal, usb: { rules: [{ id: 'u', action: 'eject', match: {} }] } })[0]?.path).toBe('usb.rules.0.action');
    expect(issuesOf({ ...minimal, usb: { rules: [{ id: 'u', action: 'allow', match: { vendorId: '0781X' } }] } })[0]?.path).toBe('usb.rules.0.match.vendorId');
  });

  it('refuses unknown sections and fields instead of ignoring them', () => {
    expect(issuesOf({ ...minimal, printers: {} })).toEqual([expect.objectContaining({ path: '(root)' })]);
    expect(issuesOf({ ...minimal, apps: { rules: [], mood: 'calm' } })[0]?.path).toBe('apps');
  });

  it('refuses duplicate rule ids across sections', () => {
    const issues = issuesOf({
      ...minimal,
      apps: { rules: [{ id: 'r1', action: 'block', kind: 'name', value: 'scrot' }] },
      usb: { rules: [{ id: 'r1', action: 'block', match: { interfaceClass: 8 } }] },
    });
    expect(issues).toEqual([{ path: 'usb.rules.0.id', message: 'duplicate rule id (also in apps.rules.0)', code: 'custom' }]);
  });

  it('refuses a wrong schema tag and bad rule ids', () => {
    expect(issuesOf({ ...minimal, schema: 'dlp.policy/v2' })[0]?.path).toBe('schema');
    expect(issuesOf({ ...minimal, apps: { rules: [{ id: ' bad id', action: 'block', kind: 'name', value: 'x' }] } })[0]?.path).toBe('apps.rules.0.id');
  });
});

describe('signedPolicy', () => {
  it('requires a well-formed signature and key id', () => {
    const bundle = {
      policyId: '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f',
      version: 1,
      serial: 1,
      issuedAt: '2026-11-28T16:30:00.000Z',
      document: policyDocument.parse(minimal),
    };
    expect(signedPolicy.safeParse({ bundle, keyId: '0123456789abcdef', signature: 'A'.repeat(86) + '==' }).success).toBe(true);
    const bad = signedPolicy.safeParse({ bundle, keyId: 'nothex', signature: 'short' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(fieldIssues(bad.error).map((i) => i.path)).toEqual(['keyId', 'signature']);
  });
});

describe('hardening section and group binding', () => {
  it('leaves hardening out unless written, fills its defaults when present, and refuses unknown switches', () => {
    expect(policyDocument.parse(minimal)).not.toHaveProperty('hardening');
    expect(policyDocument.parse({ ...minimal, hardening: { memfdNoexec: true } }).hardening).toEqual({ restrictUserNamespaces: false, memfdNoexec: true, fuseSysAdminAccess: false });
    expect(policyDocument.safeParse({ ...minimal, hardening: { disableEverything: true } }).success).toBe(false);
  });

  it('binds a bundle to a group id and a signing key id, strictly', () => {
    const bundle = { policyId: '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f', version: 1, serial: 1, issuedAt: '2026-11-28T16:30:00.000Z', document: policyDocument.parse(minimal) };
    const signature = 'A'.repeat(86) + '==';
    expect(signedPolicy.safeParse({ bundle: { ...bundle, target: { groupId: 'default', keyId: '0123456789abcdef' } }, keyId: '0123456789abcdef', signature }).success).toBe(true);
    const bad = signedPolicy.safeParse({ bundle: { ...bundle, target: { groupId: 'a/b', keyId: 'x', agentId: 'y' } }, keyId: '0123456789abcdef', signature });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(fieldIssues(bad.error).map((i) => i.path).sort()).toEqual(['bundle.target', 'bundle.target.groupId', 'bundle.target.keyId']);
  });
});
