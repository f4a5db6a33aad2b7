// A latency histogram with ~1% relative resolution and fixed memory, so a
// run of millions of heartbeats keeps percentiles without keeping samples.
// Values are microseconds; bucket k holds values around 1.01^k.

const GROWTH = Math.log(1.01);
const BUCKETS = 2400; // 1.01^2400 µs is far beyond any timeout

export interface LatencySummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

export class LatencyHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  /** Record one value in microseconds (negative clock steps count as 0). */
  record(us: number): void {
    const v = us > 0 ? us : 0;
    const k = v < 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(v) / GROWTH) + 1);
    this.#counts[k] = this.#counts[k]! + 1;
    this.count++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /** The value below which a share `q` of the records lie (bucket's upper edge, capped by the max). */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let k = 0; k < BUCKETS; k++) {
      seen += this.#counts[k]!;
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, k === 0 ? 1 : Math.exp(k * GROWTH)));
    }
    return this.#max;
  }

  summary(): LatencySummary {
    const empty = this.count === 0;
    return {
      count: this.count,
      min: empty ? Number.NaN : this.#min,
      max: empty ? Number.NaN : this.#max,
      mean: empty ? Number.NaN : this.#sum / this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
    };
  }
}
