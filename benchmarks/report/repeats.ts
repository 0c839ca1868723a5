/**
 * Repeats (benchmark.repeats): the same load point measured in N runs of the sweep. The report's tables show
 * the mean over the repeats; this module keeps the spread (min–max, and a 95 % confidence interval of the
 * mean from Student's t when N >= 3) and flags comparisons the spread cannot support.
 */
import { combineEvidence } from "../evidence/combine";
import { Latency, PointRecord } from "../parsers/record";
import { loadKey } from "../results/loads";

/** Two-sided 95 % quantiles of Student's t, t(0.975, df), for df = 1..30 (standard tables). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${df}`);
  // Beyond the table, 1.96 + 2.37/df is within 0.002 of the quantile (df 40: 2.019 vs 2.021; df 120: 1.980).
  return df <= T_975.length ? T_975[df - 1] : 1.96 + 2.37 / df;
}

export interface Spread {
  n: number;
  mean: number;
  min: number;
  max: number;
  /** 95 % interval of the mean (mean ± t·s/√n); null below three repeats. */
  ci95: [number, number] | null;
}

export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const min = Math.min(...values);
  const max = Math.max(...values);
  let ci95: [number, number] | null = null;
  if (n >= 3) {
    const s = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
    const half = (t975(n - 1) * s) / Math.sqrt(n);
    ci95 = [mean - half, mean + half];
  }
  return { n, mean, min, max, ci95 };
}

export interface RepeatedPoint {
  experiment: string;
  load: PointRecord["load"];
  /** The repeats' records, repeat 1 first. */
  runs: PointRecord[];
}

const meanOrNull = (values: Array<number | null | undefined>): number | null => {
  const known = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return known.length === values.length && known.length > 0 ? known.reduce((a, v) => a + v, 0) / known.length : null;
};
const sumOrNull = (values: Array<number | null | undefined>): number | null =>
  values.every((v) => typeof v === "number") ? (values as number[]).reduce((a, v) => a + v, 0) : null;

function meanLatency(runs: readonly PointRecord[], field: "ttftMs" | "tpotMs" | "itlMs" | "e2eMs"): Latency {
  return {
    mean: meanOrNull(runs.map((r) => r[field].mean)),
    median: meanOrNull(runs.map((r) => r[field].median)),
    p90: meanOrNull(runs.map((r) => r[field].p90)),
    p99: meanOrNull(runs.map((r) => r[field].p99)),
  };
}

/**
 * One record for the tables: statistics are the mean over the repeats (a statistic some repeat lacks stays null),
 * counts are summed; the server-side evidence likewise (benchmarks/evidence/combine.ts).
 */
export function meanRecord(runs: readonly PointRecord[]): PointRecord {
  const first = runs[0];
  const cancelled = runs.some((r) => r.requests.cancelled !== undefined) ? runs.reduce((a, r) => a + (r.requests.cancelled ?? 0), 0) : undefined;
  const goodputs = runs.map((r) => r.goodput);
  const record: PointRecord = {
    experiment: first.experiment,
    harness: first.harness,
    load: first.load,
    requests: { completed: runs.reduce((a, r) => a + r.requests.completed, 0), failed: sumOrNull(runs.map((r) => r.requests.failed)), ...(cancelled !== undefined ? { cancelled } : {}) },
    durationS: meanOrNull(runs.map((r) => r.durationS)),
    throughput: {
      requestsPerS: meanOrNull(runs.map((r) => r.throughput.requestsPerS)),
      outputTokensPerS: meanOrNull(runs.map((r) => r.throughput.outputTokensPerS)),
      totalTokensPerS: meanOrNull(runs.map((r) => r.throughput.totalTokensPerS)),
    },
    ttftMs: meanLatency(runs, "ttftMs"),
    tpotMs: meanLatency(runs, "tpotMs"),
    itlMs: meanLatency(runs, "itlMs"),
    e2eMs: meanLatency(runs, "e2eMs"),
    source: runs.map((r) => r.source).join(", "),
  };
  if (goodputs.some((g) => g !== undefined)) {
    const known = goodputs.every((g) => g !== undefined && g.requestsPerS !== null);
    record.goodput = {
      slo: first.goodput?.slo ?? null,
      requestsPerS: known ? meanOrNull(goodputs.map((g) => g!.requestsPerS)) : null,
      met: sumOrNull(goodputs.map((g) => g?.met)),
      from: first.goodput?.from ?? null,
      ...(first.goodput?.note ? { note: first.goodput.note } : {}),
    };
  }
  const evidence = runs.flatMap((r) => (r.evidence ? [r.evidence] : []));
  if (evidence.length > 0) record.evidence = combineEvidence(evidence, runs.length);
  const notes = runs.flatMap((r) => (r.notes ?? []).map((n) => `repeat ${r.repeat ?? 1}: ${n}`));
  if (notes.length > 0) record.notes = notes;
  return record;
}

/** Records of points measured more than once become one mean record each; the repeated points are returned beside them. */
export function collapseRepeats(records: readonly PointRecord[]): { records: PointRecord[]; repeated: RepeatedPoint[] } {
  const byPoint = new Map<string, PointRecord[]>();
  for (const r of records) {
    const key = `${r.experiment}\n${loadKey(r.load)}`;
    byPoint.set(key, [...(byPoint.get(key) ?? []), r]);
  }
  const out: PointRecord[] = [];
  const repeated: RepeatedPoint[] = [];
  for (const runs of byPoint.values()) {
    if (runs.length === 1 && runs[0].repeat === undefined) {
      out.push(runs[0]);
      continue;
    }
    const sorted = [...runs].sort((a, b) => (a.repeat ?? 1) - (b.repeat ?? 1));
    out.push(meanRecord(sorted));
    repeated.push({ experiment: sorted[0].experiment, load: sorted[0].load, runs: sorted });
  }
  return { records: out, repeated };
}

export interface Flag {
  load: PointRecord["load"];
  a: string;
  b: string;
  difference: number;
  spread: number;
}

/**
 * Pairs of experiments at one load point whose repeats spread (max − min, the wider of the two) more than
 * their means differ: the comparison cannot tell them apart.
 */
export function spreadFlags(repeated: readonly RepeatedPoint[], value: (r: PointRecord) => number | null): Flag[] {
  const byLoad = new Map<string, RepeatedPoint[]>();
  for (const p of repeated) byLoad.set(loadKey(p.load), [...(byLoad.get(loadKey(p.load)) ?? []), p]);
  const flags: Flag[] = [];
  for (const points of byLoad.values()) {
    for (let i = 0; i < points.length; i++) {
      for (let j = i + 1; j < points.length; j++) {
        const sa = spreadOf(numbers(points[i].runs, value));
        const sb = spreadOf(numbers(points[j].runs, value));
        if (!sa || !sb || sa.n < 2 || sb.n < 2) continue;
        const difference = Math.abs(sa.mean - sb.mean);
        const spread = Math.max(sa.max - sa.min, sb.max - sb.min);
        if (spread > difference) flags.push({ load: points[i].load, a: points[i].experiment, b: points[j].experiment, difference, spread });
      }
    }
  }
  return flags;
}

export function numbers(runs: readonly PointRecord[], value: (r: PointRecord) => number | null): number[] {
  return runs.map(value).filter((v): v is number => v !== null && Number.isFinite(v));
}
