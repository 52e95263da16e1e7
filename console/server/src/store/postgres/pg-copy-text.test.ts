import pg from 'pg';
import { TEST_DATABASE_URL } from '../../testing/postgres-schema';
import { copyField, copyRow, type CopyValue } from './pg-copy-text';
import { pgTransactionStatements, type PgStatements } from './pg-statements';

describe('COPY text rows', () => {
  let pool: pg.Pool;
  let client: pg.PoolClient;
  let sql: PgStatements;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    client = await pool.connect();
    sql = pgTransactionStatements(client);
    // Session-local: gone with the connection, seen by nobody else.
    await client.query('CREATE TEMP TABLE copied (i SERIAL, n BIGINT, t TEXT)');
  });

  afterAll(async () => {
    client.release();
    await pool.end();
  });

  it('stores every value exactly as the same statements read it back: NULL, empty, escapes, markers, NUL', async () => {
    const texts = ['', '\\N', '\\.', '\\', '\t', '\n', '\r\n', 'a\\tb', 'x\u0000y', '\uE000', '\uE0000', '中文 😀', '\u0001\u001f\u007f', ' spaced '];
    const rows: CopyValue[][] = [[null, null], [-1, 'first'], [Number.MAX_SAFE_INTEGER, 'max'], ...texts.map((t, i): CopyValue[] => [i, t])];
    const copy = sql.copyFrom;
    if (!copy) throw new Error('transaction statements must COPY');
    await client.query('TRUNCATE copied');
    expect(await copy('COPY copied (n, t) FROM STDIN', Buffer.from(rows.map(copyRow).join(''), 'utf8'))).toBe(rows.length);
    // Read through the adapter, which decodes text as it does for every query.
    const back = await sql.all<{ n: number | null; t: string | null }>('SELECT n, t FROM copied ORDER BY i');
    expect(back.map((r) => [r.n === null ? null : Number(r.n), r.t])).toEqual(rows);
  });

  it('refuses a number a BIGINT column cannot take exactly', () => {
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 53]) expect(() => copyField(bad)).toThrow(/COPY integer column/);
    expect(copyField(0)).toBe('0');
  });
});
