/**
 * The harness registry: one entry per `servelab:benchmark.harness` (the type makes a missing one a compile error),
 * each with its command builder and its config rules.
 */
import { ConfigRule } from "../cluster/facts";
import { BenchmarkConfig } from "../config/schema";
import { HarnessContext, HarnessRun, repeatsOf, withOfflineTokenizer } from "./harness";
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
  /**
   * How a rehearsal (components/rehearsal/) runs this harness: the row's load with its counts and durations scaled by
   * a factor (request rates stay: the simulator keeps up with them) and whether the load generator loads a tokenizer
   * (it then gets one that needs no download), or why it cannot be rehearsed.
   */
  rehearsal: { scale: (benchmark: B, factor: number) => B; tokenizer: boolean } | { refused: string };
}

const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
/** A count or duration scaled down, never below `min`. */
export const scaled = (n: number, factor: number, min = 1) => Math.max(min, Math.round(n * factor));
/** Shortest point a rehearsal runs: long enough for a few requests at the row's rates. */
const MIN_POINT_SECONDS = 10;

export const HARNESSES: { [H in Harness]: HarnessModule<Variant<H>> } = {
  "multi-round-qa": {
    run: multiRoundQaRun,
    rules: MULTI_ROUND_QA_RULES,
    sweepSeconds: (b) => {
      const points = qpsPoints(b).length;
      // The warm-up runs once, before the first repeat.
      return b.warmupSeconds + repeatsOf(b) * (points * b.secondsPerPoint + (points - 1) * b.pauseSeconds);
    },
    // No tokenizer: multi-round-qa.py imports none and builds its prompts from dummy text (benchmarks/vendor/production-stack/multi-round-qa.py gen_dummy_text).
    rehearsal: {
      tokenizer: false,
      scale: (b, f) => ({
        ...b,
        users: scaled(b.users, f),
        secondsPerPoint: scaled(b.secondsPerPoint, f, MIN_POINT_SECONDS),
        pauseSeconds: scaled(b.pauseSeconds, f, 0),
        warmupSeconds: b.warmupSeconds > 0 ? scaled(b.warmupSeconds, f, MIN_POINT_SECONDS) : 0,
      }),
    },
  },
  "vllm-bench": {
    run: (b, ctx) => vllmBenchRun(b, ctx),
    rules: VLLM_BENCH_RULES,
    sweepSeconds: (b) => repeatsOf(b) * sum(b.points.map((p) => (p.requestRate === "inf" ? 0 : b.numPrompts / p.requestRate))),
    rehearsal: {
      tokenizer: true,
      scale: (b, f) => ({
        ...b,
        numPrompts: scaled(b.numPrompts, f),
        points: b.points.map((p) => ({ ...p, ...(p.maxConcurrency !== undefined ? { maxConcurrency: scaled(p.maxConcurrency, f) } : {}) })),
      }),
    },
  },
  "kubeai-benchmark-serving": {
    run: kubeAiBenchmarkServingRun,
    rules: [],
    sweepSeconds: (b) => repeatsOf(b) * sum(b.points.map((p) => b.numPrompts / p.requestRate)),
    // Its ShareGPT threads are inside the image (/app/sharegpt_16_messages_or_more.json): nothing to download but the tokenizer.
    rehearsal: {
      tokenizer: true,
      scale: (b, f) => ({
        ...b,
        numPrompts: scaled(b.numPrompts, f),
        maxConversations: scaled(b.maxConversations, f),
        points: b.points.map((p) => ({ ...p, maxConcurrency: scaled(p.maxConcurrency, f) })),
      }),
    },
  },
  // k6 stops each run at maxDurationSeconds or when the iterations are done, whichever is first: no lower bound.
  "kubeai-chat-k6": {
    run: kubeAiChatK6Run,
    rules: [],
    sweepSeconds: () => 0,
    rehearsal: {
      refused:
        "kubeai-chat-k6 prepares its message threads from the whole ShareGPT file (about 700 MB, downloaded at run time from benchmark.shareGptUrl) and downloads the k6 release archive, and servelab carries no small ShareGPT sample for a rehearsal yet",
    },
  },
  sonnet: {
    run: sonnetRun,
    rules: SONNET_RULES,
    sweepSeconds: (b) => (repeatsOf(b) * sonnetPrompts(b)) / b.requestRate,
    // sonnet.txt is in the vLLM image (the driver downloads it only when the image lacks it).
    rehearsal: { tokenizer: true, scale: (b, f) => ({ ...b, numPrompts: scaled(sonnetPrompts(b), f) }) },
  },
};

function harnessModule(benchmark: BenchmarkConfig): HarnessModule<BenchmarkConfig> {
  return HARNESSES[benchmark.harness] as unknown as HarnessModule<BenchmarkConfig>;
}

/** The container command for the configured harness. */
export function harnessRun(benchmark: BenchmarkConfig, ctx: HarnessContext): HarnessRun {
  const module = harnessModule(benchmark);
  const own = module.run(benchmark, ctx);
  const rehearsal = module.rehearsal;
  const run = ctx.offlineTokenizer && "tokenizer" in rehearsal && rehearsal.tokenizer ? withOfflineTokenizer(own, ctx.offlineTokenizer) : own;
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

/** Why the configured harness cannot be rehearsed, or undefined. */
export function harnessRehearsalRefusal(benchmark: BenchmarkConfig): string | undefined {
  const r = harnessModule(benchmark).rehearsal;
  return "refused" in r ? r.refused : undefined;
}

/** The row's benchmark with its load scaled for a rehearsal, and whether its load generator loads a tokenizer. */
export function rehearsalBenchmark(benchmark: BenchmarkConfig, factor: number): { benchmark: BenchmarkConfig; tokenizer: boolean } {
  const r = harnessModule(benchmark).rehearsal;
  if ("refused" in r) throw new Error(`servelab: ${benchmark.harness} cannot be rehearsed (the rehearsal's rules should have refused it)`);
  return { benchmark: r.scale(benchmark, factor), tokenizer: r.tokenizer };
}
