/** The KubeAI harnesses: k6 chat command, the 70B rows, and the drivers' pure helpers (run with python3). */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readResults } from "../benchmarks/results/readResults";
import { describe, expect, it } from "vitest";
import { harnessRun } from "../components/benchmark/harnesses";
import { KUBEAI_CHAT_K6 } from "../components/catalog/versions";
import { parseExperimentConfig } from "../components/validate";
import { KubeAiChatK6Config } from "../components/config/schema";
import { kubeAiModelManifest } from "../components/serving/kubeAiSpec";
import { rawStackValues } from "./helpers/configs";
import { startFakeEngine } from "./helpers/fakeEngine";
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

  it("with benchmark.repeats and benchmark.slo: every repeat on the next --seed with --goodput, and the report reads each repeat's goodput line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-kubeai-bs-"));
    // A stand-in for the image's benchmark_serving.py: records its argv, prints a summary block with the goodput line.
    const script = join(dir, "benchmark_serving.py");
    writeFileSync(
      script,
      "import json, os, sys\n" +
        "open(os.environ['CALLS'], 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n" +
        "seed = int(sys.argv[sys.argv.index('--seed') + 1])\n" +
        "print('============ Serving Benchmark Result ============')\n" +
        "print('Successful requests:                     4')\nprint('Benchmark duration (s):                  2.00')\n" +
        "print(f'Request goodput (req/s):                 {seed / 10:.2f}')\nprint('==================================================')\n",
    );
    const engine = await startFakeEngine({ apiPrefix: "/openai/v1" });
    const run = harnessRun(
      parseExperimentConfig({ ...rawStackValues("kubeai_prefix_hash_8b_l4"), benchmark: { harness: "kubeai-benchmark-serving", points: [{ maxConcurrency: 2, requestRate: 4 }], numPrompts: 4, seed: 10, repeats: 2, slo: { ttftMs: 500, tpotMs: 50 } } }).benchmark!,
      { experiment: "row", tokenizer: "org/tok" },
    );
    const results = join(dir, "results");
    const values: Record<string, string> = { SERVELAB_BASE_URL: engine.baseUrl, SERVELAB_MODEL: "m", SERVELAB_EXPERIMENT: "row" };
    const args = run.args.map((a) => a.replace(/\$\((\w+)\)/g, (_m, name: string) => values[name]).replace("/results", results).replace("/app/benchmark_serving.py", script));
    const calls = join(dir, "calls.jsonl");
    // Asynchronous: the fake engine answers the driver's readiness gate from this process's event loop.
    const code = await new Promise<number>((done) => {
      const child = spawn("python3", [join(SCRIPTS, "kubeai_benchmark_serving_sweep.py"), ...args], { env: { ...process.env, CALLS: calls, SERVELAB_RESULTS_BUCKET: "" }, stdio: "ignore" });
      child.on("exit", (c) => done(c ?? 1));
    });
    await engine.close();
    expect(code).toBe(0);
    const argvs = readFileSync(calls, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]);
    expect(argvs.map((a) => a[a.indexOf("--seed") + 1])).toEqual(["10", "11"]);
    expect(argvs[0]).toEqual(expect.arrayContaining(["--goodput", "ttft:500", "tpot:50"]));
    expect(readdirSync(results).sort()).toEqual(["manifest.json", "row_conc-2_rate-4.txt", "row_repeat2_conc-2_rate-4.txt"]);
    const read = readResults([results], { slo: { ttftMs: 500, tpotMs: 50 } });
    expect(read.records.map((r) => [r.repeat ?? 1, r.goodput])).toEqual([
      [1, { slo: { ttftMs: 500, tpotMs: 50 }, requestsPerS: 1, met: null, from: "harness" }],
      [2, { slo: { ttftMs: 500, tpotMs: 50 }, requestsPerS: 1.1, met: null, from: "harness" }],
    ]);
  });
});
