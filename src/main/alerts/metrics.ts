/**
 * Ingest latency samples of this process over a sliding window (the POS server and the UI run
 * in the workstation host, so its p95 is the one that matters at the counter). Bounded: at
 * most `maxSamples` are kept whatever the rate.
 */
export interface Sample {
  at: number;
  latencyMs: number;
  outcome: 'committed' | 'duplicate' | 'quarantined';
  source: string;
}

export class IngestMetrics {
  private readonly samples: Sample[] = [];
  private start = 0;

  constructor(
    private readonly maxSamples = 50_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  record(s: Omit<Sample, 'at'> & { at?: number }): void {
    this.samples.push({ at: s.at ?? this.now(), latencyMs: s.latencyMs, outcome: s.outcome, source: s.source });
    if (this.samples.length - this.start > this.maxSamples) this.start++;
    if (this.start > 4096 && this.start * 2 > this.samples.length) {
      this.samples.splice(0, this.start);
      this.start = 0;
    }
  }

  window(windowMs: number): Sample[] {
    const since = this.now() - windowMs;
    const out: Sample[] = [];
    for (let i = this.samples.length - 1; i >= this.start; i--) {
      const s = this.samples[i]!;
      if (s.at < since) break;
      out.push(s);
    }
    return out.reverse();
  }

  /** Nearest-rank percentile of latencies in the window; null with no samples. */
  percentile(p: number, windowMs: number): number | null {
    const lat = this.window(windowMs)
      .map((s) => s.latencyMs)
      .sort((a, b) => a - b);
    if (!lat.length) return null;
    return lat[Math.min(lat.length - 1, Math.max(0, Math.ceil((p / 100) * lat.length) - 1))]!;
  }
}
