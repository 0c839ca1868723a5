/** `vllm bench serve` at each (request rate, max concurrency) point, one saved JSON per point. */
import { VllmBenchConfig } from "../config/schema";
import { HarnessContext, HarnessRun, SCRIPTS_DIR, TIME_MARGIN, commonDriverArgs, repeatsOf, tokenizerOf } from "./harness";

const ENDPOINT: Record<VllmBenchConfig["backend"], string> = {
  "openai-chat": "/v1/chat/completions",
  openai: "/v1/completions",
  vllm: "/v1/completions",
};

/** "rate-800_conc-800": names the point in result file names. */
export function pointLabel(p: VllmBenchConfig["points"][number]): string {
  return `rate-${p.requestRate}${p.maxConcurrency !== undefined ? `_conc-${p.maxConcurrency}` : ""}`;
}

function datasetArgs(b: VllmBenchConfig): string[] {
  const args = ["--dataset-name", b.dataset];
  if (b.datasetPath) args.push("--dataset-path", b.datasetPath);
  if (b.dataset === "random") {
    args.push("--random-input-len", String(b.inputTokens), "--random-output-len", String(b.outputTokens));
    if (b.prefixTokens !== undefined) args.push("--random-prefix-len", String(b.prefixTokens));
  } else if (b.dataset === "sonnet") {
    args.push("--sonnet-input-len", String(b.inputTokens), "--sonnet-output-len", String(b.outputTokens));
    if (b.prefixTokens !== undefined) args.push("--sonnet-prefix-len", String(b.prefixTokens));
  } else if (b.dataset === "sharegpt") {
    args.push("--sharegpt-output-len", String(b.outputTokens));
  } else {
    args.push("--prefix-repetition-output-len", String(b.outputTokens));
    if (b.prefixTokens !== undefined) args.push("--prefix-repetition-prefix-len", String(b.prefixTokens));
  }
  return args;
}

/**
 * With benchmark.slo: `--save-detailed` keeps the per-request ttfts, itls, output_lens and errors in the saved
 * result (the report counts the requests that met the SLO from them), and `--goodput` makes vLLM compute its
 * own request_goodput beside them. Both flags exist in `vllm bench serve` from v0.9 (docs.vllm.ai v0.9.1 and
 * v0.11.0, vllm/benchmarks/serve.py); the driver drops generated_texts from the saved file to keep it small.
 */
export function sloArgs(slo: VllmBenchConfig["slo"]): string[] {
  return slo ? ["--save-detailed", "--goodput", `ttft:${slo.ttftMs}`, `tpot:${slo.tpotMs}`] : [];
}

const SETUP_SECONDS = 120;
const PER_POINT_SLACK_SECONDS = 300;
const UNBOUNDED_POINT_SECONDS = 1800;

/** `driverArgs` go to servelab's driver (vllm_bench_sweep.py), not to `vllm bench serve`. */
export function vllmBenchRun(b: VllmBenchConfig, ctx: HarnessContext, driverArgs: string[] = []): HarnessRun {
  const pointSeconds = b.points.map((p) =>
    p.requestRate === "inf" ? UNBOUNDED_POINT_SECONDS : b.numPrompts / p.requestRate + PER_POINT_SLACK_SECONDS,
  );
  const derived = (b.readyTimeoutMinutes * 60 + SETUP_SECONDS + repeatsOf(b) * pointSeconds.reduce((a, s) => a + s, 0)) * TIME_MARGIN;
  const benchArgs = [
    "--backend", b.backend,
    "--endpoint", ENDPOINT[b.backend],
    "--tokenizer", tokenizerOf(ctx),
    ...datasetArgs(b),
    "--num-prompts", String(b.numPrompts),
    "--seed", String(b.seed),
    "--percentile-metrics", "ttft,tpot,itl,e2el",
    "--metric-percentiles", b.percentiles.join(","),
    ...sloArgs(b.slo),
    ...b.extraArgs,
  ];
  return {
    harness: "vllm-bench",
    image: b.image,
    command: ["python3", `${SCRIPTS_DIR}/vllm_bench_sweep.py`],
    scripts: ["vllm_bench_sweep.py", "vllm_cli_on_cpu.py"],
    args: [
      ...commonDriverArgs(b),
      ...b.points.map((p) => `--point=${pointLabel(p)}:${p.requestRate}:${p.maxConcurrency ?? ""}`),
      ...driverArgs,
      "--",
      ...benchArgs,
    ],
    env: {},
    points: b.points.map((p) => ({ requestRate: p.requestRate, ...(p.maxConcurrency !== undefined ? { maxConcurrency: p.maxConcurrency } : {}) })),
    timeoutSeconds: b.timeoutMinutes !== undefined ? b.timeoutMinutes * 60 : Math.ceil(derived),
  };
}
