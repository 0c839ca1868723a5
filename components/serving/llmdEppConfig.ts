/**
 * servelab's llm-d routing modes and the EndpointPickerConfig each one runs (pure). Plugin types, their defaults and
 * the config shape are those of llm-d/llm-d-router@v0.10.0 (cmd/epp/runner/runner.go registers them,
 * apix/config/v1alpha1 defines the file, pkg/epp/config/loader/defaults.go adds what a file leaves out):
 *
 * - `random`: random-picker alone — the baseline, a uniformly random ready endpoint per request
 *   (pkg/epp/framework/plugins/scheduling/picker/random; v0.10.0 has no round-robin picker).
 * - `load-aware`: queue-scorer and kv-cache-utilization-scorer, weights 2 and 2, max-score-picker — the load half
 *   of the chart's own default-plugins.yaml (config/charts/routerlib/templates/_config.yaml).
 * - `prefix-cache`: the chart's default-plugins.yaml profile: queue-scorer 2, kv-cache-utilization-scorer 2,
 *   prefix-cache-scorer 3 (approximate: the EPP's own index of the prefixes it routed, fed by the
 *   approx-prefix-cache-producer the loader adds by default), max-score-picker. Same as the loader's default config.
 * - `precise-prefix-cache`: deploy/config/epp-precise-prefix-cache-config.yaml's profile (prefix-cache-scorer 2 fed
 *   by the precise-prefix-cache-producer, kv-cache-utilization-scorer 1, queue-scorer 1, max-score-picker) without
 *   its decode-filter (servelab's pools have no prefill/decode roles). The token-producer tokenizes each request in
 *   the chart's `vllm launch render` sidecar on loopback (vllm backend, tokenizer/README.md); the producer subscribes
 *   to every pool endpoint's KV-cache events (endpoint-notification-source -> its per-pod ZMQ subscriber dialing
 *   tcp://<pod IP>:<socketPort>, topics filtered by "kv@": dataproducer/preciseprefixcache/extractor.go,
 *   pkg/kvevents/pool.go DefaultConfig) and recomputes block keys from the events' tokens with its own block size.
 *   The engines publish what it reads (llmdSpec.ts llmdKvEventsPublisher); llmdRules.ts refuses engines that cannot.
 *
 * Every mode states the metric names the EPP scrapes (core-metrics-extractor engineConfigs for the `vllm` engine,
 * the v0.10.0 way; the old --*-metric flags are refused by the EPP at v0.10.0, pkg/epp/server/options.go), so the
 * names follow the engine's vLLM version (llmdMetricNames).
 */
import { stringify } from "yaml";
import { vllmImageVersion } from "../engine/vllmVersion";

export const LLMD_ROUTING_MODES = ["random", "load-aware", "prefix-cache", "precise-prefix-cache"] as const;
export type LlmdRouting = (typeof LLMD_ROUTING_MODES)[number];

/** Modes whose scoring reads the engines' KV-cache usage. */
export const KV_USAGE_MODES: readonly LlmdRouting[] = ["load-aware", "prefix-cache", "precise-prefix-cache"];

export interface VllmMetricNames {
  queued: string;
  running: string;
  kvUsage: string;
}

/**
 * The metric names the EPP must read for this engine image, or undefined when the image is not an upstream vLLM
 * release servelab can date.
 *
 * - The EPP's built-in vllm names at v0.10.0 are vllm:num_requests_waiting, vllm:num_requests_running and
 *   vllm:kv_cache_usage_perc (pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go).
 * - vLLM v0.8.5 exports the KV-cache usage only as vllm:gpu_cache_usage_perc: the new name came with
 *   vllm-project/vllm#18354 (opened 2025-05-19, after v0.8.5), which kept the old one as deprecated. A missing
 *   metric leaves the EPP's KV usage at 0 for every endpoint (extractor.go records the error and keeps the old
 *   value), so on v0.8.5 the KV-cache scorer would run blind with the built-in name.
 * - v0.10.x exports both (the old one deprecated; vllm-project/vllm#20302 shows both in 2025-07), so it gets the new
 *   name; later releases hide the old one (kubernetes-sigs/inference-perf#277).
 * The two request gauges have the same names in all of them.
 */
export function llmdMetricNames(image: string): VllmMetricNames | undefined {
  // llm-d's simulator exports only the newer names (llm-d/llm-d-inference-sim@v0.10.2:pkg/llm-d-inference-sim/metrics.go:
  // vllm:num_requests_waiting, vllm:num_requests_running, vllm:kv_cache_usage_perc; no vllm:gpu_cache_usage_perc).
  if (/(?:^|\/)llm-d-inference-sim:/.test(image)) return { queued: "vllm:num_requests_waiting", running: "vllm:num_requests_running", kvUsage: "vllm:kv_cache_usage_perc" };
  const version = vllmImageVersion(image);
  if (!version) return undefined;
  const [major, minor] = version;
  const renamed = major > 0 || minor >= 10;
  return { queued: "vllm:num_requests_waiting", running: "vllm:num_requests_running", kvUsage: renamed ? "vllm:kv_cache_usage_perc" : "vllm:gpu_cache_usage_perc" };
}

/** The file name under the chart's router.epp.pluginsCustomConfig (and router.epp.pluginsConfigFile). */
export function llmdEppConfigFile(routing: LlmdRouting): string {
  return `servelab-${routing}.yaml`;
}

