import { describe, expect, it } from "vitest";
import { harnessRun } from "../components/benchmark/harnesses";
import { benchmarkJob } from "../components/benchmark/jobManifest";
import { BenchmarkConfig, benchmarkSchema } from "../components/config/schema";

/** One minimal config per harness; the list must name every harness the schema has. */
const HARNESS_CONFIGS: Record<BenchmarkConfig["harness"], object> = {
  "multi-round-qa": { qps: [1] },
  "vllm-bench": { points: [{ requestRate: 1 }] },
  "kubeai-benchmark-serving": { points: [{ maxConcurrency: 8, requestRate: 8 }] },
  "kubeai-chat-k6": {},
  sonnet: { requestRate: 10 },
};

const ctx = { experiment: "x", tokenizer: "meta-llama/Llama-3.1-405B-Instruct-FP8" };

function jobEnv(harness: BenchmarkConfig["harness"], hfTokenSecret?: string) {
  const b = benchmarkSchema.parse({ harness, ...HARNESS_CONFIGS[harness] });
  const job = benchmarkJob({
    namespace: "ns", labels: {}, experiment: "x", run: harnessRun(b, ctx), placement: { nodeSelector: {}, tolerations: [] },
    cpu: 1, memory: "1Gi", baseUrl: "http://svc/v1", servedModel: "m", scriptsSha256: "0", hfTokenSecret,
  });
  return (job.spec as any).template.spec.containers[0].env as Array<{ name: string; valueFrom?: unknown }>;
}

describe("benchmark Job: Hugging Face token", () => {
  it("covers every harness of the schema", () => {
    expect(Object.keys(HARNESS_CONFIGS).sort()).toEqual([...benchmarkSchema.options.map((o) => o.shape.harness.value)].sort());
  });

  for (const harness of Object.keys(HARNESS_CONFIGS) as Array<BenchmarkConfig["harness"]>) {
    it(`${harness}: HF_TOKEN comes from the token Secret (gated tokenizers answer 401 without it)`, () => {
      const env = jobEnv(harness, "hf-token");
      expect(env.find((e) => e.name === "HF_TOKEN")).toEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } });
      expect(jobEnv(harness).find((e) => e.name === "HF_TOKEN")).toBeUndefined();
    });
  }
});
