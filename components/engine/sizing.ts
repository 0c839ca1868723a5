/** Pod sizes and time budgets of the engine, derived from the config and the GPU pool (pure). */
import { gibQuantity, quantityGb } from "../config/quantity";
import { EngineConfig, ModelConfig } from "../config/schema";
import { GpuPoolFacts } from "../cluster/facts";
import { downloadGbPerSecond } from "./weights";

export interface EngineResources {
  cpu: number;
  /** Kubernetes quantity as given in the config or derived from the node. */
  memory: string;
  memoryGb: number;
  gpus: number;
}

/** How many replicas one GPU node can hold: a replica's GPUs must all be on one node. */
export function replicasPerNode(gpu: Pick<GpuPoolFacts, "perNode">, tensorParallel: number): number {
  return Math.floor(gpu.perNode / tensorParallel);
}

/** How many of the engine's replicas the busiest GPU node holds: as many as fit, at most all of them. */
export function replicasOnNode(gpu: Pick<GpuPoolFacts, "perNode">, engine: Pick<EngineConfig, "tensorParallel" | "replicas">): number {
  return Math.min(replicasPerNode(gpu, engine.tensorParallel), engine.replicas);
}

const FALLBACK = { cpu: 4, memory: "32Gi" };
/** Share of an even split of the node that a defaulted replica takes, leaving room for other pods. */
const DEFAULT_NODE_SHARE = 0.9;

export function engineResources(engine: EngineConfig, gpu: GpuPoolFacts): EngineResources {
  const perNode = Math.max(1, replicasPerNode(gpu, engine.tensorParallel));
  const alloc = gpu.allocatable;
  const cpu = engine.cpu ?? (alloc ? Math.max(1, Math.floor((alloc.cpu / perNode) * DEFAULT_NODE_SHARE)) : FALLBACK.cpu);
  const memory = engine.memory ?? (alloc ? gibQuantity((alloc.memoryGb / perNode) * DEFAULT_NODE_SHARE) : FALLBACK.memory);
  return { cpu, memory, memoryGb: quantityGb(memory), gpus: engine.tensorParallel };
}

/** The Hugging Face repository id of a model source ("hf://org/name" -> "org/name"). */
export function hfRepo(model: Pick<ModelConfig, "source">): string {
  return model.source.replace(/^hf:\/\//, "");
}

export function servedModelName(model: ModelConfig): string {
  return model.name ?? hfRepo(model);
}

const EIGHT_BIT = /fp8|int8|w8a8/i;

/** Whether the repository name says its weights are 8-bit (FP8, INT8, W8A8). */
export function isEightBitCheckpoint(model: Pick<ModelConfig, "source">): boolean {
  return EIGHT_BIT.test(hfRepo(model));
}

/**
 * Weights in GB: the config's sizeGb, or an estimate from the parameter count in the repository name
 * ("...-70B-...") at 2 bytes a parameter (1 for FP8/INT8, 0.5 for 4-bit). undefined when unknown.
 */
export function modelSizeGb(model: ModelConfig): number | undefined {
  if (model.sizeGb !== undefined) return model.sizeGb;
  const name = hfRepo(model).split("/").pop() ?? "";
  const params = /(?:^|[-_.])(\d+(?:\.\d+)?)[bB](?:$|[-_.])/.exec(name);
  if (!params) return undefined;
  const bytesPerParam = EIGHT_BIT.test(name) ? 1 : /awq|gptq|int4|w4a16/i.test(name) ? 0.5 : 2;
  return Math.round(Number(params[1]) * bytesPerParam * 1.05 * 10) / 10;
}

/**
 * Weights in GPU memory across all of a replica's GPUs: the checkpoint's size, halved when
 * engine.quantization fp8 quantizes a 16-bit checkpoint while loading. undefined when unknown.
 */
export function gpuWeightsGb(model: ModelConfig, engine: Pick<EngineConfig, "quantization">): number | undefined {
  const size = modelSizeGb(model);
  if (size === undefined) return undefined;
  return engine.quantization === "fp8" && !isEightBitCheckpoint(model) ? size / 2 : size;
}

/** Node disk (ephemeral storage) a replica asks for: the weight download plus 10 % and 10 GB for logs and caches. */
export function ephemeralStorageGb(modelGb: number): number {
  return Math.ceil(modelGb * 1.1 + 10);
}

/** Engine image pull on a fresh node, in the startup budget: servelab assumption (the plan's timeline models pulls by image size). */
const PULL_SECONDS = 300;
/**
 * Weights read from the node's disk onto the GPUs (GB/s of one GPU's shard) and the engine's warm-up after it
 * (torch.compile, CUDA graph capture, engine init): servelab assumptions, used by the startup budget and the
 * plan's timeline. They agree with a published cold start of vLLM serving Llama-3.1-8B-Instruct on one L40S:
 * weights 33 s, torch.compile 10 + 42 s, graph capture 54 s, engine init and imports 94 s, 233 s in all
 * (https://tensorfuse.io/docs/blogs/reducing_gpu_cold_start, 2025-09-01); here 16 GB / 0.5 + 180 = 212 s.
 */
export const LOAD_GB_PER_SECOND = 0.5;
export const WARMUP_SECONDS = 180;
const SAFETY = 1.5;
const UNKNOWN_SIZE_MINUTES = 45;
const MIN_MINUTES = 15;

/**
 * What Pulumi (or the benchmark's readiness gate) waits for engines beyond their startup budget: a GPU node
 * scaling up or being created, and the engine image pull on a fresh node, which the startup probe does not
 * count (it starts with the container).
 */
export const ENGINE_AWAIT_SLACK_MINUTES = 20;

/** Minutes to wait for engines to become ready: startup budget plus the slack for nodes and image pulls. */
export function engineAwaitMinutes(engine: EngineConfig, model: ModelConfig, extraSeconds = 0): number {
  return startupBudgetMinutes(engine, model) + Math.ceil(extraSeconds / 60) + ENGINE_AWAIT_SLACK_MINUTES;
}

/**
 * Minutes from pod start to a ready engine: image pull, weight download (from Hugging Face or its mirror, or
 * the copy from object storage: model.weights, at that source's rate), loading
 * the weights onto the GPUs, CUDA graph capture; with a 1.5x margin. The config's
 * startupTimeoutMinutes wins.
 */
export function startupBudgetMinutes(engine: EngineConfig, model: ModelConfig): number {
  if (engine.startupTimeoutMinutes !== undefined) return engine.startupTimeoutMinutes;
  const sizeGb = modelSizeGb(model);
  if (sizeGb === undefined) return UNKNOWN_SIZE_MINUTES;
  const seconds = PULL_SECONDS + sizeGb / downloadGbPerSecond(model) + WARMUP_SECONDS + sizeGb / engine.tensorParallel / LOAD_GB_PER_SECOND;
  return Math.max(MIN_MINUTES, Math.ceil((seconds * SAFETY) / 60));
}
