/**
 * Whether `engine.chunkedPrefill: false` (--no-enable-chunked-prefill) takes effect (pure).
 * vLLM's V1 engine always runs chunked prefill and overrides the flag: `_set_default_args_v1` in
 * vllm/engine/arg_utils.py sets `enable_chunked_prefill = True` ("V1 always uses chunked prefills";
 * read in the 0.8/0.9 line and, for non-pooling models, in 0.11.0). V1 is vLLM's default engine from
 * v0.8.0; VLLM_USE_V1=0 selects V0, where the flag works.
 */
import { ExperimentConfig } from "../config/schema";

/** The AIBrix KV-cache tiers run their connector on V0 (servelab sets VLLM_USE_V1=0 for them). */
const V0_KV_TIERS = new Set(["aibrix-l1-dram", "aibrix-l2-infinistore"]);

/** "v1", "v0", or undefined when the image does not say which vLLM it carries. */
export function vllmEngineGeneration(config: Pick<ExperimentConfig, "engine" | "kvCache" | "router">): "v0" | "v1" | undefined {
  const { engine, kvCache, router } = config;
  if (engine.env.VLLM_USE_V1 === "0" || V0_KV_TIERS.has(kvCache.tier)) return "v0";
  if (router.kind === "production-stack" && kvCache.tier === "lmcache-cpu") {
    // vllm-stack 0.1.12 renders LMCacheConnectorV1 (a V1-only connector) unless vllmConfig.v0 is "1",
    // which servelab never sets (helm/templates/deployment-vllm-multi.yaml at vllm-stack-0.1.12).
    return "v1";
  }
  const version = /^vllm\/vllm-openai:v(\d+)\.(\d+)\.\d+/.exec(engine.image);
  if (!version) return undefined;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  return major > 0 || minor >= 8 ? "v1" : "v0";
}

/** A warning when the config turns chunked prefill off on an engine that ignores it, else undefined. */
export function chunkedPrefillOffIgnored(config: Pick<ExperimentConfig, "engine" | "kvCache" | "router">): string | undefined {
  if (config.engine.chunkedPrefill !== false || vllmEngineGeneration(config) !== "v1") return undefined;
  return (
    `servelab:engine.chunkedPrefill is false, but ${config.engine.image} runs vLLM's V1 engine, which always uses chunked prefill ` +
    "and ignores --no-enable-chunked-prefill; the flag is passed as written, chunked prefill stays on"
  );
}
