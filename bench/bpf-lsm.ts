// The BPF LSM's cost on an exec (issue 12), measured where it runs: this machine's kernel refuses
// BTF-attached BPF programs, so in the test VM (Debian's kernel under QEMU TCG, see
// agent/service/src/platform/linux/fanotify/testing/vm/). TCG makes every figure slower than on
// hardware, so only the same-run ratios mean something: exec of a user-owned program as nobody with
// the helper and its LSM on, against the helper with the LSM off (and no helper at all).
import { runBpfLsmVm } from '../agent/service/src/platform/linux/fanotify/testing/vm/bpf-lsm-vm';

const runs = Number(process.argv[2] ?? 300);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const run = await runBpfLsmVm({ init: 'guest-bench.sh', files: { 'bench.runs': `${runs}\n` } }, 900_000);
  const figures: Record<'none' | 'off' | 'on', { median: number[]; p99: number[] }> = {
    none: { median: [], p99: [] },
    off: { median: [], p99: [] },
    on: { median: [], p99: [] },
  };
  for (const [name, text] of run.sections) {
    const [mode] = name.split(' ');
    const line = /exec-loop ([\d.]+) ([\d.]+)/.exec(text);
    if (!line || !(mode === 'none' || mode === 'off' || mode === 'on')) continue;
    figures[mode].median.push(Number(line[1]));
    figures[mode].p99.push(Number(line[2]));
    if (mode === 'on' && !text.includes('"state":"active"')) throw new Error(`the LSM was not active in ${name}: ${text}`);
  }
  const on = median(figures.on.median);
  const off = median(figures.off.median);
  const none = median(figures.none.median);
  const emit = (name: string, value: number, baseline: number, unit: string) =>
    console.log(JSON.stringify({ name, value: Math.round(value * 10) / 10, unit, baseline: Math.round(baseline * 10) / 10, ratio: Math.round((value / baseline) * 1000) / 1000 }));
  // Medians of 3 rounds of `runs` execs each, rounds alternating none/off/on.
  emit('bpf-lsm-exec-median-tcg', on, off, 'µs (QEMU TCG; helper with LSM on vs off)');
  emit('bpf-lsm-exec-p99-tcg', median(figures.on.p99), median(figures.off.p99), 'µs (QEMU TCG; helper with LSM on vs off)');
  emit('helper-exec-median-tcg', off, none, 'µs (QEMU TCG; helper, LSM off, vs no helper)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
