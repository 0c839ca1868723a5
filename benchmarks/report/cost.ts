/**
 * What each run cost: its measured wall time (run.json, from the start of `pulumi up` to the end of
 * `pulumi destroy`) × the stack's $/hour recorded with the run (benchmarks/results/runCost.ts), with
 * GPU-hours and dollars per million output tokens. On a shared cluster each row is charged the cluster's
 * $/hour for its own wall time; the cluster's time outside the rows is listed apart and charged to none.
 */
import { PointRecord } from "../parsers/record";
import { ExperimentRun } from "../results/readResults";
import { RunCost, isRunCost } from "../results/runCost";

export interface CostRow {
  experiment: string;
  runId: string | null;
  wallHours: number | null;
  usdPerHour: number | null;
  priceSource: string;
  /** The shared cluster stack whose price was charged, when the row ran on one. */
  sharedCluster: string | null;
  usd: number | null;
  gpuHours: number | null;
  gpuType: string | null;
  outputTokens: number | null;
  usdPerMillionOutputTokens: number | null;
  notes: string[];
}

const hoursBetween = (start: string | null | undefined, end: string | null | undefined): number | null => {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms / 3_600_000 : null;
};

/** Output tokens of all the experiment's points (every repeat): tokens/s × the point's duration, as the harness measured both. */
export function outputTokens(records: readonly PointRecord[]): number | null {
  if (records.length === 0) return null;
  let total = 0;
  for (const r of records) {
    if (r.throughput.outputTokensPerS === null || r.durationS === null) return null;
    total += r.throughput.outputTokensPerS * r.durationS;
  }
  return Math.round(total);
}

function priceOfRun(run: ExperimentRun): { cost: RunCost | null; fromPlan: boolean } {
  if (run.info?.cost && isRunCost(run.info.cost)) return { cost: run.info.cost, fromPlan: false };
  const e = run.plan?.estimate;
  if (e && (e.usdPerHour === null || typeof e.usdPerHour === "number")) {
    const gpus = run.plan?.gpus ? { type: run.plan.gpus.type, total: run.plan.gpus.total } : null;
    return { cost: { usdPerHour: e.usdPerHour, priceSource: e.priceSource, notes: e.notes ?? [], gpus }, fromPlan: true };
  }
  return { cost: null, fromPlan: false };
}

export function costRows(runs: readonly ExperimentRun[], records: readonly PointRecord[]): CostRow[] {
  return runs.map((run) => {
    const notes: string[] = [];
    const wallHours = hoursBetween(run.info?.startedAt, run.info?.finishedAt);
    if (wallHours === null) notes.push(run.info ? "the run has no finish time in run.json" : "no run.json: the wall time is unknown");
    const { cost, fromPlan } = priceOfRun(run);
    if (fromPlan) notes.push("price from plan.json (run.json predates the recorded price)");
    const shared = cost?.sharedCluster ?? null;
    const usdPerHour = shared ? shared.usdPerHour : (cost?.usdPerHour ?? null);
    const priceSource = shared ? `${shared.stack}: ${shared.priceSource}` : (cost?.priceSource ?? "no price recorded");
    if (usdPerHour === null) notes.push(shared ? `the shared cluster ${shared.stack} is not priced` : (cost?.notes[0] ?? "the stack is not priced"));
    const gpus = shared ? shared.gpus : (cost?.gpus ?? null);
    const usd = wallHours !== null && usdPerHour !== null ? wallHours * usdPerHour : null;
    const tokens = outputTokens(records.filter((r) => r.experiment === run.experiment));
    return {
      experiment: run.experiment,
      runId: run.info?.runId ?? null,
      wallHours,
      usdPerHour,
      priceSource,
      sharedCluster: shared?.stack ?? null,
      usd,
      gpuHours: wallHours !== null && gpus ? wallHours * gpus.total : null,
      gpuType: gpus?.type ?? null,
      outputTokens: tokens,
      usdPerMillionOutputTokens: usd !== null && tokens ? (usd / tokens) * 1e6 : null,
      notes,
    };
  });
}

export interface SharedClusterTime {
  stack: string;
  usdPerHour: number | null;
  rows: string[];
  /** From the cluster's `pulumi up` to the first row's start. */
  beforeFirstRowHours: number | null;
  /** Between one row's destroy and the next row's up. */
  betweenRowsHours: number;
}

/** The shared cluster's time that no row is charged for (its own teardown after the last row is not in any run.json). */
export function sharedClusterTimes(runs: readonly ExperimentRun[]): SharedClusterTime[] {
  const byCluster = new Map<string, ExperimentRun[]>();
  for (const run of runs) {
    const shared = run.info?.cost?.sharedCluster;
    if (!shared) continue;
    const key = `${shared.stack}\n${shared.upAt ?? ""}`;
    byCluster.set(key, [...(byCluster.get(key) ?? []), run]);
  }
  return [...byCluster.values()].map((group) => {
    const sorted = [...group].sort((a, b) => Date.parse(a.info!.startedAt) - Date.parse(b.info!.startedAt));
    const shared = sorted[0].info!.cost!.sharedCluster!;
    let between = 0;
    for (let i = 1; i < sorted.length; i++) between += Math.max(0, hoursBetween(sorted[i - 1].info!.finishedAt, sorted[i].info!.startedAt) ?? 0);
    return {
      stack: shared.stack,
      usdPerHour: shared.usdPerHour,
      rows: sorted.map((r) => r.experiment),
      beforeFirstRowHours: hoursBetween(shared.upAt, sorted[0].info!.startedAt),
      betweenRowsHours: between,
    };
  });
}
