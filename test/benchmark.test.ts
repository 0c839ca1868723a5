import { describe, expect, it } from "vitest";
import { benchmarkSchema } from "../components/config/schema";
import { formatQps, multiRoundQaContextTokens, multiRoundQaRun, qpsPoints } from "../components/benchmark/multiRoundQa";
import { pointLabel, vllmBenchRun } from "../components/benchmark/vllmBench";
import { benchmarkJob } from "../components/benchmark/jobManifest";
import { benchmarkScripts } from "../components/benchmark/scripts";
import { harnessRun } from "../components/benchmark/harnesses";
import { MULTI_ROUND_QA } from "../components/catalog/versions";

const ctx = { experiment: "k8s_stack", tokenizer: "meta-llama/Llama-3.1-8B-Instruct" };
const mrqa = (b: object) => benchmarkSchema.parse({ harness: "multi-round-qa", qps: [1], ...b }) as Extract<ReturnType<typeof benchmarkSchema.parse>, { harness: "multi-round-qa" }>;
const bench = (b: object) => benchmarkSchema.parse({ harness: "vllm-bench", points: [{ requestRate: 10 }], ...b }) as Extract<ReturnType<typeof benchmarkSchema.parse>, { harness: "vllm-bench" }>;
const argOf = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe("multi-round-qa", () => {
  it("expands a QPS range like run.sh and orders it", () => {
    const range = { from: 0.1, to: 4.1, step: 0.4 };
    expect(qpsPoints(mrqa({ qps: range, order: "ascending" })).map(formatQps)).toEqual(["0.1", "0.5", "0.9", "1.3", "1.7", "2.1", "2.5", "2.9", "3.3", "3.7", "4.1"]);
    expect(qpsPoints(mrqa({ qps: range, order: "descending" }))[0]).toBe(4.1);
    expect(qpsPoints(mrqa({ qps: [2, 0.5, 1], order: "as-listed" }))).toEqual([2, 0.5, 1]);
  });

  it("counts the context a user's last round needs", () => {
    expect(multiRoundQaContextTokens({ systemPromptTokens: 1000, historyTokens: 20000, rounds: 10, answerTokens: 100 })).toBe(22200);
  });

  it("builds the driver command with the pinned script and the workload", () => {
    const run = multiRoundQaRun(mrqa({ qps: [0.5, 1.5] }), ctx);
    expect(run.image).toMatch(/^python:3\.12/);
    expect(run.command).toEqual(["python3", "/servelab/multi_round_qa_sweep.py"]);
    expect(argOf(run.args, "--base-url")).toBe("$(SERVELAB_BASE_URL)");
    expect(argOf(run.args, "--model")).toBe("$(SERVELAB_MODEL)");
    expect(run.args.slice(run.args.indexOf("--qps") + 1)).toEqual(["0.5", "1.5"]);
    // The script runs from the scripts ConfigMap (vendored at the pinned commit), not from a run-time download.
    expect(argOf(run.args, "--script")).toBe("/servelab/multi-round-qa.py");
    expect(run.args.join(" ")).not.toMatch(/https?:\/\//);
    expect(run.vendored).toEqual({ "multi-round-qa.py": "production-stack/multi-round-qa.py", "utils.py": "production-stack/utils.py" });
    const bundle = benchmarkScripts(run.scripts, run.vendored);
    expect(Object.keys(bundle.files).sort()).toEqual(["mrqa_counted.py", "multi-round-qa.py", "multi_round_qa_sweep.py", "servelab_common.py", "servelab_evidence.py", "utils.py"]);
    expect(bundle.files["multi-round-qa.py"]).toContain("from utils import");
    expect(MULTI_ROUND_QA.commit).toMatch(/^[0-9a-f]{40}$/);
    // The commit production-stack main held while the AIBrix v0.3.0 regression ran (2025-05-16..19).
    expect(MULTI_ROUND_QA.commit).toBe("57b30f05dbe6a433d41192bb4159f04d3faff5e0");
    expect(run.points).toEqual([{ qps: 0.5 }, { qps: 1.5 }]);
  });

  it("sets pip's index for the Job only when benchmark.pipIndexUrl is set", () => {
    expect(harnessRun(mrqa({ qps: [1] }), ctx).env).toEqual({});
    expect(harnessRun(mrqa({ qps: [1], pipIndexUrl: "https://mirrors.ivolces.com/pypi/simple/" }), ctx).env).toEqual({ PIP_INDEX_URL: "https://mirrors.ivolces.com/pypi/simple/" });
  });

  it("bounds the Job by the gate, the warm-up and every point, with a margin; an explicit timeout wins", () => {
    const b = mrqa({ qps: { from: 0.1, to: 4.1, step: 0.4 } });
    const run = multiRoundQaRun(b, ctx);
    const floor = b.readyTimeoutMinutes * 60 + b.warmupSeconds + 11 * (b.secondsPerPoint + b.pauseSeconds);
    expect(run.timeoutSeconds).toBeGreaterThan(floor);
    expect(run.timeoutSeconds).toBeLessThan(floor * 2);
    expect(multiRoundQaRun(mrqa({ timeoutMinutes: 30 }), ctx).timeoutSeconds).toBe(1800);
  });
});

describe("vllm-bench", () => {
  it("runs one point per (rate, concurrency) with the dataset and percentiles", () => {
    const run = vllmBenchRun(bench({ points: [{ requestRate: 800, maxConcurrency: 800 }, { requestRate: "inf" }], numPrompts: 8000, seed: 12345, dataset: "random", inputTokens: 512, outputTokens: 2 }), ctx);
    expect(run.args).toContain("--point=rate-800_conc-800:800:800");
    expect(run.args).toContain("--point=rate-inf:inf:");
    const bench_ = run.args.slice(run.args.indexOf("--") + 1);
    expect(argOf(bench_, "--backend")).toBe("openai-chat");
    expect(argOf(bench_, "--endpoint")).toBe("/v1/chat/completions");
    expect(argOf(bench_, "--tokenizer")).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(argOf(bench_, "--num-prompts")).toBe("8000");
    expect(argOf(bench_, "--seed")).toBe("12345");
    expect(argOf(bench_, "--random-input-len")).toBe("512");
    expect(argOf(bench_, "--metric-percentiles")).toBe("50,90,99");
    expect(run.points).toEqual([{ requestRate: 800, maxConcurrency: 800 }, { requestRate: "inf" }]);
    expect(pointLabel({ requestRate: 12 })).toBe("rate-12");
  });

  it("gives a finite rate numPrompts/rate plus slack, and an unbounded rate a fixed budget", () => {
    const finite = vllmBenchRun(bench({ points: [{ requestRate: 10 }], numPrompts: 1000, readyTimeoutMinutes: 1 }), ctx).timeoutSeconds;
    const inf = vllmBenchRun(bench({ points: [{ requestRate: "inf" }], numPrompts: 1000, readyTimeoutMinutes: 1 }), ctx).timeoutSeconds;
    expect(finite).toBeGreaterThan(100);
    expect(inf).toBeGreaterThan(finite);
  });
});

describe("benchmark Job", () => {
  const run = multiRoundQaRun(mrqa({}), ctx);
  const job = benchmarkJob({
    namespace: "exp", labels: { a: "b" }, experiment: "k8s_stack", run, placement: { nodeSelector: { pool: "system" }, tolerations: [] },
    cpu: 4, memory: "8Gi", baseUrl: "http://svc/v1", servedModel: "m", bucket: "gs://b/x", scriptsSha256: "abc",
  }) as any;

  it("runs once, within the derived deadline, on the CPU pool, with results going to the bucket", () => {
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(run.timeoutSeconds);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.nodeSelector).toEqual({ pool: "system" });
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ SERVELAB_BASE_URL: "http://svc/v1", SERVELAB_MODEL: "m", SERVELAB_EXPERIMENT: "k8s_stack", SERVELAB_RESULTS_BUCKET: "gs://b/x" });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: "4", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } });
    expect(job.spec.template.metadata.annotations["servelab.dev/scripts-sha256"]).toBe("abc");
    expect(job.metadata.annotations["pulumi.com/replaceUnready"]).toBe("true");
  });
});

