/**
 * Counters and histograms of this process, written in the Prometheus text exposition format
 * (version 0.0.4). Per-process figures are what Prometheus expects: it scrapes each server
 * process and sums. What another process must see (health, lag, forks) is never kept here but
 * read from the database at scrape time (metrics/route.ts). Written by hand: no maintained
 * Prometheus client is among the project's dependencies, and the format is a few lines.
 */
export type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
export function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
/** Prometheus writes +Inf, -Inf and NaN by name; integers stay integers. */
export const num = (v: number) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : Number.isNaN(v) ? 'NaN' : String(v));

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    const v = this.values.get(k);
    if (v) v.value += by;
    else this.values.set(k, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0;
  }
  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${num(value)}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, ascending; +Inf is added. */
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: num(le) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** A gauge read at scrape time: one sample per label set. */
export function gaugeText(name: string, help: string, samples: { labels: Labels; value: number }[]): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map((s) => `${name}${labelText(s.labels)} ${num(s.value)}`)].join('\n');
}

/** This process's figures. One per process: tests that start several apps in one process share it. */
export const serverMetrics = {
  pushes: new Counter('rxledger_push_requests_total', 'Push requests answered by this process, by outcome (accepted or the refusal code).'),
  pulls: new Counter('rxledger_pull_requests_total', 'Pull requests answered by this process, by outcome.'),
  entriesAccepted: new Counter('rxledger_entries_accepted_total', 'Ledger entries accepted into a device chain by this process.'),
  entriesVerified: new Counter('rxledger_entries_verified_total', 'Entries checked in full (canonical form, hash, chain, Ed25519) on push by this process, by result.'),
  forks: new Counter('rxledger_forks_detected_total', 'Forks this process detected on push (rxledger_devices_flagged is the total across processes).'),
  requests: new Histogram('rxledger_http_request_duration_seconds', 'Request latency by route, method and status class, as seen by this process.', [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
  ]),
};
