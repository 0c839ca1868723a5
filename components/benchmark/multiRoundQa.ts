/**
 * production-stack's multi-round-qa, run like its run.sh: optional warm-up, then one run per QPS
 * point for a fixed time, with a pause between points; one CSV per point.
 */
import { IMAGES, MULTI_ROUND_QA } from "../catalog/versions";
import { MultiRoundQaConfig } from "../config/schema";
import { HarnessContext, HarnessRun, SCRIPTS_DIR, TIME_MARGIN, commonDriverArgs, repeatsOf } from "./harness";

/** Tokens of one generated question ("Here's question #k: can you tell me a new long story ..."). */
export const QUESTION_TOKENS = 20;

/** Context a user's last round needs: shared prompt, own history, and every question and answer so far. */
export function multiRoundQaContextTokens(b: Pick<MultiRoundQaConfig, "systemPromptTokens" | "historyTokens" | "rounds" | "answerTokens">): number {
  return b.systemPromptTokens + b.historyTokens + b.rounds * (QUESTION_TOKENS + b.answerTokens);
}

/** "0.1", "2.5", "4": the spelling run.sh uses in file names. */
export function formatQps(qps: number): string {
  return String(Math.round(qps * 1e6) / 1e6);
}

export function qpsPoints(b: Pick<MultiRoundQaConfig, "qps" | "order">): number[] {
  let points: number[];
  if (Array.isArray(b.qps)) {
    points = [...b.qps];
  } else {
    const { from, to, step } = b.qps;
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    points = Array.from({ length: count }, (_, i) => Math.round((from + i * step) * 1e6) / 1e6);
  }
  if (b.order === "ascending") points.sort((x, y) => x - y);
  if (b.order === "descending") points.sort((x, y) => y - x);
  return points;
}

export const MULTI_ROUND_QA_VENDORED = { "multi-round-qa.py": "production-stack/multi-round-qa.py", "utils.py": "production-stack/utils.py" };

const SETUP_SECONDS = 300;
const PER_POINT_OVERHEAD_SECONDS = 60;
const EMIT_SECONDS = 120;

export function multiRoundQaRun(b: MultiRoundQaConfig, ctx: HarnessContext): HarnessRun {
  const points = qpsPoints(b);
  const warmup = b.warmupSeconds > 0 ? b.warmupSeconds + PER_POINT_OVERHEAD_SECONDS : 0;
  const derived =
    (b.readyTimeoutMinutes * 60 + SETUP_SECONDS + warmup + repeatsOf(b) * points.length * (b.secondsPerPoint + b.pauseSeconds + PER_POINT_OVERHEAD_SECONDS) + EMIT_SECONDS) *
    TIME_MARGIN;
  return {
    harness: "multi-round-qa",
    image: IMAGES.python,
    command: ["python3", `${SCRIPTS_DIR}/multi_round_qa_sweep.py`],
    scripts: ["multi_round_qa_sweep.py", "mrqa_counted.py"],
    // production-stack's script and its helper at the pinned commit (benchmarks/vendor/PROVENANCE.md); multi-round-qa.py imports `utils` from its own folder.
    vendored: MULTI_ROUND_QA_VENDORED,
    args: [
      ...commonDriverArgs(b),
      "--users", String(b.users),
      "--rounds", String(b.rounds),
      "--system-prompt-tokens", String(b.systemPromptTokens),
      "--history-tokens", String(b.historyTokens),
      "--answer-tokens", String(b.answerTokens),
      "--seconds-per-point", String(b.secondsPerPoint),
      "--pause-seconds", String(b.pauseSeconds),
      "--warmup-seconds", String(b.warmupSeconds),
      "--script", `${SCRIPTS_DIR}/multi-round-qa.py`,
      "--pip", ...MULTI_ROUND_QA.pipRequirements,
      "--qps", ...points.map(formatQps),
    ],
    env: {},
    points: points.map((qps) => ({ qps })),
    timeoutSeconds: b.timeoutMinutes !== undefined ? b.timeoutMinutes * 60 : Math.ceil(derived),
  };
}
