/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with
 * labels, plus gauges read at scrape time. Hand-rolled because the console needs a dozen series,
 * not a dependency; label values come only from code (route templates, fixed reason codes), never
 * from raw request input, so the number of series stays bounded.
 */

export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
}

/** Prometheus label value escaping: backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

abstract class Metric<S extends Series> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  protected seriesFor(labels: Labels, create: () => S): S {
    const key = keyOf(labels);
    let found = this.series.get(key);
    if (!found) {
      found = create();
      this.series.set(key, found);
    }
    return found;
  }

  /** `# HELP`, `# TYPE` and the sample lines. */
  render(): string {
    const help = this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    return `# HELP ${this.name} ${help}\n# TYPE ${this.name} ${this.type}\n${this.samples().join('\n')}${this.series.size > 0 || this.hasOwnSamples() ? '\n' : ''}`;
  }

  protected hasOwnSamples(): boolean {
    return false;
  }

  protected abstract samples(): string[];
}

interface ValueSeries extends Series {
  value: number;
}

/** A monotonically increasing count (`_total`). */
export class Counter extends Metric<ValueSeries> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    this.seriesFor(labels, () => ({ labels, value: 0 })).value += by;
  }

  /** Makes the series exist at 0, so an unlabelled counter is exported before its first event. */
  ensure(labels: Labels = {}): this {
    this.seriesFor(labels, () => ({ labels, value: 0 }));
    return this;
  }

  /** Current value. */
  get(labels: Labels = {}): number {
    return this.series.get(keyOf(labels))?.value ?? 0;
  }

  protected samples(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
}

/** A value read when Prometheus scrapes (connected agents, memory...); a counter when it only grows (CPU time). */
export class CallbackGauge extends Metric<ValueSeries> {
  constructor(
    name: string,
    help: string,
    private readonly read: () => number | Array<{ labels: Labels; value: number }>,
    type: 'gauge' | 'counter' = 'gauge',
  ) {
    super(name, help, type);
  }

  protected override hasOwnSamples(): boolean {
    return true;
  }

  protected samples(): string[] {
    const value = this.read();
    const rows = typeof value === 'number' ? [{ labels: {}, value }] : value;
    return rows.map((r) => `${this.name}${labelText(r.labels)} ${numberText(r.value)}`);
  }
}

interface HistogramSeries extends Series {
  counts: number[];
  sum: number;
  count: number;
}

/** Cumulative buckets (`_bucket{le}`), `_sum` and `_count`. Bucket bounds in the metric's unit. */
export class Histogram extends Metric<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, 'histogram');
  }

  /** Makes the series exist with empty buckets, so dashboards see it before the first observation. */
  ensure(labels: Labels = {}): this {
    this.seriesOf(labels);
    return this;
  }

  observe(value: number, labels: Labels = {}): void {
    const s = this.seriesOf(labels);
    // Buckets are few (≤ 15): a linear scan beats anything cleverer.
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] ?? Number.POSITIVE_INFINITY)) {
        s.counts[i] = (s.counts[i] ?? 0) + 1;
        break;
      }
    }
    s.sum += value;
    s.count += 1;
  }

  private seriesOf(labels: Labels): HistogramSeries {
    return this.seriesFor(labels, () => ({ labels, counts: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 }));
  }

  protected samples(): string[] {
    const lines: string[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.counts[i] ?? 0;
        lines.push(`${this.name}_bucket${labelText(s.labels, ['le', numberText(bound)])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${numberText(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** The content type of the text format this registry writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Holds metrics in registration order and renders them all. */
export class MetricsRegistry {
  private readonly metrics: Array<Metric<Series>> = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, bounds));
  }

  gauge(name: string, help: string, read: () => number | Array<{ labels: Labels; value: number }>, type: 'gauge' | 'counter' = 'gauge'): CallbackGauge {
    return this.add(new CallbackGauge(name, help, read, type));
  }

  /** The whole exposition, one metric family after another. */
  render(): string {
    return this.metrics.map((m) => m.render()).join('');
  }

  private add<M extends Metric<Series>>(metric: M): M {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.push(metric);
    return metric;
  }
}
