import { codeGroups } from '../../components/code-groups';
import { normalizeUsbId } from './unlock-code';

describe('codeGroups', () => {
  it('groups a code in fours whether or not it came with dashes', () => {
    expect(codeGroups('7K2M-QX4P-ABCD-EFGH-JKMN-PQRS')).toEqual(['7K2M', 'QX4P', 'ABCD', 'EFGH', 'JKMN', 'PQRS']);
    expect(codeGroups('7k2mqx4pab')).toEqual(['7K2M', 'QX4P', 'AB']);
  });
});

describe('normalizeUsbId', () => {
  it('accepts the ways people copy ids from lsusb or Device Manager', () => {
    expect(normalizeUsbId(' 0x0781 ')).toBe('0781');
    expect(normalizeUsbId('ABCD')).toBe('abcd');
  });
});
