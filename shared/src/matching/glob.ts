/**
 * Path globs for app rules, deliberately small so the native helper implements the exact same
 * language: `*` matches within one path segment, `**` across segments (`/**\/` also matches a
 * single `/`), `?` one character other than `/`. Everything else is literal; matching is
 * case-sensitive and anchored at both ends. test/fixtures/app-rule-vectors.json pins the semantics.
 *
 * Matching simulates the pattern as an NFA (a set of positions advanced per character), so it is
 * linear in the path length whatever the pattern: a RegExp would backtrack exponentially on
 * `/x/*a*a*a*a*b` against a long file name, and file names are chosen by whoever runs a program.
 */

type Op =
  | { kind: 'char'; char: string }
  /** `?`: one character other than `/`. */
  | { kind: 'one' }
  /** `*` (segment: not `/`) or `**` (any): zero or more characters, then the next op. */
  | { kind: 'star'; crossesSlash: boolean }
  /** Epsilon to the next op or to `to` (the optional directories of `/**\/`). */
  | { kind: 'split'; to: number }
  | { kind: 'match' };

export interface GlobMatcher {
  test(path: string): boolean;
}

function compileOps(glob: string): Op[] {
  const ops: Op[] = [];
  let i = 0;
  while (i < glob.length) {
    const ch = glob.charAt(i);
    if (ch === '*') {
      let stars = 1;
      while (glob.charAt(i + stars) === '*') stars++;
      if (stars === 1) {
        ops.push({ kind: 'star', crossesSlash: false });
      } else if (glob.charAt(i - 1) === '/' && glob.charAt(i + stars) === '/') {
        // `/**/`: the `/` before is already an op; now either skip, or any run ending in `/`.
        const split = ops.length;
        ops.push({ kind: 'split', to: -1 }, { kind: 'star', crossesSlash: true }, { kind: 'char', char: '/' });
        ops[split] = { kind: 'split', to: ops.length };
        stars++; // the `/` after `**` belongs to the optional group
      } else {
        ops.push({ kind: 'star', crossesSlash: true });
      }
      i += stars;
    } else {
      ops.push(ch === '?' ? { kind: 'one' } : { kind: 'char', char: ch });
      i++;
    }
  }
  ops.push({ kind: 'match' });
  return ops;
}

/** Adds `pc` and every op reachable from it without consuming a character. */
function addWithClosure(ops: readonly Op[], set: Set<number>, pc: number): void {
  if (set.has(pc)) return;
  set.add(pc);
  const op = ops[pc];
  if (op?.kind === 'star') addWithClosure(ops, set, pc + 1);
  if (op?.kind === 'split') {
    addWithClosure(ops, set, pc + 1);
    addWithClosure(ops, set, op.to);
  }
}

export function compileGlob(glob: string): GlobMatcher {
  const ops = compileOps(glob);
  const matchPc = ops.length - 1;
  return {
    test(path: string): boolean {
      let current = new Set<number>();
      addWithClosure(ops, current, 0);
      for (const ch of path) {
        const next = new Set<number>();
        for (const pc of current) {
          const op = ops[pc];
          if (!op) continue;
          if (op.kind === 'char' && op.char === ch) addWithClosure(ops, next, pc + 1);
          else if (op.kind === 'one' && ch !== '/') addWithClosure(ops, next, pc + 1);
          else if (op.kind === 'star' && (op.crossesSlash || ch !== '/')) addWithClosure(ops, next, pc);
        }
        if (next.size === 0) return false;
        current = next;
      }
      return current.has(matchPc);
    },
  };
}

/** True when a pattern uses glob syntax (otherwise it is a plain path). */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
