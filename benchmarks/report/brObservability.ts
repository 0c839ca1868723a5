/**
 * The Benchmark Report's observability section from a load point's server-side evidence (the engines' and
 * routers' /metrics scraped during the point, benchmarks/evidence/), laid out as llm-d-benchmark embeds its
 * scrapes (llm-d/llm-d-benchmark@8bc9f1dd llmdbenchmark/analysis/benchmark_report/metrics_processor.py):
 * `components[]` with per-component aggregate ResourceMetrics (component_label, replica_id per pod), and
 * per-metric entries `vllm_<metric>: { components: [{ component_id, pod, role, statistics }] }` in the open
 * observability object. servelab's figures without an llm-d-benchmark name are `servelab_*` entries.
 *
 * The input is the point's PointEvidence (benchmarks/evidence/types.ts): fractions are 0..1 there and percent
 * here, as llm-d-benchmark reports them.
 */
import { PointEvidence, ReplicaEvidence } from "../evidence/types";

type Json = Record<string, unknown>;

const ENGINE = "vllm";
/** Percent without binary noise (0.3 × 100 is 30.000000000000004). */
const percent = (fraction: number) => Number((fraction * 100).toPrecision(12));
const meanMax = (m: { mean: number; max: number } | null, units: string, scale = (x: number) => x): Json | undefined => (m ? { units, mean: scale(m.mean), max: scale(m.max) } : undefined);

function compact(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

const nonEmpty = (obj: Json): Json | undefined => (Object.keys(obj).length > 0 ? obj : undefined);

function perReplica(e: PointEvidence, value: (r: ReplicaEvidence) => number | null, units: string): Json | undefined {
  const components = e.replicas
    .filter((r) => value(r) !== null)
    .map((r) => ({ component_id: "inference-engine", pod: r.name, role: "replica", statistics: { units, mean: value(r) } }));
  return components.length > 0 ? { components } : undefined;
}

export function evidenceObservability(e: PointEvidence): Json {
  const aggregate = compact({
    cache_hit_rate: e.prefixCacheHitRate ? { units: "percent", mean: percent(e.prefixCacheHitRate.value) } : undefined,
    kv_cache_usage: meanMax(e.kvCacheUsage, "percent", percent),
    running_requests: meanMax(e.running, "count"),
    waiting_requests: meanMax(e.waiting, "count"),
    preemptions: e.preemptions === null ? undefined : { units: "count", mean: e.preemptions },
  });
  const components: Json[] = [];
  if (Object.keys(aggregate).length > 0) components.push({ component_label: ENGINE, aggregate });
  for (const r of e.replicas) {
    const rate = r.prefixCacheHitRate;
    components.push(compact({ component_label: ENGINE, replica_id: r.name, aggregate: rate === null ? undefined : { cache_hit_rate: { units: "percent", mean: percent(rate) } } }));
  }
  return compact({
    components: components.length > 0 ? components : undefined,
    vllm_prefix_cache_hit_rate: perReplica(e, (r) => (r.prefixCacheHitRate === null ? null : percent(r.prefixCacheHitRate)), "percent"),
    vllm_prompt_tokens_total: perReplica(e, (r) => r.promptTokens, "count"),
    vllm_generation_tokens_total: perReplica(e, (r) => r.generationTokens, "count"),
    // The per-replica share of requests, shaped like llm-d-benchmark's epp_request_distribution.
    servelab_request_distribution: e.replicas.some((r) => r.requests !== null)
      ? { components: e.replicas.filter((r) => r.requests !== null).map((r) => ({ component_id: r.name, statistics: { units: "count", mean: r.requests, count: r.requests } })) }
      : undefined,
    servelab_imbalance: nonEmpty(
      compact({
        requests: e.requestImbalance === null ? undefined : { units: "ratio", mean: e.requestImbalance },
        tokens: e.tokenImbalance === null ? undefined : { units: "ratio", mean: e.tokenImbalance },
      }),
    ),
    servelab_prefix_cache_hit_rate_exact: e.prefixCacheHitRate ? e.prefixCacheHitRate.exact : undefined,
    servelab_metric_set: e.metricSet ?? undefined,
    servelab_kv_tier: e.kvTier
      ? compact({ tier: e.kvTier.name, hit_tokens: e.kvTier.hitTokens, requested_tokens: e.kvTier.requestedTokens, hit_rate: e.kvTier.hitRate === null ? undefined : { units: "percent", mean: percent(e.kvTier.hitRate) } })
      : undefined,
    servelab_routers: e.routers.length > 0 ? e.routers : undefined,
    servelab_client_cpu: e.client ? { cores: e.client.cores, limitCores: e.client.limitCores, saturated: e.client.saturated } : undefined,
  });
}
