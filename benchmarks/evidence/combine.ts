/**
 * The evidence of a load point measured in several repeats (benchmark.repeats), for the report's mean row (pure).
 * Like the record's own figures (benchmarks/report/repeats.ts meanRecord): rates, gauges and imbalances are the
 * mean over the repeats (null when a repeat lacks them), counts are summed; the per-repeat evidence stays on the
 * repeats' records (the Repeats part and the Benchmark Report export read it there).
 */
import { ClientCpu, MeanMax, PointEvidence, ReplicaEvidence, RouterEvidence } from "./types";

const mean = (values: readonly number[]) => values.reduce((a, v) => a + v, 0) / values.length;

/** Mean over the repeats, or null when some repeat has no value. */
function meanOrNull(values: ReadonlyArray<number | null>): number | null {
  return values.every((v) => v !== null) ? mean(values as number[]) : null;
}

function sumOrNull(values: ReadonlyArray<number | null>): number | null {
  return values.every((v) => v !== null) ? values.reduce<number>((a, v) => a + v!, 0) : null;
}

function meanMax(list: readonly PointEvidence[], pick: (e: PointEvidence) => MeanMax | null): MeanMax | null {
  const all = list.map(pick);
  if (all.some((m) => m === null)) return null;
  const known = all as MeanMax[];
  return { mean: mean(known.map((m) => m.mean)), max: Math.max(...known.map((m) => m.max)) };
}

function byName<T extends { name: string }>(list: readonly PointEvidence[], pick: (e: PointEvidence) => readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const e of list) for (const item of pick(e)) out.set(item.name, [...(out.get(item.name) ?? []), item]);
  return out;
}

function replicas(list: readonly PointEvidence[]): ReplicaEvidence[] {
  return [...byName(list, (e) => e.replicas)].map(([name, each]) => {
    return {
      name,
      node: each[0].node,
      requests: sumOrNull(each.map((r) => r.requests)),
      promptTokens: sumOrNull(each.map((r) => r.promptTokens)),
      generationTokens: sumOrNull(each.map((r) => r.generationTokens)),
      prefixCacheHitRate: meanOrNull(each.map((r) => r.prefixCacheHitRate)),
      imageIds: [...new Set(each.flatMap((r) => r.imageIds))],
    };
  });
}

function routers(list: readonly PointEvidence[]): RouterEvidence[] {
  return [...byName(list, (e) => e.routers)].map(([name, each]) => {
    const scrapes = each.reduce((a, r) => a + r.scrapes, 0);
    const failed = each.reduce((a, r) => a + r.failed, 0);
    return { name, scrapes, failed, error: failed === scrapes && failed > 0 ? (each[each.length - 1].error ?? null) : null };
  });
}

function client(list: readonly PointEvidence[]): ClientCpu | null {
  if (list.some((e) => e.client === null)) return null;
  const each = list.map((e) => e.client!);
  const cpuSeconds = each.reduce((a, c) => a + c.cpuSeconds, 0);
  const wallSeconds = each.reduce((a, c) => a + c.wallSeconds, 0);
  return { cpuSeconds, wallSeconds, cores: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0, limitCores: each[0].limitCores, saturated: each.some((c) => c.saturated), source: each[0].source };
}

/** One evidence for the repeats of a point (repeat 1 first); `of` is how many repeats the point had. */
export function combineEvidence(list: readonly PointEvidence[], of: number): PointEvidence {
  const first = list[0];
  const tiers = list.map((e) => e.kvTier);
  const known = tiers.every((t) => t !== null && t.name === tiers[0]!.name) ? (tiers as NonNullable<PointEvidence["kvTier"]>[]) : null;
  const hitTokens = known ? known.reduce((a, t) => a + t.hitTokens, 0) : 0;
  const requestedTokens = known ? known.reduce((a, t) => a + t.requestedTokens, 0) : 0;
  const sets = [...new Set(list.map((e) => e.metricSet))];
  const repeatNo = (e: PointEvidence) => e.repeat ?? 1;
  const notes = list.flatMap((e) => e.notes.map((n) => `repeat ${repeatNo(e)}: ${n}`));
  if (list.length < of) notes.push(`engine metrics from ${list.length} of ${of} repeats (${list.map(repeatNo).join(", ")}); the figures cover those`);
  return {
    experiment: first.experiment,
    label: first.label,
    load: first.load,
    durationS: list.reduce((a, e) => a + e.durationS, 0),
    metricSet: sets.length === 1 ? sets[0] : sets.filter((s) => s !== null).join(" / ") || null,
    prefixCacheHitRate: list.every((e) => e.prefixCacheHitRate !== null)
      ? { value: mean(list.map((e) => e.prefixCacheHitRate!.value)), exact: list.every((e) => e.prefixCacheHitRate!.exact) }
      : null,
    kvCacheUsage: meanMax(list, (e) => e.kvCacheUsage),
    running: meanMax(list, (e) => e.running),
    waiting: meanMax(list, (e) => e.waiting),
    preemptions: sumOrNull(list.map((e) => e.preemptions)),
    replicas: replicas(list),
    requestImbalance: meanOrNull(list.map((e) => e.requestImbalance)),
    tokenImbalance: meanOrNull(list.map((e) => e.tokenImbalance)),
    kvTier: known ? { name: known[0].name, hitTokens, requestedTokens, hitRate: requestedTokens > 0 ? hitTokens / requestedTokens : null } : null,
    routers: routers(list),
    client: client(list),
    serving: first.serving,
    ...(first.engine !== undefined ? { engine: first.engine } : {}),
    notes,
  };
}
