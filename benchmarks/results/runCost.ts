/**
 * What a run costs per hour, recorded in run.json when the run starts (from the plan's estimate,
 * components/plan/estimate.ts, which prices the catalog's machines), so the report can turn the run's
 * measured wall time into dollars without re-planning a stack whose catalog may have changed since.
 *
 * Shared cluster (`npm run matrix -- --cluster <stack>`): the rows create no machines, so their own estimate
 * is null; each row is charged the cluster stack's $/hour for its own wall time, from the start of its
 * `pulumi up` to the end of its `pulumi destroy`. The cluster's time outside every row (its own up and
 * destroy, and the gaps between rows) is reported separately and charged to no row.
 */
import { isRecord } from "../parsers/jsonText";

export interface PriceOf {
  /** Dollars per hour, null when the catalog has no price (VKE, an existing cluster). */
  usdPerHour: number | null;
  /** Where the price comes from (the catalog's price list and date). */
  priceSource: string;
  notes: string[];
}

export interface RunCost extends PriceOf {
  /** The GPUs the stack asks for (plan.gpus), for GPU-hours. */
  gpus: { type: string; total: number } | null;
  /** The cluster stack shared by the rows of one matrix run, when there is one. */
  sharedCluster?: (PriceOf & { stack: string; gpus: { type: string; total: number } | null; upAt: string | null }) | null;
}

function priceOf(plan: unknown): (PriceOf & { gpus: RunCost["gpus"] }) | null {
  if (!isRecord(plan) || !isRecord(plan.estimate)) return null;
  const e = plan.estimate;
  const usdPerHour = typeof e.usdPerHour === "number" ? e.usdPerHour : null;
  const priceSource = typeof e.priceSource === "string" ? e.priceSource : "unknown";
  const notes = Array.isArray(e.notes) ? e.notes.filter((n): n is string => typeof n === "string") : [];
  const g = isRecord(plan.gpus) ? plan.gpus : null;
  const gpus = g && typeof g.type === "string" && typeof g.total === "number" ? { type: g.type, total: g.total } : null;
  return { usdPerHour, priceSource, notes, gpus };
}

/** The row's price from its plan, with the shared cluster's when the row runs on one. */
export function runCostFromPlan(plan: unknown, cluster?: { stack: string; plan: unknown; upAt: string | null; error?: string }): RunCost | null {
  const own = priceOf(plan);
  if (!own) return null;
  if (!cluster) return own;
  const shared = priceOf(cluster.plan);
  return {
    ...own,
    sharedCluster: {
      stack: cluster.stack,
      upAt: cluster.upAt,
      usdPerHour: shared?.usdPerHour ?? null,
      priceSource: shared?.priceSource ?? `not priced: ${cluster.error ?? "the cluster stack's plan has no estimate"}`,
      notes: shared?.notes ?? [],
      gpus: shared?.gpus ?? null,
    },
  };
}

export function isRunCost(value: unknown): value is RunCost {
  return isRecord(value) && (value.usdPerHour === null || typeof value.usdPerHour === "number") && typeof value.priceSource === "string";
}
