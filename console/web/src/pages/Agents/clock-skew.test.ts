import { translate } from '../../i18n/language';
import type { MessageKey } from '../../i18n/messages-en';
import { describeSkew } from './clock-skew';

const tEn = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);
const tZh = (key: MessageKey, params?: Record<string, string | number>) => translate('zh-CN', key, params);

describe('describeSkew', () => {
  it('calls measurement noise in sync, and names the direction and size of a real skew', () => {
    expect(describeSkew(-1500, tEn)).toEqual({ text: 'in sync', tone: 'green' });
    expect(describeSkew(42_000, tEn)).toEqual({ text: '42 s ahead', tone: 'amber' });
    expect(describeSkew(-24 * 3_600_000, tEn)).toEqual({ text: '1 d behind', tone: 'red' });
    expect(describeSkew(5 * 60_000, tEn).tone).toBe('red');
  });

  it('speaks Chinese too', () => {
    expect(describeSkew(42_000, tZh).text).toBe('快 42 秒');
    expect(describeSkew(-42_000, tZh).text).toBe('慢 42 秒');
  });
});
