/**
 * The harness registry: one entry per `servelab:benchmark.harness` (the type makes a missing one a compile error),
 * each with its command builder and its config rules.
 */
import { ConfigRule } from "../cluster/facts";
import { BenchmarkConfig } from "../config/schema";
import { HarnessContext, HarnessRun, repeatsOf } from "./harness";
import { BENCHMARK_RULES, HarnessRule, MULTI_ROUND_QA_RULES, SONNET_RULES, VLLM_BENCH_RULES } from "./harnessRules";
import { kubeAiBenchmarkServingRun } from "./kubeaiBenchmarkServing";
import { kubeAiChatK6Run } from "./kubeaiChatK6";
import { multiRoundQaRun, qpsPoints } from "./multiRoundQa";
import { sonnetPrompts, sonnetRun } from "./sonnet";
import { vllmBenchRun } from "./vllmBench";

type Harness = BenchmarkConfig["harness"];
type Variant<H extends Harness> = Extract<BenchmarkConfig, { harness: H }>;

export interface HarnessModule<B extends BenchmarkConfig> {
  run: (benchmark: B, ctx: HarnessContext) => HarnessRun;
  rules: readonly HarnessRule<B>[];
  /** The least time the load itself takes (no readiness gate, set-up or slack), for benchmark.timeoutMinutes. */
  sweepSeconds: (benchmark: B) => number;
}

const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);

export const HARNESSES: { [H in Harness]: HarnessModule<Variant<H>> } = {
  "multi-round-qa": {
    run: multiRoundQaRun,
    rules: MULTI_ROUND_QA_RULES,
    sweepSeconds: (b) => {
      const points = qpsPoints(b).length;
      // The warm-up runs once, before the first repeat.
      return b.warmupSeconds + repeatsOf(b) * (points * b.secondsPerPoint + (points - 1) * b.pauseSeconds);
    },
  },
  "vllm-bench": {
    run: (b, ctx) => vllmBenchRun(b, ctx),
    rules: VLLM_BENCH_RULES,
    sweepSeconds: (b) => repeatsOf(b) * sum(b.points.map((p) => (p.requestRate === "inf" ? 0 : b.numPrompts / p.requestRate))),
  },
  "kubeai-benchmark-serving": { run: kubeAiBenchmarkServingRun, rules: [], sweepSeconds: (b) => repeatsOf(b) * sum(b.points.map((p) => b.numPrompts / p.requestRate)) },
  // k6 stops each run at maxDurationSeconds or when the iterations are done, whichever is first: no lower bound.
  "kubeai-chat-k6": { run: kubeAiChatK6Run, rules: [], sweepSeconds: () => 0 },
  sonnet: { run: sonnetRun, rules: SONNET_RULES, sweepSeconds: (b) => (repeatsOf(b) * sonnetPrompts(b)) / b.requestRate },
};

function harnessModule(benchmark: BenchmarkConfig): HarnessModule<BenchmarkConfig> {
  return HARNESSES[benchmark.harness] as unknown as HarnessModule<BenchmarkConfig>;
}

/** The container command for the configured harness. */
export function harnessRun(benchmark: BenchmarkConfig, ctx: HarnessContext): HarnessRun {
  const run = harnessModule(benchmark).run(benchmark, ctx);
  // pip (the drivers' installs, and the results upload's boto3/google-cloud-storage) reads its index from the environment.
  return benchmark.pipIndexUrl ? { ...run, env: { ...run.env, PIP_INDEX_URL: benchmark.pipIndexUrl } } : run;
}

/** benchmark.timeoutMinutes bounds the whole Job: shorter than the load alone, the Job is killed mid-sweep. */
const timeoutCoversSweep: HarnessRule = (benchmark, _config, _facts, out) => {
  if (benchmark.timeoutMinutes === undefined) return;
  const module = harnessModule(benchmark);
  const sweep = module.sweepSeconds(benchmark);
  if (!Number.isFinite(sweep) || benchmark.timeoutMinutes * 60 >= sweep) return;
  const derived = Math.ceil(module.run({ ...benchmark, timeoutMinutes: undefined }, { experiment: "x", tokenizer: "x" }).timeoutSeconds / 60);
  out.push({
    path: "servelab:benchmark.timeoutMinutes",
    message: `${benchmark.timeoutMinutes} is shorter than the load it bounds (about ${Math.ceil(sweep / 60)} minutes of ${benchmark.harness} load points, before the readiness gate and set-up), so the Job would be killed mid-sweep; remove the key (servelab derives ${derived}) or raise it to at least ${derived}`,
  });
};

/** The configured harness's rules and the ones every harness shares, as one config rule. */
export const harnessRules: ConfigRule = (config, facts, out) => {
  const { benchmark } = config;
  if (!benchmark) return;
  for (const rule of [...BENCHMARK_RULES, timeoutCoversSweep, ...harnessModule(benchmark).rules]) rule(benchmark, config, facts, out);
};
