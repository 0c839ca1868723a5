/**
 * A rehearsal's engine: llm-d's vLLM simulator configured from the same engine spec vLLM would run (pure). Flags and
 * behaviour from llm-d/llm-d-inference-sim@v0.10.2: pkg/common/parser.go (flags), pkg/common/config.go (defaults:
 * max-model-len 1024, max-num-seqs 5, kv-cache-size 1024 blocks, block-size 16), pkg/tokenizer/tokenizer.go (with
 * --force-dummy-tokenizer the in-process regex tokenizer is used before the model name is looked up on Hugging Face,
 * so nothing is downloaded), pkg/kv-cache/block_cache.go (the KV-cache mode needs POD_IP), and
 * pkg/communication/http.go (/health, /v1/models, /metrics, chat and text completions).
 */
import { withRegistry } from "../catalog/imageRegistry";
import { quantityGb } from "../config/quantity";
import { findModel } from "../catalog/models";
import { INFERENCE_SIM, INFERENCE_SIM_LATENCY, LatencyProfile } from "../catalog/versions";
import { EngineConfig, ModelConfig, RehearsalConfig } from "../config/schema";
import type { EngineNaming } from "./input";
import type { EngineManifestInput } from "./manifests";
import { hfRepo, servedModelName } from "./sizing";
import { VLLM_PORT, VllmSpec } from "./vllmArgs";

/**
 * Concurrent sequences when the row leaves vLLM's default: the simulator's own default (5) would queue most of a
 * scaled load that vLLM runs at once. A choice for rehearsals, not a measured vLLM value.
 */
export const SIMULATOR_MAX_NUM_SEQS = 256;
/** vLLM's and the simulator's KV block size (tokens). */
const BLOCK_TOKENS = 16;
/**
 * Upper bound of the simulated KV cache (blocks). The simulator refuses a request its cache cannot hold and keeps an
 * event channel of 10 × kv-cache-size entries, so the cache holds max-num-seqs full contexts up to this many blocks.
 */
export const SIMULATOR_MAX_KV_BLOCKS = 32768;
/** Minutes the startup probe allows: an image pull on a laptop; the simulator itself is ready at once. */
export const SIMULATOR_STARTUP_MINUTES = 5;

/** The latency profile for a model: explicit, else by parameter count (unknown models get the 8B profile). */
export function latencyProfileFor(model: ModelConfig, rehearsal: Pick<RehearsalConfig, "latencyProfile">): LatencyProfile {
  if (rehearsal.latencyProfile) return rehearsal.latencyProfile;
  const params = findModel(hfRepo(model))?.paramsB;
  if (params === undefined) return "8b-h100-balanced";
  if (params <= 3) return "small-l40s-edge";
  return params <= 20 ? "8b-h100-balanced" : "70b-h100-tp8-throughput";
}

/** The context the simulator accepts: the row's maxModelLen, else the model's own (vLLM's default), else vLLM's fallback. */
export function simulatorMaxModelLen(model: ModelConfig, engine: EngineConfig): number {
  return engine.maxModelLen ?? findModel(hfRepo(model))?.maxPositions ?? 4096;
}

/** The simulator's arguments and environment from the engine spec (served name, context, prefix caching, latency). */
export function renderSimulatorSpec(model: ModelConfig, engine: EngineConfig, rehearsal: Pick<RehearsalConfig, "latencyProfile">): VllmSpec {
  const servedModel = servedModelName(model);
  const maxModelLen = simulatorMaxModelLen(model, engine);
  const maxNumSeqs = engine.maxNumSeqs ?? SIMULATOR_MAX_NUM_SEQS;
  const args = [
    "--model", hfRepo(model),
    "--served-model-name", servedModel,
    "--port", String(VLLM_PORT),
    "--max-model-len", String(maxModelLen),
    "--max-num-seqs", String(maxNumSeqs),
    "--force-dummy-tokenizer",
  ];
  if (engine.prefixCaching) {
    const blocks = Math.min(SIMULATOR_MAX_KV_BLOCKS, maxNumSeqs * Math.ceil(maxModelLen / BLOCK_TOKENS));
    args.push("--enable-kvcache", "--kv-cache-size", String(blocks), "--block-size", String(BLOCK_TOKENS));
  }
  const profile = INFERENCE_SIM_LATENCY[latencyProfileFor(model, rehearsal)];
  const latency = Object.entries(profile);
  if (latency.length > 0) args.push("--latency-calculator", "per-token", ...latency.flatMap(([flag, value]) => [`--${flag}`, value]));
  if (engine.seed !== undefined) args.push("--seed", String(engine.seed));
  return { args, env: {}, servedModel, port: VLLM_PORT };
}

/** Env the KV-cache mode needs from the pod (its event topic names the pod IP; block_cache.go refuses to start without it). */
export function simulatorFieldEnv(engine: EngineConfig): Record<string, string> {
  return engine.prefixCaching ? { POD_IP: "status.podIP" } : {};
}

export interface SimulatorContext {
  model: ModelConfig;
  engine: EngineConfig;
  rehearsal: RehearsalConfig;
  imageRegistry?: string;
}

/**
 * The engine Deployment's input for a rehearsal: the simulator image and arguments, the row's replicas, names and
 * labels, CPU-sized requests, no GPU, no placement, no weights, no Hugging Face token.
 */
export function simulatorManifestInput(
  ctx: SimulatorContext,
  naming: EngineNaming,
  rest: Pick<EngineManifestInput, "namespace" | "labels">,
): EngineManifestInput {
  return {
    ...naming,
    ...rest,
    image: withRegistry(INFERENCE_SIM.image, ctx.imageRegistry),
    replicas: ctx.engine.replicas,
    spec: renderSimulatorSpec(ctx.model, ctx.engine, ctx.rehearsal),
    fieldEnv: simulatorFieldEnv(ctx.engine),
    resources: { cpu: ctx.rehearsal.engineCpu, memory: ctx.rehearsal.engineMemory, memoryGb: quantityGb(ctx.rehearsal.engineMemory), gpus: 0 },
    placement: { nodeSelector: {}, tolerations: [] },
    startupBudgetMinutes: SIMULATOR_STARTUP_MINUTES,
  };
}
