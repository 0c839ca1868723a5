/** Summary statistics of per-request samples, with numpy's default (linear) percentile definition. */
import { Latency, noLatency } from "./record";

/** The p-th percentile (0..100) of ascending-sorted values, interpolating linearly between ranks like numpy.percentile. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("percentile of no values");
  const rank = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const t = rank - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's lerp form: stable at both ends of the interval.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Mean, median, p90 and p99 of the samples, scaled by `scale` (e.g. 1000 for seconds to ms); all null when empty. */
export function summarize(values: readonly number[], scale = 1): Latency {
  if (values.length === 0) return noLatency();
  // The mean sums in input order (like pandas/Python over a CSV); the order statistics need sorting.
  const scaled = values.map((v) => v * scale);
  const sorted = [...scaled].sort((x, y) => x - y);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { mean: mean(scaled), median, p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}
