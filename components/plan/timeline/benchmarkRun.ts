/**
 * How long a benchmark Job's measured run lasts, from the harness settings. "Inside" the run counts the
 * harness's own warm-up and pauses; the Job's pod start, installs, readiness gate and upload are outside.
 */
import { HARNESSES } from "../../benchmark/harnesses";
import { qpsPoints } from "../../benchmark/multiRoundQa";
import { sonnetPrompts } from "../../benchmark/sonnet";
import { BenchmarkConfig } from "../../config/schema";

export interface BenchmarkRun {
  seconds: number;
  /** exact: fixed by the settings; at least: an engine slower than the offered rate stretches it; at most: a cap. */
  bound: "exact" | "at least" | "at most";
  /** How the figure follows from the settings, for the plan's source column. */
  basis: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function benchmarkRun(b: BenchmarkConfig): BenchmarkRun {
  switch (b.harness) {
    case "multi-round-qa": {
      const points = qpsPoints(b).length;
      const warmup = b.warmupSeconds > 0 ? ` + ${b.warmupSeconds} s warm-up` : "";
      return {
        seconds: HARNESSES["multi-round-qa"].sweepSeconds(b),
        bound: "exact",
        basis: `multi-round-qa: ${plural(points, "QPS point")} × ${b.secondsPerPoint} s + ${plural(points - 1, "pause")} × ${b.pauseSeconds} s${warmup}`,
      };
    }
    case "vllm-bench": {
      const unbounded = b.points.filter((p) => p.requestRate === "inf").length;
      const seconds = HARNESSES["vllm-bench"].sweepSeconds(b);
      const rates = b.points.map((p) => p.requestRate).join(", ");
      return {
        seconds,
        bound: "at least",
        basis: `vllm-bench: ${b.numPrompts} prompts ÷ request rate at ${plural(b.points.length, "point")} (${rates})${unbounded ? `; ${plural(unbounded, "point")} at rate inf not counted (their length depends on the engine)` : ""}`,
      };
    }
    case "kubeai-benchmark-serving":
      return {
        seconds: HARNESSES["kubeai-benchmark-serving"].sweepSeconds(b),
        bound: "at least",
        basis: `kubeai-benchmark-serving: ${b.numPrompts} prompts ÷ request rate at ${plural(b.points.length, "point")} (${b.points.map((p) => p.requestRate).join(", ")})`,
      };
    case "kubeai-chat-k6": {
      const runs = b.warmupRuns + 1;
      // k6 ends a run when its iterations are done or at maxDurationSeconds, whichever is first: a cap.
      return {
        seconds: runs * b.maxDurationSeconds,
        bound: "at most",
        basis: `kubeai-chat-k6: ${plural(runs, "run")} (${b.warmupRuns} warm-up) × at most ${b.maxDurationSeconds} s`,
      };
    }
    case "sonnet":
      return {
        seconds: HARNESSES.sonnet.sweepSeconds(b),
        bound: "at least",
        basis: `sonnet: ${sonnetPrompts(b)} prompts ÷ ${b.requestRate} requests/s`,
      };
  }
}
