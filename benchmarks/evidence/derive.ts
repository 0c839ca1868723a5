/** The per-point evidence from the raw scrapes of one load point (pure). Names and exactness: metricNames.ts. */
import { AIBRIX_KV_COUNTERS, LMCACHE_COUNTERS, MetricNameSet, Quantity, nameSetFor, row } from "./metricNames";
import { MetricPage, metricPage, total, totalWhere } from "./promText";
import { EvidenceFile, MeanMax, PointEvidence, ReplicaEvidence, RouterEvidence, ScrapeTarget } from "./types";

/** Client CPU at or above this share of its limit counts as saturated. */
export const SATURATED_SHARE = 0.9;

interface Replica {
  target: ScrapeTarget;
  pages: MetricPage[];
  start: MetricPage;
  end: MetricPage;
}

const first = (page: MetricPage, names: readonly string[]): number | null => {
  for (const name of names) {
    const v = total(page, name);
    if (v !== null) return v;
  }
  return null;
};

function difference(r: Replica, names: readonly string[], notes: string[]): number | null {
  const a = first(r.start, names);
  const b = first(r.end, names);
  if (a === null || b === null) return null;
  if (b < a) {
    notes.push(`${r.target.name}: ${names[0]} went down during the point (the engine restarted?); its counters are left out`);
    return null;
  }
  return b - a;
}

function meanMax(values: number[]): MeanMax | null {
  if (values.length === 0) return null;
  return { mean: values.reduce((a, v) => a + v, 0) / values.length, max: Math.max(...values) };
}

function gaugeSamples(replicas: Replica[], set: MetricNameSet, quantity: Quantity): MeanMax | null {
  const names = row(set, quantity).names;
  return meanMax(replicas.flatMap((r) => r.pages.map((p) => first(p, names)).filter((v): v is number => v !== null)));
}

function imbalance(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0 || known.length !== values.length) return null;
  const mean = known.reduce((a, v) => a + v, 0) / known.length;
  return mean > 0 ? Math.max(...known) / mean : null;
}

function hitRate(replicas: Replica[], set: MetricNameSet, notes: string[]): { fleet: number | null; each: Array<number | null> } {
  const hitRow = row(set, "prefixCacheHitRate");
  if (set.id === "vllm-v0") {
    // Lifetime ratio r and prompt tokens P at both ends: hits in the point ≈ r1·P1 − r0·P0.
    const parts = replicas.map((r) => {
      const [r0, r1] = [first(r.start, hitRow.names), first(r.end, hitRow.names)];
      const [p0, p1] = [first(r.start, ["vllm:prompt_tokens_total"]), first(r.end, ["vllm:prompt_tokens_total"])];
      if (r0 === null || r1 === null || p0 === null || p1 === null || p1 <= p0) return null;
      return { hits: Math.max(0, r1 * p1 - r0 * p0), queries: p1 - p0 };
    });
    const known = parts.filter((p): p is { hits: number; queries: number } => p !== null);
    const queries = known.reduce((a, p) => a + p.queries, 0);
    return {
      fleet: queries > 0 ? Math.min(1, known.reduce((a, p) => a + p.hits, 0) / queries) : null,
      each: parts.map((p) => (p ? Math.min(1, p.hits / p.queries) : null)),
    };
  }
  const [queriesName, hitsName] = hitRow.names;
  const parts = replicas.map((r) => ({ q: difference(r, [queriesName], notes), h: difference(r, [hitsName], notes) }));
  const known = parts.filter((p) => p.q !== null && p.h !== null);
  const queries = known.reduce((a, p) => a + p.q!, 0);
  return {
    fleet: queries > 0 ? known.reduce((a, p) => a + p.h!, 0) / queries : null,
    each: parts.map((p) => (p.q !== null && p.h !== null && p.q > 0 ? p.h / p.q : null)),
  };
}

/** A KV tier's hit and requested tokens over the point, summed over the replicas whose pages have both. */
function tierCounters(
  replicas: Replica[],
  name: string,
  read: (page: MetricPage, metric: string) => number | null,
  counters: { requested: string; hit: string },
  notes: string[],
): PointEvidence["kvTier"] {
  let hitTokens = 0;
  let requestedTokens = 0;
  let seen = false;
  for (const r of replicas) {
    const [h0, h1, q0, q1] = [read(r.start, counters.hit), read(r.end, counters.hit), read(r.start, counters.requested), read(r.end, counters.requested)];
    if (h0 === null || h1 === null || q0 === null || q1 === null) continue;
    if (h1 < h0 || q1 < q0) {
      notes.push(`${r.target.name}: ${name}'s counters went down during the point (the engine restarted?); left out`);
      continue;
    }
    seen = true;
    hitTokens += h1 - h0;
    requestedTokens += q1 - q0;
  }
  return seen ? { name, hitTokens, requestedTokens, hitRate: requestedTokens > 0 ? hitTokens / requestedTokens : null } : null;
}

