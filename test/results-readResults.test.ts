/**
 * Reading results folders: the runner's run folders (manifest.json) and raw harness output, with
 * everything that is not output skipped or left out visibly.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ParseError } from "../benchmarks/parsers/record";
import { InputError } from "../benchmarks/results/inputFiles";
import { REPORT_MARK, readResults } from "../benchmarks/results/readResults";
import { buildReport } from "../benchmarks/report/buildReport";

const HEADER = "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time";
const rows = (ttft: number, n = 3) => Array.from({ length: n }, (_, i) => `1000,10,${ttft},0.2,${i},1,${100 + i},${100.5 + i + ttft}`).join("\n");
const BLOCK = "============ Serving Benchmark Result ============\nSuccessful requests: 9\nBenchmark duration (s): 1.00\nMean TTFT (ms): 5.00\n==================================================\n";

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "sl-read-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const manifest = (experiment: string, points: object[], extra: object = {}) =>
  JSON.stringify({ experiment, harness: "multi-round-qa", points, startedAt: "2025-03-23T10:00:00Z", finishedAt: "2025-03-23T11:00:00Z", failures: [], ...extra });
const runJson = (stack: string, runId: string, status: string) => JSON.stringify({ stack, runId, status, startedAt: "", finishedAt: null, source: null, jobStatus: null, error: null, phases: {}, outputs: {} });

describe("a run folder (results/<stack>/<run id>/)", () => {
  it("takes experiment, harness and points from the manifest, merges counts, and ignores the runner's own files", () => {
    const dir = folder({
      "k8s_stack/20250323T100000Z/manifest.json": manifest("k8s_stack", [{ qps: 0.1 }, { qps: 0.5 }, { qps: 0.9 }], { failures: ["qps 0.9: no CSV written"] }),
      "k8s_stack/20250323T100000Z/k8s_stack_output_0.1.csv": `${HEADER}\n${rows(0.2)}\n`,
      "k8s_stack/20250323T100000Z/k8s_stack_counts_0.1.json": '{"launched": 4, "completed": 3, "failed": 1, "cancelled": 0}',
      "k8s_stack/20250323T100000Z/k8s_stack_output_0.5.csv": `${HEADER}\n${rows(0.4)}\n`,
      "k8s_stack/20250323T100000Z/plan.json": '{"stack": "k8s_stack", "resources": []}',
      "k8s_stack/20250323T100000Z/run.json": runJson("k8s_stack", "20250323T100000Z", "failed"),
      "k8s_stack/20250323T100000Z/job.log": BLOCK,
      "k8s_stack/20250323T100000Z/pulumi-up.log": BLOCK,
    });
    const result = readResults([dir]);
    expect(result.records.map((r) => [r.experiment, r.harness, r.load, r.requests])).toEqual([
      ["k8s_stack", "multi-round-qa", { qps: 0.1 }, { completed: 3, failed: 1, cancelled: 0 }],
      ["k8s_stack", "multi-round-qa", { qps: 0.5 }, { completed: 3, failed: null }],
    ]);
    expect(result.notes).toEqual([
      `k8s_stack: no result for the point {"qps":0.9} in ${join(dir, "k8s_stack/20250323T100000Z")}`,
      "k8s_stack: the Job reported: qps 0.9: no CSV written",
    ]);
    expect(result.skipped).toEqual([]);
  });

  it("gives vllm-bench results the manifest's load point", () => {
    const result = {
      completed: 800, failed: 0, duration: 10.5, num_prompts: 800, request_rate: 800.0, max_concurrency: 800,
      request_throughput: 76.2, output_throughput: 5800.1, total_token_throughput: 69000.5, mean_ttft_ms: 280.2, median_ttft_ms: 239.8, p99_ttft_ms: 1260.5,
    };
    const dir = folder({
      "manifest.json": JSON.stringify({ experiment: "kubeai_prefix_hash_8b_l4", harness: "vllm-bench", points: [{ requestRate: 800, maxConcurrency: 800 }], startedAt: "a", finishedAt: "b" }),
      "kubeai_prefix_hash_8b_l4_rate-800_conc-800.json": JSON.stringify(result),
    });
    const [r] = readResults([dir]).records;
    expect(r.experiment).toBe("kubeai_prefix_hash_8b_l4");
    expect(r.harness).toBe("vllm-bench");
    expect(r.load).toEqual({ requestRate: 800, maxConcurrency: 800 });
    expect(r.ttftMs.mean).toBe(280.2);
  });

  it("takes lost requests the harness output cannot show from the manifest, and says when they were tolerated", () => {
    const block = (ok: number) =>
      `============ Serving Benchmark Result ============\nSuccessful requests: ${ok}\nBenchmark duration (s): 1.00\nMaximum request concurrency: 800\nRequest rate configured (RPS): 800.00\nMean TTFT (ms): 5.00\n==================================================\n`;
    const dir = folder({
      "manifest.json": manifest("kubeai_prefix_hash_8b_l4", [{ maxConcurrency: 800, requestRate: 800 }], {
        harness: "kubeai-benchmark-serving",
        failedRequests: [2],
        maxFailedRequests: 5,
      }),
      "kubeai_prefix_hash_8b_l4_conc-800_rate-800.txt": block(7998),
    });
    const result = readResults([dir]);
    expect(result.records.map((r) => r.requests)).toEqual([{ completed: 7998, failed: 2 }]);
    expect(result.notes).toEqual(["kubeai_prefix_hash_8b_l4: 2 requests failed across the points, within benchmark.maxFailedRequests 5 a point"]);
    const report = buildReport(result).markdown;
    expect(report).toContain("#### Failed requests");
    expect(report).toContain("| 800 (800) | 2 |");
    expect(report).toContain("| 800 (800) | 7998 | 2 |");
    const bad = folder({ "manifest.json": manifest("x", [{ qps: 1 }], { failedRequests: [1, 2] }) });
    expect(() => readResults([bad])).toThrow(/"failedRequests" must list one count \(or null\) for each point/);
  });

  it("uses the newest complete run of an experiment and says which runs it left out", () => {
    const dir = folder({
      "ps_stack/20250101T000000Z/manifest.json": manifest("ps_stack", [{ qps: 1 }]),
      "ps_stack/20250101T000000Z/ps_stack_output_1.csv": `${HEADER}\n${rows(1)}\n`,
      "ps_stack/20250101T000000Z/run.json": runJson("ps_stack", "20250101T000000Z", "collected"),
      "ps_stack/20250201T000000Z/manifest.json": manifest("ps_stack", [{ qps: 1 }], { finishedAt: "2025-03-24T00:00:00Z" }),
      "ps_stack/20250201T000000Z/ps_stack_output_1.csv": `${HEADER}\n${rows(2)}\n`,
      "ps_stack/20250201T000000Z/run.json": runJson("ps_stack", "20250201T000000Z", "collected"),
      "ps_stack/20250301T000000Z/manifest.json": manifest("ps_stack", [{ qps: 1 }], { finishedAt: "2025-03-25T00:00:00Z" }),
      "ps_stack/20250301T000000Z/ps_stack_output_1.csv": `${HEADER}\n${rows(3)}\n`,
      "ps_stack/20250301T000000Z/run.json": runJson("ps_stack", "20250301T000000Z", "failed"),
      "ps_stack/20250401T000000Z/run.json": runJson("ps_stack", "20250401T000000Z", "interrupted"),
    });
    const result = readResults([dir]);
    expect(result.records).toHaveLength(1);
    expect(result.records[0].ttftMs.mean).toBe(2000);
    expect(result.notes.filter((n) => n.includes("left out the older run"))).toHaveLength(2);
    expect(result.notes).toContain(`${join(dir, "ps_stack/20250401T000000Z")}: run 20250401T000000Z of ps_stack ended "interrupted" without results`);
  });
});

describe("a raw harness output folder", () => {
  it("reads CSVs, result JSON and logs; skips what is not output; ignores other files and macOS forks", () => {
    const dir = folder({
      "naive_output_0.1.csv": `${HEADER}\n${rows(0.5)}\n`,
      "__MACOSX/._naive_output_0.1.csv": "\u0000\u0005\u0016\u0007 binary",
      "._naive_output_0.5.csv": "\u0000 binary",
      "k6_least_load.json": JSON.stringify({ metrics: { http_reqs: { count: 10, rate: 1 }, http_req_duration: { avg: 5, med: 4, "p(90)": 8 } } }),
      "bench.log": `Traffic request rate: 200.0\n${BLOCK}`,
      "README.md": "# results\nnothing here\n",
      "config.json": '{"replicas": 8}',
      "summary.csv": "a,b\n1,2\n",
      "plot.py": "import matplotlib",
      "figure.png": "PNG",
      "report.md": `${REPORT_MARK}\n# Benchmark report\n${BLOCK}`,
    });
    const result = readResults([dir]);
    expect(result.records.map((r) => [r.experiment, r.harness, r.load])).toEqual([
      ["bench", "benchmark-serving", { requestRate: 200 }],
      ["k6_least_load", "k6", {}],
      ["naive", "multi-round-qa", { qps: 0.1 }],
    ]);
    expect(result.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason])).toEqual([
      ["README.md", "no benchmark_serving result block or k6 summary in it"],
      ["config.json", "JSON that is neither a vllm bench result nor a k6 summary"],
      ["summary.csv", "a CSV without multi-round-qa's columns"],
    ]);
    expect(result.ignored.map((p) => p.slice(dir.length + 1))).toEqual(["plot.py"]);
  });

  it("names several blocks of one write-up by their headings, and reports a point read twice", () => {
    const dir = folder({
      "a.md": `## 800 concurrent\n--max-concurrency=800\n### LeastLoad\n${BLOCK}\n### PrefixHash\n${BLOCK}`,
      "b.md": `--max-concurrency=800\n### LeastLoad\n${BLOCK}\n### Other\n${BLOCK}`,
    });
    const result = readResults([dir]);
    expect(result.records.map((r) => [r.experiment, r.load])).toEqual([
      ["LeastLoad", { maxConcurrency: 800 }],
      ["PrefixHash", { maxConcurrency: 800 }],
      ["Other", { maxConcurrency: 800 }],
    ]);
    expect(result.notes).toEqual([expect.stringMatching(/^LeastLoad \{"maxConcurrency":800\}: .*b\.md:3 repeats a point already read from .*a\.md:4; kept the first$/)]);
  });

  it("notes a point that left request counts but no CSV", () => {
    const dir = folder({ "x_output_1.csv": `${HEADER}\n${rows(1)}\n`, "x_counts_2.json": '{"launched": 9, "completed": 0, "failed": 9, "cancelled": 0}' });
    expect(readResults([dir]).notes).toEqual(["x at QPS 2: no CSV, only request counts (0 completed, 9 failed, 0 cancelled)"]);
  });

  it("stops at broken output with the file and line", () => {
    const truncated = folder({ "x_output_1.csv": `${HEADER}\n${rows(1)}\n1000,10,0.` });
    expect(() => readResults([truncated])).toThrow(ParseError);
    expect(() => readResults([truncated])).toThrow(`${join(truncated, "x_output_1.csv")}:5: expected 8 columns, found 3 (truncated file?)`);
    const unnamed = folder({ "data.csv": `${HEADER}\n${rows(1)}\n` });
    expect(() => readResults([unnamed])).toThrow("data.csv: cannot tell the load point: multi-round-qa CSVs must be named <experiment>_output_<qps>.csv");
    const badManifest = folder({ "manifest.json": '{"experiment": "x"}' });
    expect(() => readResults([badManifest])).toThrow('manifest.json: "harness" must be a harness name');
  });

  it("names an input that does not exist", () => {
    expect(() => readResults(["/no/such/folder"])).toThrow(InputError);
    expect(() => readResults(["/no/such/folder"])).toThrow("/no/such/folder: no such file or folder");
  });
});
