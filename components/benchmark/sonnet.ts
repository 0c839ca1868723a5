/**
 * The `sonnet` harness: the load generator of the vllm-inference-benchmark chart (cyril-k/vllm-inference-benchmark@a916d3d4:README.md) as `vllm bench serve` on
 * the sonnet dataset at one request rate. It is a vllm-bench run with the chart's settings, so results
 * are read by the vllm-bench parser.
 */
import { SONNET_DATASET } from "../catalog/versions";
import { SonnetConfig, VllmBenchConfig } from "../config/schema";
import { HarnessContext, HarnessRun } from "./harness";
import { vllmBenchRun } from "./vllmBench";

/** Prompts per run: the chart's benchmark (1000) or its stress test (500000, about 11 h at rate 12). */
export const SONNET_PROMPTS: Record<SonnetConfig["profile"], number> = { standard: 1000, stress: 500000 };

export function sonnetPrompts(b: SonnetConfig): number {
  return b.numPrompts ?? SONNET_PROMPTS[b.profile];
}

/** The same run as a vllm-bench config, so there is one command builder for `vllm bench serve`. */
export function sonnetAsVllmBench(b: SonnetConfig): VllmBenchConfig {
  return {
    harness: "vllm-bench",
    image: b.image,
    backend: b.backend,
    dataset: "sonnet",
    datasetPath: b.datasetPath,
    inputTokens: b.inputTokens,
    outputTokens: b.outputTokens,
    prefixTokens: b.prefixTokens,
    numPrompts: sonnetPrompts(b),
    seed: b.seed,
    points: [{ requestRate: b.requestRate }],
    percentiles: [50, 90, 99],
    extraArgs: b.extraArgs,
    timeoutMinutes: b.timeoutMinutes,
    readyTimeoutMinutes: b.readyTimeoutMinutes,
    cpu: b.cpu,
    memory: b.memory,
    maxFailedRequests: b.maxFailedRequests,
    ...(b.slo ? { slo: b.slo } : {}),
    ...(b.repeats !== undefined ? { repeats: b.repeats } : {}),
  };
}

export function sonnetRun(b: SonnetConfig, ctx: HarnessContext): HarnessRun {
  const fallback = b.datasetPath === SONNET_DATASET.path ? [`--dataset-fallback-url=${b.datasetUrl ?? SONNET_DATASET.fallbackUrl}`] : [];
  return vllmBenchRun(sonnetAsVllmBench(b), ctx, fallback);
}
