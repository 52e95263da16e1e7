// Reports an import that closes a loop of relative imports (type-only imports included: a loop of
// types is still a loop in the design). The graph of every .ts/.tsx file under the configured roots
// is read once per lint run with TypeScript's scanner (preProcessFile: no type-checking, a few ms per
// file); the file being linted replaces its own edges from the text ESLint holds, so an editor sees
// its unsaved change. Bare specifiers (packages, workspace links) are not followed: packages are
// layered by the no-restricted-imports rules instead.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const EXTENSIONS = ['.ts', '.tsx', '.d.ts'];
const SKIP = new Set(['node_modules', 'dist', 'build', 'coverage', '.git']);
const graphs = new Map(); // roots key -> Map<file, Set<file>>

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function resolve(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), spec);
  const stem = base.replace(/\.(m|c)?jsx?$/, '');
  const candidates = /\.tsx?$/.test(base) ? [base] : [];
  for (const ext of EXTENSIONS) candidates.push(stem + ext, base + ext);
  for (const ext of EXTENSIONS) candidates.push(path.join(base, `index${ext}`));
  return candidates.find(isFile);
}

function edgesOf(file, text) {
  const info = ts.preProcessFile(text, true, true);
  const out = new Set();
  for (const ref of info.importedFiles) {
    const target = resolve(file, ref.fileName);
    if (target) out.add(target);
  }
  return out;
}

function buildGraph(roots) {
  const graph = new Map();
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(full);
      } else if (/\.tsx?$/.test(e.name)) graph.set(full, edgesOf(full, fs.readFileSync(full, 'utf8')));
    }
  };
  for (const root of roots) walk(root);
  return graph;
}

/** Shortest path from `from` to `to` inside the graph (BFS), as a list of files, or undefined. */
function pathBetween(graph, from, to) {
  const prev = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length) {
    const v = queue.shift();
    if (v === to) {
      const out = [];
      for (let w = to; w !== undefined; w = prev.get(w)) out.unshift(w);
      return out;
    }
    for (const w of graph.get(v) ?? []) if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
  }
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid relative imports that form a loop (files that import each other, directly or through others).' },
    schema: [{ type: 'object', properties: { roots: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
    messages: { cycle: 'Import cycle: {{loop}}. Move the shared piece (a type, a constant) into its own file below both.' },
  },
  create(context) {
    const cwd = context.cwd ?? process.cwd();
    const roots = (context.options[0]?.roots ?? ['.']).map((r) => path.resolve(cwd, r));
    const key = roots.join('\0');
    if (!graphs.has(key)) graphs.set(key, buildGraph(roots));
    const graph = graphs.get(key);
    const file = context.filename ?? context.getFilename();
    if (!graph.has(file) && !roots.some((r) => file.startsWith(r + path.sep))) return {};
    graph.set(file, edgesOf(file, context.sourceCode.text));

    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = resolve(file, spec);
      if (!target || !graph.has(target)) return;
      const back = pathBetween(graph, target, file);
      if (!back) return;
      const loop = [file, ...back].map((f) => path.relative(cwd, f)).join(' → ');
      context.report({ node, messageId: 'cycle', data: { loop } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference.expression, node.moduleReference.expression.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
