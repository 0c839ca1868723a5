/**
 * Which /metrics names each engine build servelab pins exports, and how exact the figure derived from them is.
 *
 * Sources (vLLM's repository is too large to check out here; files were read through a code index, which holds
 * copies of several releases rather than the tagged files themselves):
 * - V0 engine: vllm-project/vllm vllm/engine/metrics.py, class Metrics — Gauges `vllm:num_requests_running`,
 *   `vllm:num_requests_waiting`, `vllm:gpu_cache_usage_perc`, `vllm:gpu_prefix_cache_hit_rate` (from 0.6),
 *   Counters `vllm:num_preemptions_total`, `vllm:prompt_tokens_total`, `vllm:generation_tokens_total`,
 *   `vllm:request_success_total{finished_reason}`. The hit-rate gauge is the block allocator's lifetime ratio
 *   (vllm/core/block/prefix_caching_block.py, CacheMetricData), listed in vLLM's design note
 *   docs/source/design/v1/metrics.md as the V0 metric that V1 replaced by the two counters.
 * - V1 engine: vllm-project/vllm vllm/v1/metrics/loggers.py, class PrometheusStatLogger. In 0.8-era copies the
 *   counters are `vllm:gpu_prefix_cache_queries` / `vllm:gpu_prefix_cache_hits` documented "in terms of number of
 *   queried blocks" / "cached blocks" (kv_cache_manager: `queries += len(block_hashes)`); later copies say tokens
 *   (`queries += request.num_tokens`). The copy with "Deprecated in 0.9.2 - Renamed as vllm:prefix_cache_queries ...
 *   With 0.11.x you can enable with --show-hidden-metrics-for-version=0.10" shows 0.10.x exporting both names, and
 *   `vllm:gpu_cache_usage_perc` "DEPRECATED: Use vllm:kv_cache_usage_perc instead" beside the new gauge.
 *   prometheus_client appends `_total` to a Counter's samples, so `vllm:prefix_cache_queries` is read as
 *   `vllm:prefix_cache_queries_total`.
 * - LMCache (lmcache/vllm-openai builds): lmcache/observability.py Counters `lmcache:num_requested_tokens`,
 *   `lmcache:num_hit_tokens`, on vLLM's own /metrics only when PROMETHEUS_MULTIPROC_DIR is shared by vLLM and
 *   LMCache (LMCache docs, "Metrics by vLLM API"); absent otherwise.
 * - AIBrix's KV-cache build (aibrix/vllm-openai:aibrix-kvcache-v0.8.5-*): vLLM v0.8.5's metrics plus the offloading
 *   connector's, exported with prefix "vllm:" (vllm-project/aibrix@v0.3.0:
 *   python/aibrix_kvcache/integration/vllm/vllm_v0.8.5-aibrix-kvcache.patch, KVTransferMetricsExporter) through
 *   KVCacheMetricsExporter's "kv_cache_ol_" (python/aibrix_kvcache/aibrix_kvcache/metrics.py): histograms
 *   `iteration_tokens` (every op) and `iteration_fetched_tokens` (get-like ops only) labelled op_type = put, get or
 *   acquire. Their `_sum` series are token counters: fetched / asked over get and acquire is the tier's hit rate.
 * - llm-d-inference-sim (rehearsals, ghcr.io/llm-d/llm-d-inference-sim:v0.10.2): Go CounterVecs named
 *   `vllm:prefix_cache_queries` / `vllm:prefix_cache_hits` (llm-d/llm-d-inference-sim@v0.10.2:
 *   pkg/llm-d-inference-sim/metrics.go), which client_golang's text format exposes without `_total` (its tests read
 *   `<name>{model_name=...}`, pkg/tests/test_utils_test.go getCountMetricPrefix); tokens of its own KV-cache model.
 * V1 counted blocks until vllm-project/vllm#18003 ("Change prefix caching metric from counting blocks to counting
 * tokens", opened 2025-05-12, after v0.8.5 was released in April 2025), so v0.8.5 counts blocks. The set is recognised
 * from the names a page has, not from the image tag.
 */

export type Quantity = "prefixCacheHitRate" | "kvCacheUsage" | "running" | "waiting" | "preemptions" | "requests" | "promptTokens" | "generationTokens";

export interface MetricRow {
  quantity: Quantity;
  /** Exposition names read, first found wins. For the hit rate: [queries, hits] counters, or the lifetime gauge. */
  names: readonly string[];
  exact: boolean;
  /** How the figure is made, and why it is not exact when it is not. */
  how: string;
}

export interface MetricNameSet {
  id: "vllm-v0" | "vllm-v1-blocks" | "vllm-v1" | "llm-d-inference-sim";
  label: string;
  /** The pinned builds that export this set. */
  builds: string;
  rows: readonly MetricRow[];
}

