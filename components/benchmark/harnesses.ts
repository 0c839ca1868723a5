/**
 * The harness registry: one entry per `servelab:benchmark.harness` (the type makes a missing one a compile error),
 * each with its command builder and its config rules.
 */
import { ConfigRule } from "../cluster/facts";
import { BenchmarkConfig } from "../config/schema";
import { HarnessContext, HarnessRun } from "./harness";
import { BENCHMARK_RULES, HarnessRule, MULTI_ROUND_QA_RULES, SONNET_RULES, VLLM_BENCH_RULES } from "./harnessRules";
import { kubeAiBenchmarkServingRun } from "./kubeaiBenchmarkServing";
import { kubeAiChatK6Run } from "./kubeaiChatK6";
import { multiRoundQaRun } from "./multiRoundQa";
import { sonnetRun } from "./sonnet";
import { vllmBenchRun } from "./vllmBench";

type Harness = BenchmarkConfig["harness"];
type Variant<H extends Harness> = Extract<BenchmarkConfig, { harness: H }>;

export interface HarnessModule<B extends BenchmarkConfig> {
  run: (benchmark: B, ctx: HarnessContext) => HarnessRun;
  rules: readonly HarnessRule<B>[];
}

export const HARNESSES: { [H in Harness]: HarnessModule<Variant<H>> } = {
  "multi-round-qa": { run: multiRoundQaRun, rules: MULTI_ROUND_QA_RULES },
  "vllm-bench": { run: (b, ctx) => vllmBenchRun(b, ctx), rules: VLLM_BENCH_RULES },
  "kubeai-benchmark-serving": { run: kubeAiBenchmarkServingRun, rules: [] },
  "kubeai-chat-k6": { run: kubeAiChatK6Run, rules: [] },
  sonnet: { run: sonnetRun, rules: SONNET_RULES },
};

function harnessModule(benchmark: BenchmarkConfig): HarnessModule<BenchmarkConfig> {
  return HARNESSES[benchmark.harness] as unknown as HarnessModule<BenchmarkConfig>;
}

/** The container command for the configured harness. */
export function harnessRun(benchmark: BenchmarkConfig, ctx: HarnessContext): HarnessRun {
  return harnessModule(benchmark).run(benchmark, ctx);
}

/** The configured harness's rules and the ones every harness shares, as one config rule. */
export const harnessRules: ConfigRule = (config, facts, out) => {
  const { benchmark } = config;
  if (!benchmark) return;
  for (const rule of [...BENCHMARK_RULES, ...harnessModule(benchmark).rules]) rule(benchmark, config, facts, out);
};