type Plugin = { type: string; name?: string; parameters?: Record<string, unknown> };
type ProfilePlugin = { pluginRef: string; weight?: number };
type DataSource = { pluginRef: string; extractors: { pluginRef: string }[] };

/** What the precise mode's plugins must agree on with the engines and the tokenizer sidecar. */
export interface LlmdPreciseInputs {
  /** The model the render sidecar loads and the token-producer names in its requests (`vllm launch render <model>`). */
  tokenizerModel: string;
  /** The sidecar's loopback port (the chart's router.tokenizer.port). */
  tokenizerPort: number;
  /** The port every engine publishes its KV-cache events on. */
  kvEventsPort: number;
  /** Topic prefix the subscribers filter on; the engines' topics start with it. */
  topicFilter: string;
  /** Tokens a KV block holds in the engines, used for the EPP's own block keys too. */
  blockSizeTokens: number;
}

const PRECISE_PRODUCER = "precise-prefix-cache-producer";

function preciseProfile(p: LlmdPreciseInputs): { plugins: Plugin[]; profile: ProfilePlugin[]; sources: DataSource[] } {
  return {
    plugins: [
      { type: "token-producer", parameters: { modelName: p.tokenizerModel, vllm: { url: `http://localhost:${p.tokenizerPort}` } } },
      { type: "endpoint-notification-source" },
      {
        type: PRECISE_PRODUCER,
        parameters: {
          tokenProcessorConfig: { blockSizeTokens: p.blockSizeTokens },
          kvEventsConfig: { topicFilter: p.topicFilter, discoverPods: true, podDiscoveryConfig: { socketPort: p.kvEventsPort } },
        },
      },
      { type: "prefix-cache-scorer", parameters: { prefixMatchInfoProducerName: PRECISE_PRODUCER } },
      { type: "kv-cache-utilization-scorer" },
      { type: "queue-scorer" },
      { type: "max-score-picker" },
    ],
    profile: [
      { pluginRef: "prefix-cache-scorer", weight: 2 },
      { pluginRef: "kv-cache-utilization-scorer", weight: 1 },
      { pluginRef: "queue-scorer", weight: 1 },
      { pluginRef: "max-score-picker" },
    ],
    sources: [{ pluginRef: "endpoint-notification-source", extractors: [{ pluginRef: PRECISE_PRODUCER }] }],
  };
}

function profile(routing: LlmdRouting, precise?: LlmdPreciseInputs): { plugins: Plugin[]; profile: ProfilePlugin[]; sources?: DataSource[] } {
  switch (routing) {
    case "random":
      return { plugins: [{ type: "random-picker" }], profile: [{ pluginRef: "random-picker" }] };
    case "load-aware":
      return {
        plugins: [{ type: "queue-scorer" }, { type: "kv-cache-utilization-scorer" }, { type: "max-score-picker" }],
        profile: [{ pluginRef: "queue-scorer", weight: 2 }, { pluginRef: "kv-cache-utilization-scorer", weight: 2 }, { pluginRef: "max-score-picker" }],
      };
    case "prefix-cache":
      return {
        plugins: [{ type: "queue-scorer" }, { type: "kv-cache-utilization-scorer" }, { type: "prefix-cache-scorer" }, { type: "max-score-picker" }],
        profile: [
          { pluginRef: "queue-scorer", weight: 2 },
          { pluginRef: "kv-cache-utilization-scorer", weight: 2 },
          { pluginRef: "prefix-cache-scorer", weight: 3 },
          { pluginRef: "max-score-picker" },
        ],
      };
    case "precise-prefix-cache":
      if (!precise) throw new Error("servelab: precise-prefix-cache needs its engine and tokenizer inputs (llmdSpec.ts)");
      return preciseProfile(precise);
  }
}

/** The EndpointPickerConfig object of a mode for an engine image (precise-prefix-cache also needs `precise`). */
export function llmdEppConfigObject(routing: LlmdRouting, engineImage: string, precise?: LlmdPreciseInputs): Record<string, unknown> {
  const { plugins, profile: profilePlugins, sources = [] } = profile(routing, precise);
  // Names for images servelab cannot date are only reachable under `random`, whose picking reads no metric.
  const names = llmdMetricNames(engineImage) ?? { queued: "vllm:num_requests_waiting", running: "vllm:num_requests_running", kvUsage: "vllm:kv_cache_usage_perc" };
  return {
    apiVersion: "llm-d.ai/v1alpha1",
    kind: "EndpointPickerConfig",
    plugins: [
      ...plugins,
      { type: "metrics-data-source" },
      {
        type: "core-metrics-extractor",
        parameters: {
          engineConfigs: [
            {
              name: "vllm",
              queuedRequestsSpec: names.queued,
              runningRequestsSpec: names.running,
              kvUsageSpec: names.kvUsage,
              loraSpec: "vllm:lora_requests_info",
              cacheInfoSpec: "vllm:cache_config_info",
            },
          ],
        },
      },
    ],
    dataLayer: { sources: [{ pluginRef: "metrics-data-source", extractors: [{ pluginRef: "core-metrics-extractor" }] }, ...sources] },
    schedulingProfiles: [{ name: "default", plugins: profilePlugins }],
  };
}

/** The EndpointPickerConfig file text a mode runs. */
export function llmdEppConfig(routing: LlmdRouting, engineImage: string, precise?: LlmdPreciseInputs): string {
  return stringify(llmdEppConfigObject(routing, engineImage, precise), { lineWidth: 0 });
}
