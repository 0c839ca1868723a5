/** The KubeAI harnesses: k6 chat command, the 70B rows, and the drivers' pure helpers (run with python3). */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { harnessRun } from "../components/benchmark/harnesses";
import { KUBEAI_CHAT_K6 } from "../components/catalog/versions";
import { parseExperimentConfig } from "../components/validate";
import { KubeAiChatK6Config } from "../components/config/schema";
import { kubeAiModelManifest } from "../components/serving/kubeAiSpec";
import { rawStackValues } from "./helpers/configs";
import { admitKubeAiModel } from "./kubeaiCrd";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");

function py(module: string, expr: string): unknown {
  const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(SCRIPTS)}); import ${module} as m; print(json.dumps(${expr}))`;
  return JSON.parse(execFileSync("python3", ["-c", code], { encoding: "utf8" }));
}

describe("kubeai-chat-k6", () => {
  const stacks = ["kubeai_least_load_70b_h100", "kubeai_prefix_hash_70b_h100"];

  it("the two 70B rows differ only in routing and run KubeAI's scenario: 8 one-GPU replicas on one 8-GPU node", () => {
    const [a, b] = stacks.map(rawStackValues);
    expect([a.router.routing, b.router.routing]).toEqual(["LeastLoad", "PrefixHash"]);
    expect({ ...a, router: { ...a.router, routing: undefined } }).toEqual({ ...b, router: { ...b.router, routing: undefined } });
    const model = kubeAiModelManifest({ config: parseExperimentConfig(b), namespace: "ns", labels: {}, readyTimeoutSeconds: 60 });
    // kubeai-project/kubeai@379018b6 benchmarks/multi-turn-chat-k6/scenarios/least-load-vs-prefix-hash-70b-8r/model.yaml
    expect(model.spec).toMatchObject({ resourceProfile: "servelab-gpu:1", minReplicas: 8, maxReplicas: 8, url: "hf://neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8" });
    expect(model.spec.args).toEqual(expect.arrayContaining(["--max-model-len", "16384", "--max-num-batched-tokens", "16384", "--gpu-memory-utilization", "0.95", "--kv-cache-dtype", "fp8", "--enable-prefix-caching", "--disable-log-requests"]));
    expect(b.cluster.gpu).toMatchObject({ type: "h100", perNode: 8, nodes: 1 });
    expect(admitKubeAiModel(model)).toEqual([]);
  });

  it("runs KubeAI's k6.js at the pinned commit with the row's VUs, iterations and max tokens", () => {
    const config = parseExperimentConfig(rawStackValues("kubeai_least_load_70b_h100"));
    const run = harnessRun(config.benchmark!, { experiment: "x", tokenizer: "t" });
    expect(run.command).toEqual(["python3", "/servelab/kubeai_chat_k6.py"]);
    const arg = (flag: string) => run.args[run.args.indexOf(flag) + 1];
    expect([arg("--vus"), arg("--iterations"), arg("--max-tokens"), arg("--max-duration-seconds"), arg("--threads")]).toEqual(["320", "1000", "10", "600", "2000"]);
    expect(arg("--k6-js")).toBe("file:///servelab/k6.js");
    expect(run.vendored).toEqual({ "k6.js": "kubeai/k6.js" });
    expect(arg("--k6-js-sha256")).toMatch(/^[0-9a-f]{64}$/);
    expect(arg("--k6-archive")).toContain("/v0.55.0/k6-v0.55.0-linux-amd64.tar.gz");
    expect(run.timeoutSeconds).toBeGreaterThan(20 * 60 + 600);
  });

  it("warms up once unrecorded by default, as KubeAI ran the scenario twice, and sizes the Job as KubeAI's chat-benchmark pod", () => {
    const config = parseExperimentConfig(rawStackValues("kubeai_prefix_hash_70b_h100"));
    const b = config.benchmark as KubeAiChatK6Config;
    expect(b).toMatchObject({ harness: "kubeai-chat-k6", warmupRuns: 1, cpu: 6, memory: "24Gi", maxFailedRequests: 0 });
    const run = harnessRun(b, { experiment: "x", tokenizer: "t" });
    const arg = (flag: string) => run.args[run.args.indexOf(flag) + 1];
    expect([arg("--warmup-runs"), arg("--max-failed-requests")]).toEqual(["1", "0"]);
    expect(run.scripts).toEqual(["kubeai_chat_k6.py", "prepare_message_threads.py"]);
    // Two k6 runs of up to maxDurationSeconds each, besides the gate and the downloads.
    expect(run.timeoutSeconds).toBeGreaterThan(20 * 60 + 2 * 600);
    const none = harnessRun({ ...b, warmupRuns: 0 }, { experiment: "x", tokenizer: "t" });
    expect(none.timeoutSeconds).toBeLessThan(run.timeoutSeconds);
  });

  it("prepares threads as prepare-message-threads.py does and writes KubeAI's scenario files", () => {
    const long = "x".repeat(600);
    const data = [
      { id: "keep", conversations: [1, 2, 3, 4, 5].flatMap(() => [{ from: "human", value: long }, { from: "gpt", value: "ok" }]) },
      { id: "short", conversations: [1, 2, 3, 4, 5].flatMap(() => [{ from: "human", value: "hi" }, { from: "gpt", value: "ok" }]) },
      { id: "few", conversations: [{ from: "human", value: "y".repeat(3000) }] },
      { id: "gpt-first", conversations: [{ from: "gpt", value: long }, ...[1, 2, 3, 4, 5].map(() => ({ from: "human", value: long }))] },
    ];
    const threads = py("prepare_message_threads", `m.prepare_message_threads(json.loads(${JSON.stringify(JSON.stringify(data))}), 10)`) as any[];
    expect(threads).toEqual([{ id: "keep", userMessages: [long, long, long, long, long] }]);
    expect(py("kubeai_chat_k6", `m.model_addr("http://kubeai.ns.svc.cluster.local/openai/v1")`)).toBe("kubeai.ns.svc.cluster.local/openai");
    expect(py("kubeai_chat_k6", `m.scenario(320, 1000, 600)`)).toEqual({
      thresholds: { http_req_failed: ["rate==0"] },
      scenarios: { chat: { executor: "shared-iterations", vus: 320, iterations: 1000, maxDuration: "600s" } },
    });
    expect(py("kubeai_chat_k6", `m.base_request("m", 10)`)).toEqual({ model: "m", max_tokens: 10, temperature: 0, messages: [] });
  });
});

describe("kubeai-benchmark-serving driver", () => {
  it("reads 'Successful requests' from the summary block and aims at the server root", () => {
    const block = "============ Serving Benchmark Result ============\\nSuccessful requests:                     7998\\nBenchmark duration (s):                  100.0\\n";
    expect(py("kubeai_benchmark_serving_sweep", `m.successful_requests("${block}")`)).toBe(7998);
    expect(py("kubeai_benchmark_serving_sweep", `m.successful_requests("no summary")`)).toBeNull();
    expect(py("kubeai_benchmark_serving_sweep", `m.common.server_root("http://kubeai.ns.svc.cluster.local/openai/v1")`)).toBe("http://kubeai.ns.svc.cluster.local/openai");
  });
});
