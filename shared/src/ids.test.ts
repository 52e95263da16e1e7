import { z } from 'zod';
import { uuidv7, uuidv7Time } from './ids';

describe('uuidv7', () => {
  it('produces RFC 9562 version-7 ids carrying their creation time', () => {
    const id = uuidv7(1_764_347_400_123);
    expect(z.uuidv7().safeParse(id).success).toBe(true);
    expect(uuidv7Time(id)).toBe(1_764_347_400_123);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });
});