const COMMON_ROWS = (kvUsage: readonly string[]): MetricRow[] => [
  { quantity: "kvCacheUsage", names: kvUsage, exact: false, how: "gauge sampled at each scrape: mean and max of the samples, not of every engine step" },
  { quantity: "running", names: ["vllm:num_requests_running"], exact: false, how: "gauge sampled at each scrape (per replica)" },
  { quantity: "waiting", names: ["vllm:num_requests_waiting"], exact: false, how: "gauge sampled at each scrape (per replica)" },
  { quantity: "preemptions", names: ["vllm:num_preemptions_total"], exact: true, how: "counter, end minus start of the point" },
  { quantity: "requests", names: ["vllm:request_success_total"], exact: true, how: "counter summed over finished_reason, end minus start (finished requests; failed or aborted ones are not counted)" },
  { quantity: "promptTokens", names: ["vllm:prompt_tokens_total"], exact: true, how: "counter, end minus start" },
  { quantity: "generationTokens", names: ["vllm:generation_tokens_total"], exact: true, how: "counter, end minus start" },
];

export const METRIC_NAME_SETS: readonly MetricNameSet[] = [
  {
    id: "vllm-v1",
    label: "vLLM V1, 0.9.2+ names",
    builds: "vllm/vllm-openai:v0.10.2 (KubeAI 0.22.1, vllm-bench), lmcache/vllm-openai builds of that period",
    rows: [
      { quantity: "prefixCacheHitRate", names: ["vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total"], exact: true, how: "hits / queries counted in tokens, both differenced over the point" },
      ...COMMON_ROWS(["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"]),
    ],
  },
  {
    id: "vllm-v1-blocks",
    label: "vLLM V1, 0.8-era names",
    builds: "vllm/vllm-openai:v0.8.5 on its default V1 engine",
    rows: [
      {
        quantity: "prefixCacheHitRate",
        names: ["vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total"],
        exact: false,
        how: "hits / queries differenced over the point; 0.8-era releases count blocks, so it is the block hit rate (a token rate up to partial blocks)",
      },
      ...COMMON_ROWS(["vllm:gpu_cache_usage_perc"]),
    ],
  },
  {
    id: "llm-d-inference-sim",
    label: "llm-d-inference-sim (rehearsals)",
    builds: "ghcr.io/llm-d/llm-d-inference-sim:v0.10.2",
    rows: [
      { quantity: "prefixCacheHitRate", names: ["vllm:prefix_cache_queries", "vllm:prefix_cache_hits"], exact: true, how: "hits / queries in tokens of the simulator's KV-cache model, both differenced over the point" },
      ...COMMON_ROWS(["vllm:kv_cache_usage_perc"]),
    ],
  },
  {
    id: "vllm-v0",
    label: "vLLM V0 engine",
    builds: "vllm/vllm-openai:v0.8.5 with VLLM_USE_V1=0 or after a V0 fallback; aibrix/vllm-openai:aibrix-kvcache-v0.8.5-*",
    rows: [
      {
        quantity: "prefixCacheHitRate",
        names: ["vllm:gpu_prefix_cache_hit_rate"],
        exact: false,
        how: "a lifetime ratio that cannot be differenced: the point's rate is estimated as (r1·P1 − r0·P0) / (P1 − P0) with P = vllm:prompt_tokens_total standing in for the block queries vLLM does not export",
      },
      ...COMMON_ROWS(["vllm:gpu_cache_usage_perc"]),
    ],
  },
];

/** LMCache's own hit counters (tokens), when the page has them. */
export const LMCACHE_COUNTERS = { requested: "lmcache:num_requested_tokens_total", hit: "lmcache:num_hit_tokens_total" } as const;

/**
 * AIBrix's KV cache tier: tokens asked and fetched by get-like ops (histogram sums, differenced like counters), of the
 * cache manager only. Every layer exports these series under its own cache_type label (vllm-project/aibrix@v0.3.0:
 * python/aibrix_kvcache/aibrix_kvcache/metrics.py, BaseCacheMetricsExporter.export): "cachemgr" is what the engine
 * asked for (the manager's acquire, cache_manager.py), "l1cache" / "l2cache" count the same tokens again (or, behind
 * an L1, only its misses), so a sum over layers would not be the tier's hit rate.
 */
export const AIBRIX_KV_COUNTERS = {
  requested: "vllm:kv_cache_ol_iteration_tokens_sum",
  hit: "vllm:kv_cache_ol_iteration_fetched_tokens_sum",
  opTypes: ["get", "acquire"],
  cacheType: "cachemgr",
} as const;

/** The set a page's names belong to, or null when the page is not a vLLM engine's. */
export function nameSetFor(names: ReadonlySet<string>): MetricNameSet {
  const id = names.has("vllm:prefix_cache_queries_total")
    ? "vllm-v1"
    : names.has("vllm:gpu_prefix_cache_queries_total")
      ? "vllm-v1-blocks"
      : names.has("vllm:gpu_prefix_cache_hit_rate")
        ? "vllm-v0"
        : names.has("vllm:prefix_cache_queries")
          ? "llm-d-inference-sim"
          : "vllm-v1";
  return METRIC_NAME_SETS.find((s) => s.id === id)!;
}

export function row(set: MetricNameSet, quantity: Quantity): MetricRow {
  return set.rows.find((r) => r.quantity === quantity)!;
}
