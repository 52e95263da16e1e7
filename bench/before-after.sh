#!/usr/bin/env bash
# Before/after benchmark comparison of two checkouts in one session (written for issue 18: "the
# benchmark figures do not regress (ingest, search, push): show before/after from the same run").
#
# Usage:
#   bench/before-after.sh --before DIR [--after DIR] [--rounds N] [--only a,b,...] [--out DIR]
#                         [--ingest "AGENTS BATCHES"] [--search-events N] [--search-runs R]
#                         [--push-agents N] [--fleet-agents N] [--fleet-settle S] [--order abba|abab]
# Defaults: --before (required: a checkout of the older commit with node_modules) --after (this checkout) --rounds 3
#           --only ingest,ingest-postgres,policy-publish,connections,search
#           --ingest "8 25" (= npm run bench) --push-agents 1000 (= npm run bench)
#           --fleet-agents 2000 --fleet-settle 5 (connections.ts; npm run bench: 10,000 agents, 35 s, ulimit -n)
#           --search-events 2000000 --search-runs 20 (npm run bench: 10,000,000 events, ~20 min of seeding;
#           2M seeds in ~1 min per tree, its one-week queries take ~1/5 of the 10M figures)
#           --out /tmp/bench-ba.<timestamp>   (raw JSON lines, stderr logs, the table)
#
# Each tree must have node_modules (npm install). Neither tree is written to: each one's bench/*.ts
# is bundled with that tree's own scripts/bundle-node.mjs (the same esbuild call bench/run.mjs makes)
# into OUT/<label>/dist/bench/, where OUT/<label>/ holds symlinks to the tree's top-level entries,
# so node_modules, the password list (../../console/server/src/auth) and better-sqlite3's resolved
# path all come from that tree. Every run is `node --expose-gc dist/bench/<name>.js ...`, as
# bench/run.mjs spawns it, with cwd OUT/<label>.
#
# Order: for each round, for each scenario: both trees back to back, so they see the same machine
# state; --order abba (default) swaps who goes first every other round (B A, A B, B A, ...), since
# the second run of a pair can pay for the first one's leftovers (PostgreSQL checkpoints and
# dropped schemas, page cache); --order abab always runs before first. search seeds one database per tree once (untimed, --keep), then every round
# only queries it. The table shows medians over rounds; "ratio" is after/before of the medians;
# "same-run baseline ratio" is each run's own figure/baseline (the bench's "ratio" field).
# Push: policy-publish.ts before 66e69eb connected its agents 200 at a time while the console sheds
# handshakes beyond 128 pending, so its p99 and all_receipts timed reconnects: give an older tree
# the current bench/fleet/push-agents.ts. connections.ts waits until /metrics shows every agent
# connected; here at 2,000 agents, the console as its own process from a bundle of the tree.
# PostgreSQL: DLP_BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test, as ingest-postgres.ts).
set -euo pipefail

BEFORE=
AFTER="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=3
ONLY=ingest,ingest-postgres,policy-publish,connections,search
OUT=/tmp/bench-ba.$(date -u +%Y%m%dT%H%M%S)
INGEST_SIZE="8 25"
SEARCH_EVENTS=2000000
SEARCH_RUNS=20
PUSH_AGENTS=1000
FLEET_AGENTS=2000
FLEET_SETTLE_S=5
RUN_TIMEOUT_S=600
ORDER=abba

while [ $# -gt 0 ]; do
  case "$1" in
    --before) BEFORE=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --order) ORDER=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --ingest) INGEST_SIZE=$2; shift 2 ;;
    --search-events) SEARCH_EVENTS=$2; shift 2 ;;
    --search-runs) SEARCH_RUNS=$2; shift 2 ;;
    --push-agents) PUSH_AGENTS=$2; shift 2 ;;
    --fleet-agents) FLEET_AGENTS=$2; shift 2 ;;
    --fleet-settle) FLEET_SETTLE_S=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

[ -n "$BEFORE" ] || { echo "--before DIR is required (a checkout of the older commit, npm install done)" >&2; exit 2; }
IFS=, read -r -a SCENARIOS <<<"$ONLY"
case "$ORDER" in abba|abab) ;; *) echo "--order must be abba or abab" >&2; exit 2 ;; esac
for s in "${SCENARIOS[@]}"; do
  case "$s" in ingest|ingest-postgres|policy-publish|connections|search) ;; *) echo "unknown scenario: $s (ingest, ingest-postgres, policy-publish, connections, search)" >&2; exit 2 ;; esac