describe("scripts shipped to the Job", () => {
  it("every harness ships the driver its command runs, plus servelab_common.py and its /metrics scraper, and nothing else", async () => {
    const { benchmarkScripts } = await import("../components/benchmark/scripts.js");
    const { harnessRun } = await import("../components/benchmark/harnesses.js");
    const run = harnessRun(mrqa({}), ctx);
    const bundle = benchmarkScripts(run.scripts);
    expect(Object.keys(bundle.files)).toEqual(["mrqa_counted.py", "multi_round_qa_sweep.py", "servelab_common.py", "servelab_evidence.py"]);
    expect(run.command[1]).toBe(`/servelab/${run.scripts[0]}`);
    const other = benchmarkScripts(vllmBenchRun(bench({}), ctx).scripts);
    expect(Object.keys(other.files)).toEqual(["servelab_common.py", "servelab_evidence.py", "vllm_bench_sweep.py", "vllm_cli_on_cpu.py"]);
    expect(other.sha256).not.toBe(bundle.sha256);
  });
});

describe("benchmark.maxFailedRequests", () => {
  const stacks = ["k8s_stack", "kubeai_least_load_8b_l4", "kubeai_least_load_70b_h100", "vllm_405b_fp8_h100"];

  it("defaults to 0 (any lost request fails the Job) and reaches every harness's driver", async () => {
    const { harnessRun } = await import("../components/benchmark/harnesses.js");
    const { parseExperimentConfig } = await import("../components/validate.js");
    const { rawStackValues } = await import("./helpers/configs.js");
    for (const stack of stacks) {
      const raw = rawStackValues(stack);
      const strict = harnessRun(parseExperimentConfig(raw).benchmark!, ctx);
      expect(strict.args[strict.args.indexOf("--max-failed-requests") + 1], stack).toBe("0");
      raw.benchmark.maxFailedRequests = 25;
      const tolerant = harnessRun(parseExperimentConfig(raw).benchmark!, ctx);
      expect(tolerant.args[tolerant.args.indexOf("--max-failed-requests") + 1], stack).toBe("25");
    }
  });

  it("refuses a negative or fractional limit with the key", async () => {
    const { configProblems, rawStackValues } = await import("./helpers/configs.js");
    const raw = rawStackValues("vllm_405b_fp8_h100");
    raw.benchmark.maxFailedRequests = -1;
    expect(configProblems(raw).filter((l) => l.startsWith("servelab:benchmark.maxFailedRequests: "))).toHaveLength(1);
  });
});
