import { policyDocument, type PolicyDocumentInput } from '@dlp/shared';
import { planDeviceWrites } from './usb-device-plan';
import { blockTarget, decideByPolicy, decideUsbDevice } from './usb-rules';
import type { UsbDeviceInfo, UsbGrant, UsbSection } from './usb-types';

function usb(section: PolicyDocumentInput['usb']): UsbSection {
  return policyDocument.parse({ schema: 'dlp.policy/v1', name: 't', mode: 'enforce', usb: section }).usb;
}

function device(overrides: Partial<UsbDeviceInfo> & { classes?: number[] } = {}): UsbDeviceInfo {
  const { classes = [8], ...rest } = overrides;
  const id = rest.id ?? '1-2';
  return {
    id,
    port: id,
    vendorId: '0781',
    productId: '5567',
    serial: 'SN1',
    manufacturer: 'SanDisk',
    product: 'Cruzer Blade',
    deviceClass: 0,
    interfaces: classes.map((c, i) => ({ name: `${id}:1.${i}`, interfaceClass: c, authorized: true })),
    authorized: true,
    isHub: false,
    authorizedDefault: null,
    ...rest,
  };
}

const NOW = Date.parse('2026-11-28T16:30:00.000Z');

function grant(overrides: Partial<UsbGrant> = {}): UsbGrant {
  return {
    id: '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f',
    source: 'exception',
    target: { kind: 'device', device: { vendorId: '0781', productId: '5567', serial: 'SN1' } },
    action: 'allow',
    expiresAt: new Date(NOW + 60_000),
    ...overrides,
  };
}