function replicaPages(file: EvidenceFile, target: ScrapeTarget): Replica | null {
  const snaps = file.snapshots.filter((s) => s.target === target.name && typeof s.text === "string").sort((a, b) => a.at - b.at);
  if (snaps.length === 0) return null;
  const pages = snaps.map((s) => metricPage(s.text!));
  const startIndex = Math.max(0, snaps.findIndex((s) => s.phase === "start"));
  const endIndex = snaps.map((s) => s.phase).lastIndexOf("end");
  return { target, pages, start: pages[startIndex], end: pages[endIndex >= 0 ? endIndex : pages.length - 1] };
}

export function deriveEvidence(file: EvidenceFile): PointEvidence {
  const notes: string[] = [...file.discovery.notes];
  const engines = file.targets.filter((t) => t.role === "engine");
  const replicas: Replica[] = [];
  for (const target of engines) {
    const r = replicaPages(file, target);
    if (r) replicas.push(r);
    else notes.push(`${target.name}: every scrape failed (${file.snapshots.find((s) => s.target === target.name)?.error ?? "not scraped"})`);
    if (r && r.pages.length < 2) notes.push(`${target.name}: one page only, so no counter could be differenced`);
  }
  const failed = file.snapshots.filter((s) => s.error !== undefined && engines.some((e) => e.name === s.target)).length;
  if (failed > 0) notes.push(`${failed} of ${file.snapshots.filter((s) => engines.some((e) => e.name === s.target)).length} engine scrapes failed`);

  const allRead = replicas.length === engines.length;
  const names = new Set(replicas.flatMap((r) => [...r.end.keys()]));
  const set = replicas.length > 0 ? nameSetFor(names) : null;
  const counter = (r: Replica, q: Quantity) => (set ? difference(r, row(set, q).names, notes) : null);
  const rates = set ? hitRate(replicas, set, notes) : { fleet: null, each: [] };
  const perReplica: ReplicaEvidence[] = replicas.map((r, i) => ({
    name: r.target.name,
    node: r.target.node ?? null,
    requests: counter(r, "requests"),
    promptTokens: counter(r, "promptTokens"),
    generationTokens: counter(r, "generationTokens"),
    prefixCacheHitRate: rates.each[i] ?? null,
    imageIds: (r.target.images ?? []).map((c) => c.imageID).filter((id): id is string => typeof id === "string" && id !== ""),
  }));
  const preemptions = replicas.map((r) => counter(r, "preemptions"));

  const kvTier = tierCounters(replicas, "LMCache", (p, n) => total(p, n), LMCACHE_COUNTERS, notes)
    ?? tierCounters(replicas, "AIBrix KV cache", (p, n) => totalWhere(p, n, (l) => (AIBRIX_KV_COUNTERS.opTypes as readonly string[]).includes(l.op_type) && (l.cache_type ?? AIBRIX_KV_COUNTERS.cacheType) === AIBRIX_KV_COUNTERS.cacheType), AIBRIX_KV_COUNTERS, notes);

  const routers: RouterEvidence[] = file.targets
    .filter((t) => t.role === "router")
    .map((t) => {
      const snaps = file.snapshots.filter((s) => s.target === t.name);
      const bad = snaps.filter((s) => s.error !== undefined);
      return { name: t.name, scrapes: snaps.length, failed: bad.length, error: bad.length === snaps.length && bad.length > 0 ? bad[bad.length - 1].error! : null };
    });

  const c = file.client;
  const cores = c.wallSeconds > 0 ? c.cpuSeconds / c.wallSeconds : 0;
  const client = { cpuSeconds: c.cpuSeconds, wallSeconds: c.wallSeconds, cores, limitCores: c.cpuLimitCores, saturated: c.cpuLimitCores !== null && cores >= SATURATED_SHARE * c.cpuLimitCores, source: c.cpuSource };
  if (client.saturated) notes.push(`the benchmark pod used ${cores.toFixed(2)} of its ${c.cpuLimitCores} CPU cores: the client may have limited the load`);

  return {
    experiment: file.experiment,
    label: file.label,
    load: file.load,
    ...(file.repeat !== undefined && file.repeat > 1 ? { repeat: file.repeat } : {}),
    durationS: file.finishedAt - file.startedAt,
    metricSet: set?.id ?? null,
    prefixCacheHitRate: rates.fleet === null || !set ? null : { value: rates.fleet, exact: row(set, "prefixCacheHitRate").exact },
    kvCacheUsage: set ? gaugeSamples(replicas, set, "kvCacheUsage") : null,
    running: set ? gaugeSamples(replicas, set, "running") : null,
    waiting: set ? gaugeSamples(replicas, set, "waiting") : null,
    preemptions: preemptions.length > 0 && preemptions.every((p) => p !== null) ? preemptions.reduce<number>((a, p) => a + p!, 0) : null,
    replicas: perReplica,
    // A replica that could not be read might have taken any share: no imbalance then.
    requestImbalance: allRead ? imbalance(perReplica.map((r) => r.requests)) : null,
    tokenImbalance: allRead ? imbalance(perReplica.map((r) => (r.promptTokens === null || r.generationTokens === null ? null : r.promptTokens + r.generationTokens))) : null,
    kvTier,
    routers,
    client,
    serving: file.serving ?? {},
    notes: [...new Set(notes)],
  };
}
