import type { CellRole, CellSink } from './cell-sink';
import { createSqlTransform, detectSqlDialect, type SqlDialect } from './sql-transform';

interface Seen { table: string; column: number | string; role: CellRole; value: string; line: number }

function recorder(replace: (value: string) => string | undefined = () => undefined): CellSink & { seen: Seen[]; names: Map<string, readonly string[]> } {
  const seen: Seen[] = [];
  const names = new Map<string, readonly string[]>();
  return { seen, names, columns: (t, n) => void names.set(t, n), cell: (table, column, line, role, value) => (seen.push({ table, column, role, value, line }), replace(value)) };
}

function run(input: string, dialect: SqlDialect, cuts: number[], sink: CellSink): { out: string; counts: { rows: number; statements: number; insertStatements: number } } {
  const t = createSqlTransform(sink, { dialect, emit: true });
  let out = '';
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    out += t.push(input.slice(at, cut));
    at = cut;
  }
  return { out: out + t.end(), counts: t.counts };
}

const MYSQL = `-- MySQL dump 10.13  Distrib 8.0
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE \`customers\` (
  \`id\` int NOT NULL AUTO_INCREMENT,
  \`name\` varchar(32) DEFAULT NULL COMMENT '姓名',
  \`id_card\` char(18),
  \`price\` decimal(10,2),
  PRIMARY KEY (\`id\`),
  KEY \`idx\` (\`id_card\`)
) ENGINE=InnoDB AUTO_INCREMENT=3;
INSERT INTO \`customers\` VALUES (1,'O\\'Brien','11010519491231002X',12.50),(2,'a\\\\b\\n"q"',NULL,-3);
# a comment 13812345678
INSERT INTO customers (id, ID_CARD) VALUES (3, 'x;y') ON DUPLICATE KEY UPDATE id_card='z';
`;

const POSTGRES = `--
-- PostgreSQL database dump
--
SET standard_conforming_strings = on;
CREATE TABLE public.customers (
    id integer NOT NULL,
    note text,
    card character varying(19)
);
COPY public.customers (id, note, card) FROM stdin;
1\tline\\tone\t6222021234567890123
2\t\\N\t4111111111111111
\\.

INSERT INTO public.customers VALUES (3, 'it''s C:\\dir', E'tab\\there'), (4, $$dollar 'quoted'$$, 'x');
`;

describe('SQL transform', () => {
  it('copies dumps as they are when nothing is replaced, wherever the pieces are cut', () => {
    for (const [dump, dialect] of [[MYSQL, 'mysql'], [POSTGRES, 'postgres']] as const) {
      for (let cut = 0; cut <= dump.length; cut += 3) expect(run(dump, dialect, [cut], recorder()).out).toBe(dump);
    }
  });

  it('knows a MySQL dump’s tables, columns, rows and values', () => {
    const sink = recorder();
    const { counts } = run(MYSQL, 'mysql', [], sink);
    expect(sink.names.get('customers')).toEqual(['id', 'name', 'id_card', 'price']);
    const data = sink.seen.filter((s) => s.role === 'data').map((s) => [s.table, s.column, s.value]);
    expect(data).toEqual([
      ['customers', 0, '1'], ['customers', 1, "O'Brien"], ['customers', 2, '11010519491231002X'], ['customers', 3, '12.50'],
      ['customers', 0, '2'], ['customers', 1, 'a\\b\n"q"'], ['customers', 3, '3'],
      // INSERT … (id, id_card): its second value is the table's third column.
      ['customers', 0, '3'], ['customers', 2, 'x;y'],
    ]);
    expect(sink.seen.filter((s) => s.role === 'text').map((s) => s.value)).toEqual(expect.arrayContaining([' a comment 13812345678', '姓名', 'z']));
    expect(counts).toMatchObject({ rows: 3, insertStatements: 2, statements: 3 });
  });

  it('knows a pg_dump’s COPY blocks and INSERTs, with PostgreSQL string rules', () => {
    const sink = recorder();
    const { counts } = run(POSTGRES, 'postgres', [], sink);
    expect(sink.names.get('public.customers')).toEqual(['id', 'note', 'card']);
    const data = sink.seen.filter((s) => s.role === 'data').map((s) => [s.column, s.value]);
    expect(data).toEqual([
      [0, '1'], [1, 'line\tone'], [2, '6222021234567890123'], [0, '2'], [2, '4111111111111111'],
      [0, '3'], [1, "it's C:\\dir"], [2, 'tab\there'], [0, '4'], [1, "dollar 'quoted'"], [2, 'x'],
    ]);
    expect(counts.rows).toBe(4);
  });

  it('writes replaced literals escaped the way the dialect reads them', () => {
    const mysql = run("INSERT INTO t VALUES ('13812345678',13912345678);\n", 'mysql', [20], recorder((v) => (v === '13812345678' ? "it's\\" : v === '13912345678' ? '13900000000' : undefined)));
    expect(mysql.out).toBe("INSERT INTO t VALUES ('it\\'s\\\\',13900000000);\n");
    const pg = run("INSERT INTO t VALUES ('a', E'b');\nCOPY t (x) FROM stdin;\nc\n\\.\n", 'postgres', [], recorder((v) => ({ a: "o'k\\", b: "t\tab'", c: 'new\tline\\' })[v]));
    expect(pg.out).toBe("INSERT INTO t VALUES ('o''k\\', E't\\tab''');\nCOPY t (x) FROM stdin;\nnew\\tline\\\\\n\\.\n");
  });

  it('names the line of a string left open', () => {
    expect(() => run("INSERT INTO t VALUES (1);\nINSERT INTO t VALUES ('open\n);\n", 'mysql', [], recorder())).toThrow(/starting on line 2 is never closed/);
    expect(() => run('/* never closed\n', 'mysql', [], recorder())).toThrow(/comment starting on line 1/);
  });

  it('tells the dialect from the dump’s head', () => {
    expect(detectSqlDialect(MYSQL)).toBe('mysql');
    expect(detectSqlDialect(POSTGRES)).toBe('postgres');
    expect(detectSqlDialect("INSERT INTO `t` VALUES ('a');")).toBe('mysql');
  });
});