describe('USB rules', () => {
  it('takes the first matching rule, in list order', () => {
    const section = usb({
      defaultAction: 'block',
      rules: [
        { id: 'ok-serial', action: 'allow', match: { vendorId: '0781', serial: 'SN1' } },
        { id: 'ro-sandisk', action: 'read-only', match: { vendorId: '0781' } },
        { id: 'no-storage', action: 'block', match: { interfaceClass: 8 } },
      ],
    });
    expect(decideByPolicy(device(), section)).toMatchObject({ action: 'allow', ruleId: 'ok-serial' });
    expect(decideByPolicy(device({ serial: 'SN2' }), section)).toMatchObject({ action: 'read-only', ruleId: 'ro-sandisk' });
    expect(decideByPolicy(device({ vendorId: '090c' }), section)).toMatchObject({ action: 'block', ruleId: 'no-storage', matchedClass: 8 });
  });

  it('needs every field a rule names to match: VID:PID, serial, port, interface class', () => {
    const section = usb({ rules: [{ id: 'one', action: 'block', match: { vendorId: '0781', productId: '5567', serial: 'SN1', port: '1-2', interfaceClass: 8 } }] });
    expect(decideByPolicy(device(), section).ruleId).toBe('one');
    expect(decideByPolicy(device({ productId: '5568' }), section).ruleId).toBeNull();
    expect(decideByPolicy(device({ serial: null }), section).ruleId).toBeNull();
    expect(decideByPolicy(device({ id: '1-3' }), section).ruleId).toBeNull();
    expect(decideByPolicy(device({ classes: [6] }), section).ruleId).toBeNull();
  });

  it('applies the default to storage devices only and never judges hubs', () => {
    const section = usb({ defaultAction: 'block', rules: [{ id: 'all', action: 'block', match: {} }] });
    expect(decideByPolicy(device({ classes: [3] }), usb({ defaultAction: 'block' }))).toMatchObject({ action: 'allow', reason: 'not-storage' });
    expect(decideByPolicy(device({ classes: [6] }), usb({ defaultAction: 'block' }))).toMatchObject({ action: 'block', reason: 'default' });
    expect(decideByPolicy(device({ classes: [9], isHub: true }), section)).toMatchObject({ action: 'allow', reason: 'hub' });
    expect(decideByPolicy(device(), usb({ enabled: false, defaultAction: 'block' }))).toMatchObject({ action: 'allow', reason: 'disabled' });
    expect(decideByPolicy(device(), null)).toMatchObject({ action: 'allow', reason: 'disabled' });
  });

  it('lets a grant relax the policy but never tighten it', () => {
    const block = usb({ defaultAction: 'block' });
    expect(decideUsbDevice(device(), block, [grant()], null, NOW)).toMatchObject({ action: 'allow', policyAction: 'block', grant: { id: grant().id } });
    expect(decideUsbDevice(device(), block, [grant({ action: 'read-only' })], null, NOW)).toMatchObject({ action: 'read-only' });
    const readOnly = usb({ defaultAction: 'read-only' });
    expect(decideUsbDevice(device(), usb({ defaultAction: 'allow' }), [grant({ action: 'read-only' })], null, NOW)).toMatchObject({ action: 'allow', grant: null });
    expect(decideUsbDevice(device(), readOnly, [grant({ action: 'read-only' })], null, NOW)).toMatchObject({ action: 'read-only', grant: null });
  });

  it('matches device grants on VID, PID and serial, user grants on the user, and ignores expired grants', () => {
    const block = usb({ defaultAction: 'block' });
    expect(decideUsbDevice(device({ serial: 'SN2' }), block, [grant()], null, NOW).action).toBe('block');
    expect(decideUsbDevice(device({ serial: null }), block, [grant()], null, NOW).action).toBe('block');
    expect(decideUsbDevice(device(), block, [grant({ expiresAt: new Date(NOW) })], null, NOW).action).toBe('block');
    const forAlice = grant({ target: { kind: 'user', user: 'alice' } });
    expect(decideUsbDevice(device({ serial: 'any' }), block, [forAlice], 'alice', NOW).action).toBe('allow');
    expect(decideUsbDevice(device({ serial: 'any' }), block, [forAlice], 'bob', NOW).action).toBe('block');
    expect(decideUsbDevice(device({ serial: 'any' }), block, [forAlice], null, NOW).action).toBe('block');
  });

  it('prefers the most permissive grant, then a device grant over a user grant', () => {
    const block = usb({ defaultAction: 'block' });
    const ro = grant({ id: 'ro', action: 'read-only' });
    const user = grant({ id: 'user', target: { kind: 'user', user: 'alice' } });
    const dev = grant({ id: 'dev' });
    expect(decideUsbDevice(device(), block, [ro, user], 'alice', NOW).grant?.id).toBe('user');
    expect(decideUsbDevice(device(), block, [user, dev], 'alice', NOW).grant?.id).toBe('dev');
  });

  it('blocks only the storage interfaces of a composite device, the whole device otherwise', () => {
    const verdict = { matchedClass: null };
    expect(blockTarget(device({ classes: [3, 8] }), verdict)).toEqual({ kind: 'interfaces', names: ['1-2:1.1'] });
    expect(blockTarget(device({ classes: [8] }), verdict)).toEqual({ kind: 'device' });
    expect(blockTarget(device({ classes: [3, 3] }), { matchedClass: 3 })).toEqual({ kind: 'device' });
    expect(blockTarget(device({ classes: [3, 6, 8] }), { matchedClass: 6 })).toEqual({ kind: 'interfaces', names: ['1-2:1.1'] });
  });

  it('plans sysfs writes: cut off, bind, and leave alone what is already right', () => {
    const block = decideUsbDevice(device(), usb({ defaultAction: 'block' }), [], null, NOW);
    const allow = decideUsbDevice(device(), usb({}), [], null, NOW);
    expect(planDeviceWrites(device(), block)).toEqual([{ kind: 'device', id: '1-2', authorized: false }]);
    expect(planDeviceWrites(device({ authorized: false }), block)).toEqual([]);
    expect(planDeviceWrites(device({ authorized: false }), allow)).toEqual([{ kind: 'device', id: '1-2', authorized: true }]);
    const composite = device({ classes: [3, 8] });
    const compositeBlock = decideUsbDevice(composite, usb({ defaultAction: 'block' }), [], null, NOW);
    expect(planDeviceWrites(composite, compositeBlock)).toEqual([{ kind: 'interface', name: '1-2:1.1', authorized: false }]);
    const cut = { ...composite, interfaces: composite.interfaces.map((i) => ({ ...i, authorized: i.interfaceClass !== 8 })) };
    expect(planDeviceWrites(cut, decideUsbDevice(cut, usb({}), [], null, NOW))).toEqual([{ kind: 'interface', name: '1-2:1.1', authorized: true }]);
  });
});
