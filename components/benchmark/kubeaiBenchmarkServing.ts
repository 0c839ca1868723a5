/**
 * KubeAI's multi-turn ShareGPT benchmark_serving (kubeai-project/kubeai benchmarks/chat-py, added in PR #390): one run per
 * (max concurrency, request rate) point; each run's stdout summary block is saved as the result.
 */
import { KubeAiBenchmarkServingConfig } from "../config/schema";
import { HarnessContext, HarnessRun, SCRIPTS_DIR, TIME_MARGIN, commonDriverArgs, repeatsOf, tokenizerOf } from "./harness";

/** Where the image keeps the script and its dataset (benchmarks/chat-py/Dockerfile). */
export const KUBEAI_BENCH_APP = { script: "/app/benchmark_serving.py", dataset: "/app/sharegpt_16_messages_or_more.json" };

/** "conc-800_rate-800": names the point in result file names. */
export function kubeAiPointLabel(p: KubeAiBenchmarkServingConfig["points"][number]): string {
  return `conc-${p.maxConcurrency}_rate-${p.requestRate}`;
}

const SETUP_SECONDS = 180;
const PER_POINT_SLACK_SECONDS = 600;

export function kubeAiBenchmarkServingRun(b: KubeAiBenchmarkServingConfig, ctx: HarnessContext): HarnessRun {
  const pointSeconds = b.points.map((p) => b.numPrompts / p.requestRate + PER_POINT_SLACK_SECONDS);
  const derived = (b.readyTimeoutMinutes * 60 + SETUP_SECONDS + repeatsOf(b) * pointSeconds.reduce((a, s) => a + s, 0)) * TIME_MARGIN;
  const benchArgs = [
    "--dataset-name", "sharegpt",
    "--dataset-path", KUBEAI_BENCH_APP.dataset,
    "--tokenizer", tokenizerOf(ctx),
    "--seed", String(b.seed),
    "--num-prompts", String(b.numPrompts),
    "--max-conversations", String(b.maxConversations),
    // The script's own goodput (vLLM's benchmark_serving.py of early 2025, which KubeAI copied): it prints
    // "Request goodput (req/s):" in its summary block, counted from the requests it measured.
    ...(b.slo ? ["--goodput", `ttft:${b.slo.ttftMs}`, `tpot:${b.slo.tpotMs}`] : []),
    ...b.extraArgs,
  ];
  return {
    harness: "kubeai-benchmark-serving",
    image: b.image,
    command: ["python3", `${SCRIPTS_DIR}/kubeai_benchmark_serving_sweep.py`],
    scripts: ["kubeai_benchmark_serving_sweep.py"],
    args: [
      ...commonDriverArgs(b),
      "--script", KUBEAI_BENCH_APP.script,
      ...b.points.map((p) => `--point=${kubeAiPointLabel(p)}:${p.maxConcurrency}:${p.requestRate}`),
      "--",
      ...benchArgs,
    ],
    env: {},
    points: b.points.map((p) => ({ maxConcurrency: p.maxConcurrency, requestRate: p.requestRate })),
    timeoutSeconds: b.timeoutMinutes !== undefined ? b.timeoutMinutes * 60 : Math.ceil(derived),
  };
}
