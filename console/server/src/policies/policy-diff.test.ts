import { policyDocument, type PolicyDocumentInput } from '@dlp/shared';
import { diffPolicyDocuments } from './policy-diff';

const base: PolicyDocumentInput = {
  schema: 'dlp.policy/v1',
  name: 'Base',
  mode: 'monitor',
  apps: {
    rules: [
      { id: 'a', action: 'block', kind: 'name', value: 'nc' },
      { id: 'b', action: 'allow', kind: 'path', value: '/opt/tools/**' },
      { id: 'c', action: 'block', kind: 'name', value: 'scp' },
    ],
  },
  usb: { defaultAction: 'block', rules: [{ id: 'u1', action: 'allow', match: { vendorId: '0781' } }] },
};

function diff(from: PolicyDocumentInput, to: PolicyDocumentInput) {
  return diffPolicyDocuments(policyDocument.parse(from), policyDocument.parse(to));
}

describe('policy diff', () => {
  it('reports nothing for identical documents, whatever their key order', () => {
    const reordered = { usb: base.usb, apps: base.apps, mode: 'monitor', name: 'Base', schema: 'dlp.policy/v1' } as PolicyDocumentInput;
    expect(diff(base, reordered)).toEqual({ changes: [], summary: { appRules: { added: 0, removed: 0, changed: 0, moved: 0 }, usbRules: { added: 0, removed: 0, changed: 0, moved: 0 }, settings: 0 } });
  });

  it('matches rules by id: added, removed, changed and moved, with JSON paths into the new version', () => {
    const to: PolicyDocumentInput = {
      ...base,
      mode: 'enforce',
      apps: {
        defaultAction: 'block',
        rules: [
          { id: 'c', action: 'block', kind: 'name', value: 'scp' },
          { id: 'a', action: 'block', kind: 'name', value: 'ncat' },
          { id: 'd', action: 'block', kind: 'sha256', value: 'f'.repeat(64) },
        ],
      },
      usb: { defaultAction: 'read-only', rules: [{ id: 'u1', action: 'allow', match: { vendorId: '0781' } }] },
      screen: { blockCaptureTools: true },
    };
    const result = diff(base, to);
    expect(result.changes).toEqual([
      { path: '$.mode', kind: 'changed', section: 'document', before: 'monitor', after: 'enforce' },
      { path: '$.apps.defaultAction', kind: 'changed', section: 'apps', before: 'allow', after: 'block' },
      { path: '$.apps.rules[1]', kind: 'removed', section: 'apps', ruleId: 'b', before: { id: 'b', action: 'allow', kind: 'path', value: '/opt/tools/**' } },
      { path: '$.apps.rules[0]', kind: 'moved', section: 'apps', ruleId: 'c', before: { index: 2 }, after: { index: 0 } },
      {
        path: '$.apps.rules[1]',
        kind: 'changed',
        section: 'apps',
        ruleId: 'a',
        before: { id: 'a', action: 'block', kind: 'name', value: 'nc' },
        after: { id: 'a', action: 'block', kind: 'name', value: 'ncat' },
      },
      { path: '$.apps.rules[2]', kind: 'added', section: 'apps', ruleId: 'd', after: { id: 'd', action: 'block', kind: 'sha256', value: 'f'.repeat(64) } },
      { path: '$.usb.defaultAction', kind: 'changed', section: 'usb', before: 'block', after: 'read-only' },
      { path: '$.screen.blockCaptureTools', kind: 'changed', section: 'screen', before: false, after: true },
    ]);
    expect(result.summary).toEqual({
      appRules: { added: 1, removed: 1, changed: 1, moved: 1 },
      usbRules: { added: 0, removed: 0, changed: 0, moved: 0 },
      settings: 4,
    });
  });

  it('reports an optional field that appears or disappears as added or removed', () => {
    expect(diff(base, { ...base, description: 'now documented' }).changes).toEqual([{ path: '$.description', kind: 'added', section: 'document', after: 'now documented' }]);
    expect(diff({ ...base, description: 'gone' }, base).changes).toEqual([{ path: '$.description', kind: 'removed', section: 'document', before: 'gone' }]);
  });
});

describe('diffPolicyDocuments, optional sections', () => {
  it('reports hardening and the employee notice, which publish sends to agents too', () => {
    const bare = policyDocument.parse({ schema: 'dlp.policy/v1', name: 'P', mode: 'enforce' });
    const next = policyDocument.parse({ ...bare, hardening: { memfdNoexec: true }, notice: { message: '请联系 IT' } });
    const paths = diffPolicyDocuments(bare, next).changes.map((change) => [change.path, change.kind]);
    expect(paths).toEqual([
      ['$.hardening', 'added'],
      ['$.notice', 'added'],
    ]);
  });
});
