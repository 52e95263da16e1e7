import { accountNameOf } from './peer-credentials';

// The helper reports only the kernel's numbers (its packaged build is static and cannot load NSS
// modules); the name comes from the system's user database through getent.
describe('accountNameOf', () => {
  it('names the accounts of the user database', async () => {
    expect(await accountNameOf(0)).toBe('root');
    expect(await accountNameOf(65534)).toBe('nobody');
  });

  it('gives null for a uid without an account', async () => {
    expect(await accountNameOf(3_999_999_999)).toBeNull();
  });
});
