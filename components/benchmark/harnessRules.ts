/**
 * Config rules of the benchmark harnesses (pure). Each harness's rules see its own variant of servelab:benchmark;
 * the registry in harnesses.ts runs those of the configured harness, and BENCHMARK_RULES for every harness.
 */
import { ClusterFacts } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { quantityGb } from "../config/quantity";
import { BenchmarkConfig, ExperimentConfig, MultiRoundQaConfig, SonnetConfig, VllmBenchConfig } from "../config/schema";
import { effectiveMaxModelLen } from "../engine/modelRules";
import { secretArgProblems } from "../engine/rules";
import { QUESTION_TOKENS, multiRoundQaContextTokens } from "./multiRoundQa";

/** "engine.maxModelLen 16384", or "the model's maximum context 131072" when maxModelLen is unset. */
function contextLabel(config: ExperimentConfig, context: number): string {
  return config.engine.maxModelLen !== undefined ? `engine.maxModelLen ${context}` : `the model's maximum context ${context} (engine.maxModelLen is unset)`;
}

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

/** Credentials in the harness's own arguments would land in plan.json and the Job manifest. */
const secretArgs: HarnessRule = (benchmark, _config, _facts, out) => {
  if ("extraArgs" in benchmark) out.push(...secretArgProblems(benchmark.extraArgs, "servelab:benchmark.extraArgs"));
};

/** Goodput needs each request's time to first token; k6 receives each response whole. */
const sloMeasurable: HarnessRule = (benchmark, _config, _facts, out) => {
  if (benchmark.slo && benchmark.harness === "kubeai-chat-k6") {
    out.push({
      path: "servelab:benchmark.slo",
      message: "kubeai-chat-k6 cannot measure time to first token (k6 receives each response whole), so no request can be checked against the SLO; remove benchmark.slo, or use multi-round-qa, vllm-bench, sonnet or kubeai-benchmark-serving",
    });
  }
};

export const BENCHMARK_RULES: readonly HarnessRule[] = [clientFit, secretArgs, sloMeasurable];

const qpsRange: HarnessRule<MultiRoundQaConfig> = (benchmark, _config, _facts, out) => {
  if (Array.isArray(benchmark.qps)) return;
  const { from, to, step } = benchmark.qps;
  if (from > to) out.push({ path: "servelab:benchmark.qps", message: `from (${from}) must not be above to (${to})` });
  else if ((to - from) / step + 1 > 50) out.push({ path: "servelab:benchmark.qps.step", message: `${step} gives more than 50 load points` });
};

const multiRoundQaContext: HarnessRule<MultiRoundQaConfig> = (benchmark, config, _facts, out) => {
  const tokens = multiRoundQaContextTokens(benchmark);
  const context = effectiveMaxModelLen(config);
  if (context === undefined || tokens <= context) return;
  // Blame the largest share of the last round: the shared system prompt, the history, or the rounds' answers.
  const rounds = benchmark.rounds * (QUESTION_TOKENS + benchmark.answerTokens);
  const shares: Array<[string, number]> = [["systemPromptTokens", benchmark.systemPromptTokens], ["historyTokens", benchmark.historyTokens], ["answerTokens", rounds]];
  const [key] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
  out.push({
    path: `servelab:benchmark.${key}`,
    message: `a user's last round needs about ${tokens} tokens (system ${benchmark.systemPromptTokens} + history ${benchmark.historyTokens} + ${benchmark.rounds} rounds of question and answer), more than ${contextLabel(config, context)}: those requests would be rejected`,
  });
};

export const MULTI_ROUND_QA_RULES: readonly HarnessRule<MultiRoundQaConfig>[] = [qpsRange, multiRoundQaContext];

const datasetPath: HarnessRule<VllmBenchConfig> = (benchmark, _config, _facts, out) => {
  if ((benchmark.dataset === "sharegpt" || benchmark.dataset === "sonnet") && !benchmark.datasetPath) {
    out.push({ path: "servelab:benchmark.datasetPath", message: `is required with dataset: ${benchmark.dataset}` });
  }
};

/** Prompt + output tokens of the synthetic datasets (ShareGPT's lengths are the dataset's own, not checked). */
const vllmBenchContext: HarnessRule<VllmBenchConfig> = (benchmark, config, _facts, out) => {
  const context = effectiveMaxModelLen(config);
  if (context === undefined || benchmark.dataset === "sharegpt") return;
  const prompt = benchmark.dataset === "random" ? benchmark.inputTokens + (benchmark.prefixTokens ?? 0) : benchmark.dataset === "sonnet" ? benchmark.inputTokens : (benchmark.prefixTokens ?? 0);
  const tokens = prompt + benchmark.outputTokens;
  if (tokens <= context) return;
  const prefix = benchmark.dataset === "random" && benchmark.prefixTokens ? ` + ${benchmark.prefixTokens} prefix` : "";
  out.push({
    path: benchmark.dataset === "prefix_repetition" ? "servelab:benchmark.prefixTokens" : "servelab:benchmark.inputTokens",
    message: `${benchmark.dataset === "prefix_repetition" ? `${prompt} prefix` : `${benchmark.inputTokens} input${prefix}`} + ${benchmark.outputTokens} output tokens exceed ${contextLabel(config, context)}: every request would be rejected`,
  });
};

export const VLLM_BENCH_RULES: readonly HarnessRule<VllmBenchConfig>[] = [datasetPath, vllmBenchContext];

const sonnetShape: HarnessRule<SonnetConfig> = (benchmark, config, _facts, out) => {
  if (benchmark.prefixTokens >= benchmark.inputTokens) {
    out.push({ path: "servelab:benchmark.prefixTokens", message: `${benchmark.prefixTokens} must be below inputTokens (${benchmark.inputTokens}): the shared prefix is part of each prompt` });
  }
  const tokens = benchmark.inputTokens + benchmark.outputTokens;
  const context = effectiveMaxModelLen(config);
  if (context !== undefined && tokens > context) {
    out.push({ path: "servelab:benchmark.inputTokens", message: `${benchmark.inputTokens} input + ${benchmark.outputTokens} output tokens exceed ${contextLabel(config, context)}: every request would be rejected` });
  }
};

export const SONNET_RULES: readonly HarnessRule<SonnetConfig>[] = [sonnetShape];
