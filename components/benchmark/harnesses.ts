import { BenchmarkConfig } from "../config/schema";
import { HarnessContext, HarnessRun } from "./harness";
import { kubeAiBenchmarkServingRun } from "./kubeaiBenchmarkServing";
import { kubeAiChatK6Run } from "./kubeaiChatK6";
import { multiRoundQaRun } from "./multiRoundQa";
import { sonnetRun } from "./sonnet";
import { vllmBenchRun } from "./vllmBench";

/** The container command for the configured harness. */
export function harnessRun(benchmark: BenchmarkConfig, ctx: HarnessContext): HarnessRun {
  switch (benchmark.harness) {
    case "multi-round-qa":
      return multiRoundQaRun(benchmark, ctx);
    case "vllm-bench":
      return vllmBenchRun(benchmark, ctx);
    case "kubeai-benchmark-serving":
      return kubeAiBenchmarkServingRun(benchmark, ctx);
    case "kubeai-chat-k6":
      return kubeAiChatK6Run(benchmark, ctx);
    case "sonnet":
      return sonnetRun(benchmark, ctx);
  }
}
