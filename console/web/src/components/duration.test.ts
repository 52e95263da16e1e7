import { translate } from '../i18n/language';
import type { I18n } from '../i18n';
import { formatMinutes } from './duration';

const t: I18n['t'] = (key, params) => translate('en', key, params);

describe('formatMinutes', () => {
  it('reads as people say durations, with the two largest units', () => {
    expect(formatMinutes(45, t)).toBe('45 min');
    expect(formatMinutes(150, t)).toBe('2 h 30 min');
    expect(formatMinutes(60 * 24 * 3 + 60 * 4 + 7, t)).toBe('3 d 4 h');
    expect(formatMinutes(60 * 24 * 30, t)).toBe('30 d');
  });
});
