/**
 * The one engine spec: vLLM command-line arguments and environment rendered from the model and engine
 * config. Every router renders engines from this (pure, no Pulumi).
 */
import { EngineConfig, ModelConfig } from "../config/schema";
import { KvEventsPublisher, POD_IP_ENV, kvEventsArgs } from "./kvEvents";
import { hfRepo, servedModelName } from "./sizing";

export const VLLM_PORT = 8000;

/** Flags servelab renders itself, and the config key that sets each. extraArgs may not repeat them. */
export const RENDERED_FLAGS: Record<string, string> = {
  "--model": "model.source",
  "--served-model-name": "model.name",
  "--revision": "model.revision",
  "--tokenizer": "model.tokenizer",
  "--port": "(fixed: 8000)",
  "--host": "(fixed: 0.0.0.0)",
  "--tensor-parallel-size": "engine.tensorParallel",
  "-tp": "engine.tensorParallel",
  "--max-model-len": "engine.maxModelLen",
  "--enable-prefix-caching": "engine.prefixCaching",
  "--no-enable-prefix-caching": "engine.prefixCaching",
  "--enable-chunked-prefill": "engine.chunkedPrefill",
  "--no-enable-chunked-prefill": "engine.chunkedPrefill",
  "--kv-cache-dtype": "engine.kvCacheDtype",
  "--quantization": "engine.quantization",
  "-q": "engine.quantization",
  "--gpu-memory-utilization": "engine.gpuMemoryUtilization",
  "--max-num-batched-tokens": "engine.maxNumBatchedTokens",
  "--max-num-seqs": "engine.maxNumSeqs",
  "--seed": "engine.seed",
};

/** The flag name of an argument ("--max-model-len=4096" -> "--max-model-len"), or undefined for a value. */
export function flagName(arg: string): string | undefined {
  if (!arg.startsWith("-")) return undefined;
  const name = arg.split("=")[0];
  return name.replace(/_/g, "-");
}

export interface VllmSpec {
  args: string[];
  env: Record<string, string>;
  /** Env vars from the pod's own fields (downward API): name -> fieldPath. Args may refer to them as $(NAME). */
  fieldEnv?: Record<string, string>;
  servedModel: string;
  port: number;
  /** Ports besides the API's that the engine listens on (e.g. its KV-events publisher). */
  extraPorts?: { name: string; port: number }[];
}

/** What a router asks of the engines beyond the experiment's engine config. */
export interface VllmSpecOptions {
  /** Publish KV-cache events (kvEvents.ts); only routers that index them ask. */
  kvEvents?: KvEventsPublisher;
}

/**
 * Arguments for the vLLM OpenAI server (the image's entrypoint, so the same list works for
 * `vllm serve` images and `python -m vllm.entrypoints.openai.api_server` images). Prefix caching and
 * the KV-cache dtype are always explicit so a plan shows exactly what ran.
 */
export function renderVllmSpec(model: ModelConfig, engine: EngineConfig, options: VllmSpecOptions = {}): VllmSpec {
  const servedModel = servedModelName(model);
  const args = [
    "--model", hfRepo(model),
    "--served-model-name", servedModel,
    "--host", "0.0.0.0",
    "--port", String(VLLM_PORT),
    "--tensor-parallel-size", String(engine.tensorParallel),
    engine.prefixCaching ? "--enable-prefix-caching" : "--no-enable-prefix-caching",
    "--kv-cache-dtype", engine.kvCacheDtype,
    "--gpu-memory-utilization", String(engine.gpuMemoryUtilization),
  ];
  if (model.revision) args.push("--revision", model.revision);
  if (model.tokenizer) args.push("--tokenizer", model.tokenizer);
  if (engine.maxModelLen !== undefined) args.push("--max-model-len", String(engine.maxModelLen));
  if (engine.chunkedPrefill !== undefined) args.push(engine.chunkedPrefill ? "--enable-chunked-prefill" : "--no-enable-chunked-prefill");
  if (engine.quantization) args.push("--quantization", engine.quantization);
  if (engine.maxNumBatchedTokens !== undefined) args.push("--max-num-batched-tokens", String(engine.maxNumBatchedTokens));
  if (engine.maxNumSeqs !== undefined) args.push("--max-num-seqs", String(engine.maxNumSeqs));
  if (engine.seed !== undefined) args.push("--seed", String(engine.seed));
  if (options.kvEvents) args.push(...kvEventsArgs(options.kvEvents));
  args.push(...engine.extraArgs);
  const spec: VllmSpec = { args, env: { ...engine.env }, servedModel, port: VLLM_PORT };
  if (options.kvEvents) {
    spec.fieldEnv = { [POD_IP_ENV]: "status.podIP" };
    spec.extraPorts = [{ name: "kv-events", port: options.kvEvents.port }];
  }
  return spec;
}
