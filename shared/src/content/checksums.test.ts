import { cardIssuer, isValidBankCard, isValidResidentId, isValidUscc, luhnValid, residentIdCheckChar, usccCheckChar } from './checksums';

const TODAY = new Date('2026-12-06T00:00:00Z');

describe('check characters', () => {
  it('computes the GB 11643 check character, X included', () => {
    // Published example from GB 11643-1999 (11010519491231002X).
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(isValidResidentId('11010519491231002X', TODAY)).toBe(true);
    expect(isValidResidentId('110105194912310021', TODAY)).toBe(false);
  });

  it('rejects impossible, future and pre-1900 birth dates and non-province regions', () => {
    const withCheck = (body: string): string => body + residentIdCheckChar(body);
    expect(isValidResidentId(withCheck('11010519900230123'), TODAY)).toBe(false); // 30 February
    expect(isValidResidentId(withCheck('11010520270101123'), TODAY)).toBe(false); // future
    expect(isValidResidentId(withCheck('11010518991231123'), TODAY)).toBe(false); // before 1900
    expect(isValidResidentId(withCheck('99010519900101123'), TODAY)).toBe(false); // no province 99
    expect(isValidResidentId(withCheck('11000019900101123'), TODAY)).toBe(false); // region 0000
    expect(isValidResidentId(withCheck('11010520000229123'), TODAY)).toBe(true); // leap day
  });

  it('accepts 15-digit legacy IDs with a real 19YY date', () => {
    expect(isValidResidentId('110105491231002', TODAY)).toBe(true);
    expect(isValidResidentId('110105491331002', TODAY)).toBe(false);
  });

  it('computes the GB 32100 check character', () => {
    // The example printed in GB 32100-2015 and most guides.
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(usccCheckChar('91350100M000100I4')).toBe(''); // I is not in the alphabet
  });

  it('validates cards by Luhn and issuer prefix and length', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(cardIssuer('4111111111111111')).toBe('visa');
    expect(cardIssuer('6222021234567890128')).toBe('unionpay');
    expect(cardIssuer('5500000000000004')).toBe('mastercard');
    expect(cardIssuer('2221000000000009')).toBe('mastercard');
    expect(cardIssuer('2720990000000000')).toBe('mastercard');
    expect(cardIssuer('2721000000000000')).toBeUndefined();
    expect(cardIssuer('378282246310005')).toBe('amex');
    expect(cardIssuer('3530111333300000')).toBe('jcb');
    expect(isValidBankCard('3530111333300000')).toBe(true);
    expect(isValidBankCard('4111111111111112')).toBe(false);
    // A Luhn-valid 15-digit IMEI (TAC 35…) is not a card: JCB needs 16 digits or more.
    expect(luhnValid('356938035643809')).toBe(true);
    expect(isValidBankCard('356938035643809')).toBe(false);
  });
});
