/** Config rules of the llm-d router (pure): its pinned release, the precise mode's needs, the metric names load-aware scoring reads. */
import { LLMD } from "../catalog/versions";
import { ConfigRule } from "../cluster/facts";
import { KV_USAGE_MODES, LlmdRouting, llmdMetricNames } from "./llmdEppConfig";
import { llmdRouting } from "./llmdSpec";

const version: ConfigRule = ({ router }, _facts, out) => {
  if (router.kind !== "llm-d" || !router.version || router.version === LLMD.version) return;
  out.push({
    path: "servelab:router.version",
    message: `"${router.version}": servelab renders values, EPP configurations and metric names for llm-d-router ${LLMD.version} only (its chart keys and plugin names change between releases); remove router.version`,
  });
};

/**
 * deploy/config/epp-precise-prefix-cache-config.yaml at v0.10.0 indexes every engine's KV-cache events (vLLM
 * --kv-events-config with a ZMQ publisher per pod, which the precise-prefix-cache-producer dials) and tokenizes each
 * request in a `vllm launch render` sidecar that needs the Hugging Face token for gated tokenizers.
 */
const precise: ConfigRule = (config, _facts, out) => {
  if (config.router.kind !== "llm-d" || llmdRouting(config) !== "precise-prefix-cache") return;
  out.push({
    path: "servelab:router.routing",
    message:
      '"precise-prefix-cache" needs engines that publish KV-cache events (vLLM --kv-events-config with a ZMQ publisher per pod) and the EPP\'s tokenizer sidecar with the Hugging Face token; ' +
      `servelab's vLLM engines (${config.engine.image}) publish no KV events, so the precise index would stay empty; use prefix-cache (the EPP's approximate prefix index), load-aware or random`,
  });
};

/** Scoring that reads KV-cache usage needs the metric name the engine's vLLM version exports (llmdEppConfig.ts). */
const metricNames: ConfigRule = (config, _facts, out) => {
  if (config.router.kind !== "llm-d") return;
  const routing: LlmdRouting = llmdRouting(config);
  if (routing === "precise-prefix-cache" || !KV_USAGE_MODES.includes(routing)) return;
  if (llmdMetricNames(config.engine.image)) return;
  out.push({
    path: "servelab:engine.image",
    message: `"${config.engine.image}": llm-d routing ${routing} scores KV-cache usage, whose metric name depends on the vLLM version (vllm:gpu_cache_usage_perc before v0.10, vllm:kv_cache_usage_perc from v0.10), and servelab cannot tell the version of this image; use an upstream vllm/vllm-openai:vX.Y.Z image or routing: random`,
  });
};

export const LLMD_RULES: readonly ConfigRule[] = [version, precise, metricNames];
