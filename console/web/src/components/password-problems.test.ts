import { ApiRequestError } from '../api';
import { translate } from '../i18n/language';
import type { I18n } from '../i18n';
import { passwordProblems } from './password-problems';

const t: I18n['t'] = (key, params) => translate('en', key, params);

describe('passwordProblems', () => {
  it('translates every rule the console says the new password breaks, first rule first', () => {
    const refused = new ApiRequestError('http', 400, 'password_too_short', 'The password is too short, and is too common.', [
      { path: 'newPassword', message: 'password_too_short: is shorter than 12 characters' },
      { path: 'newPassword', message: 'password_common: is a commonly used password' },
    ]);
    expect(passwordProblems(refused, t)).toEqual([
      'The new password is too short: use at least 12 characters.',
      'The new password is too common: it is on the list of passwords attackers try first.',
    ]);
  });

  it('says the current password is wrong rather than that the session ended', () => {
    expect(passwordProblems(new ApiRequestError('http', 401, 'invalid_credentials', 'Wrong current password.'), t)).toEqual(['The current password is wrong.']);
  });

  it('shows the console message for codes it does not know', () => {
    expect(passwordProblems(new ApiRequestError('http', 500, 'internal_error', 'boom'), t)).toEqual(['The console reported an error: boom']);
  });
});