done
mkdir -p "$OUT"
started=$(date +%s)
log() { echo "[$(date -u +%H:%M:%S) +$(( $(date +%s) - started ))s load $(cut -d' ' -f1 /proc/loadavg)] $*" >&2; }

# Bench entry points each scenario needs bundled (ingest-postgres forks ingest.js's agents role).
bundles_for() {
  case "$1" in
    ingest) echo ingest ;;
    ingest-postgres) echo ingest ingest-postgres ;;
    policy-publish) echo policy-publish ;;
    connections) echo connections ;;
    search) echo search ;;
  esac
}

# OUT/<label>: symlinks to every top-level entry of the tree but dist/, plus a dist/bench/ of our own.
prepare() {
  local label=$1 tree=$2 shadow="$OUT/$1" entry name
  [ -d "$tree/node_modules" ] || { echo "$tree has no node_modules: npm install there first" >&2; exit 1; }
  mkdir -p "$shadow/dist/bench"
  for entry in "$tree"/* "$tree"/.[!.]*; do
    [ -e "$entry" ] || continue
    name=$(basename "$entry")
    [ "$name" = dist ] || [ "$name" = .git ] || ln -sfn "$entry" "$shadow/$name"
  done
  local names=()
  for s in "${SCENARIOS[@]}"; do names+=($(bundles_for "$s")); done
  (cd "$tree" && node --input-type=module -e "
    import path from 'node:path';
    const { bundleNode } = await import(path.resolve('scripts/bundle-node.mjs'));
    for (const name of process.argv.slice(1)) {
      await bundleNode(path.resolve('bench', name + '.ts'), path.join('$shadow', 'dist/bench', name + '.js'), { sourcemap: false });
    }" "${names[@]}")
  # connections.ts starts dist/console/server.js as its own process: bundle it as scripts/build.mjs does.
  if [[ " ${SCENARIOS[*]} " == *" connections "* ]]; then
    mkdir -p "$shadow/dist/console"
    (cd "$tree" && node --input-type=module -e "
      import path from 'node:path';
      const { bundleNode } = await import(path.resolve('scripts/bundle-node.mjs'));
      await bundleNode(path.resolve('console/server/src/main.ts'), '$shadow/dist/console/server.js');")
    cp "$tree/console/server/src/auth/common-passwords.txt" "$shadow/dist/console/"
  fi
  git -C "$tree" rev-parse --short HEAD >"$shadow.commit" 2>/dev/null || echo "$tree (no .git)" >"$shadow.commit"
  git -C "$tree" status --porcelain 2>/dev/null | wc -l >"$shadow.dirty" || echo 0 >"$shadow.dirty"
  git -C "$tree" diff --stat 2>/dev/null | tail -1 >"$shadow.diffstat" || true
}

args_for() {
  case "$1" in
    ingest) echo "dist/bench/ingest.js $INGEST_SIZE" ;;
    ingest-postgres) echo "dist/bench/ingest-postgres.js $INGEST_SIZE" ;;
    policy-publish) echo "dist/bench/policy-publish.js $PUSH_AGENTS" ;;
    connections) echo "dist/bench/connections.js $FLEET_AGENTS $FLEET_SETTLE_S 30" ;;
    search) echo "dist/bench/search.js --events $SEARCH_EVENTS --runs $SEARCH_RUNS --keep $OUT/$2.searchdb" ;;
  esac
}

# run <scenario> <label> <round>: one bench process; its JSON lines go to OUT/runs/<scenario>.<label>.<round>.jsonl
run() {
  local scenario=$1 label=$2 round=$3 t0 rc=0
  local file="$OUT/runs/$scenario.$label.$round"
  t0=$(date +%s)
  (cd "$OUT/$label" && timeout "$RUN_TIMEOUT_S" node --expose-gc $(args_for "$scenario" "$label")) >"$file.jsonl" 2>"$file.stderr" || rc=$?
  log "$scenario $label round $round: $(( $(date +%s) - t0 )) s, exit $rc, $(grep -c '^{' "$file.jsonl" || true) figures"
  [ "$rc" = 0 ] || { echo "  (see $file.stderr)" >&2; tail -5 "$file.stderr" >&2; }
}

mkdir -p "$OUT/runs"
log "bundling before ($BEFORE) and after ($AFTER) into $OUT"
prepare before "$BEFORE"
prepare after "$AFTER"

for s in "${SCENARIOS[@]}"; do
  if [ "$s" = search ]; then
    for label in before after; do
      if [ ! -e "$OUT/$label.searchdb/console.sqlite" ]; then
        mkdir -p "$OUT/$label.searchdb"
        t0=$(date +%s)
        (cd "$OUT/$label" && node --expose-gc dist/bench/search.js --events "$SEARCH_EVENTS" --runs 1 --keep "$OUT/$label.searchdb") >/dev/null 2>"$OUT/runs/search-seed.$label.stderr"
        log "search: seeded $SEARCH_EVENTS events for $label in $(( $(date +%s) - t0 )) s (untimed)"
      fi
    done
  fi
done

for round in $(seq 1 "$ROUNDS"); do
  for s in "${SCENARIOS[@]}"; do
    if [ "$ORDER" = abba ] && [ $((round % 2)) = 0 ]; then
      run "$s" after "$round"
      run "$s" before "$round"
    else
      run "$s" before "$round"
      run "$s" after "$round"
    fi
  done
done
rm -rf "$OUT"/*.searchdb

# The table: medians over rounds, after/before, and each run's own same-run baseline ratio.
OUT="$OUT" ROUNDS="$ROUNDS" ORDER="$ORDER" WALL=$(( $(date +%s) - started )) node --input-type=module -e '
import { readFileSync, readdirSync } from "node:fs";
const out = process.env.OUT;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n) => (n === undefined || Number.isNaN(n) ? "–" : Math.abs(n) >= 1000 ? Math.round(n).toLocaleString("en-US") : String(Number(n.toPrecision(3))));
const rows = new Map(); // scenario|figure -> { unit, before: [], after: [], rb: [], ra: [] }
for (const file of readdirSync(`${out}/runs`).filter((f) => f.endsWith(".jsonl")).sort()) {
  const [scenario, label] = file.split(".");
  for (const line of readFileSync(`${out}/runs/${file}`, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    const f = JSON.parse(line);
    const key = `${scenario}|${f.name}`;
    const row = rows.get(key) ?? { scenario, name: f.name, unit: f.unit, before: [], after: [], rb: [], ra: [] };
    row[label].push(f.value);
    row[label === "before" ? "rb" : "ra"].push(f.ratio);
    rows.set(key, row);
  }
}
const higherBetter = (unit) => /\/s$/.test(unit);
const lines = [];
const commit = (l) => `${readFileSync(`${out}/${l}.commit`, "utf8").trim()}${Number(readFileSync(`${out}/${l}.dirty`, "utf8").trim()) ? ` + uncommitted changes (${readFileSync(`${out}/${l}.diffstat`, "utf8").trim()}; ${readFileSync(`${out}/${l}.dirty`, "utf8").trim()} paths in git status)` : ""}`;
lines.push(`before: ${commit("before")}; after: ${commit("after")}; rounds: ${process.env.ROUNDS}, order ${process.env.ORDER}; wall time ${Math.round(process.env.WALL / 60)} min; finished ${new Date().toISOString()}`);
lines.push("ratio = median(after) / median(before); better = which way is an improvement; same-run baseline ratio = each run’s own value/baseline (before runs | after runs)");
lines.push("");
lines.push("| scenario | figure | unit | better | before (per round) | after (per round) | after/before (medians) | same-run baseline ratio before \\| after |");
lines.push("|---|---|---|---|---|---|---|---|");
const geo = new Map();
for (const r of rows.values()) {
  const mb = median(r.before), ma = median(r.after);
  const ratio = ma / mb;
  const g = geo.get(r.scenario) ?? []; if (Number.isFinite(ratio) && ratio > 0) g.push(higherBetter(r.unit) ? 1 / ratio : ratio); geo.set(r.scenario, g);
  lines.push(`| ${r.scenario} | ${r.name.replace(/^console\./, "")} | ${r.unit} | ${higherBetter(r.unit) ? "higher" : "lower"} | ${r.before.map(fmt).join(" / ")} | ${r.after.map(fmt).join(" / ")} | **${Number.isFinite(ratio) ? ratio.toFixed(3) : "–"}** | ${r.rb.map(fmt).join(" / ")} \\| ${r.ra.map(fmt).join(" / ")} |`);
}
lines.push("");
lines.push("Cost of after relative to before, geometric mean over each scenario’s figures (> 1 = after slower, whatever the unit):");
for (const [s, g] of geo) lines.push(`- ${s}: ${g.length ? Math.exp(g.reduce((a, x) => a + Math.log(x), 0) / g.length).toFixed(3) : "–"} over ${g.length} figures`);
console.log(lines.join("\n"));
' | tee "$OUT/table.md"
log "done: $OUT/table.md"
