/**
 * Config rules of the benchmark harnesses (pure). Each harness's rules see its own variant of servelab:benchmark;
 * the registry in harnesses.ts runs those of the configured harness, and BENCHMARK_RULES for every harness.
 */
import { ClusterFacts } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { quantityGb } from "../config/quantity";
import { BenchmarkConfig, ExperimentConfig, MultiRoundQaConfig, SonnetConfig, VllmBenchConfig } from "../config/schema";
import { multiRoundQaContextTokens } from "./multiRoundQa";

export type HarnessRule<B extends BenchmarkConfig = BenchmarkConfig> = (benchmark: B, config: ExperimentConfig, facts: ClusterFacts, out: ConfigProblem[]) => void;

/** The client pod must fit a system node. */
const clientFit: HarnessRule = (benchmark, _config, { system }, out) => {
  const alloc = system.allocatable;
  if (alloc && (benchmark.cpu > alloc.cpu || quantityGb(benchmark.memory) > alloc.memoryGb)) {
    out.push({
      path: "servelab:benchmark",
      message: `the client asks for ${benchmark.cpu} CPUs and ${benchmark.memory}, more than a ${system.machineType} system node offers (about ${Math.floor(alloc.cpu)} CPUs, ${Math.floor(alloc.memoryGb)} GB); lower benchmark.cpu/memory or use a larger cluster.system.machineType`,
    });
  }
};

export const BENCHMARK_RULES: readonly HarnessRule[] = [clientFit];

const qpsRange: HarnessRule<MultiRoundQaConfig> = (benchmark, _config, _facts, out) => {
  if (Array.isArray(benchmark.qps)) return;
  const { from, to, step } = benchmark.qps;
  if (from > to) out.push({ path: "servelab:benchmark.qps", message: `from (${from}) must not be above to (${to})` });
  else if ((to - from) / step + 1 > 50) out.push({ path: "servelab:benchmark.qps.step", message: `${step} gives more than 50 load points` });
};

const multiRoundQaContext: HarnessRule<MultiRoundQaConfig> = (benchmark, { engine }, _facts, out) => {
  const tokens = multiRoundQaContextTokens(benchmark);
  if (engine.maxModelLen !== undefined && tokens > engine.maxModelLen) {
    out.push({
      path: "servelab:benchmark.historyTokens",
      message: `a user's last round needs about ${tokens} tokens (system ${benchmark.systemPromptTokens} + history ${benchmark.historyTokens} + ${benchmark.rounds} rounds of question and answer), more than engine.maxModelLen ${engine.maxModelLen}: those requests would be rejected`,
    });
  }
};

export const MULTI_ROUND_QA_RULES: readonly HarnessRule<MultiRoundQaConfig>[] = [qpsRange, multiRoundQaContext];

const datasetPath: HarnessRule<VllmBenchConfig> = (benchmark, _config, _facts, out) => {
  if ((benchmark.dataset === "sharegpt" || benchmark.dataset === "sonnet") && !benchmark.datasetPath) {
    out.push({ path: "servelab:benchmark.datasetPath", message: `is required with dataset: ${benchmark.dataset}` });
  }
};

export const VLLM_BENCH_RULES: readonly HarnessRule<VllmBenchConfig>[] = [datasetPath];

const sonnetShape: HarnessRule<SonnetConfig> = (benchmark, { engine }, _facts, out) => {
  if (benchmark.prefixTokens >= benchmark.inputTokens) {
    out.push({ path: "servelab:benchmark.prefixTokens", message: `${benchmark.prefixTokens} must be below inputTokens (${benchmark.inputTokens}): the shared prefix is part of each prompt` });
  }
  const tokens = benchmark.inputTokens + benchmark.outputTokens;
  if (engine.maxModelLen !== undefined && tokens > engine.maxModelLen) {
    out.push({ path: "servelab:benchmark.inputTokens", message: `${benchmark.inputTokens} input + ${benchmark.outputTokens} output tokens exceed engine.maxModelLen ${engine.maxModelLen}: every request would be rejected` });
  }
};

export const SONNET_RULES: readonly HarnessRule<SonnetConfig>[] = [sonnetShape];
