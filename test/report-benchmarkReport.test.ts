/**
 * `npm run report -- --format br`: every exported llm-d Benchmark Report validates against the v0.2.1 JSON schema
 * of llm-d-benchmark (carried in test/data/upstream/llm-d-benchmark, see PROVENANCE.md), for AIBrix's published
 * v0.3.0 results and for a servelab run folder with its stack, cost and goodput.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { readResults } from "../benchmarks/results/readResults";
import { BR_VERSION, benchmarkReports } from "../benchmarks/report/benchmarkReport";
import { DATA_DIR, testDataJson } from "./data/sources";
import { mrqaRow, writeRunFolder } from "./fixtures/results/runFolders";
import { npmScript } from "./helpers/npmScript";

const AIBRIX_V030 = join(DATA_DIR, "samples/aibrix-v0.3.0-multi-round-qa-output.zip");

// The schema is pydantic's: `discriminator` and `ge` are its annotations, not JSON-schema keywords ajv must enforce.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(testDataJson("upstream/llm-d-benchmark/br-v0.2.1-schema.json"));

function expectValid(report: unknown, name: string): void {
  const ok = validate(report);
  expect(ok ? [] : validate.errors!.map((e) => `${name}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

describe("Benchmark Report v0.2.1 export", () => {
  it("the carried schema is the v0.2.1 one, and it refuses a report without run.uid or with a latency lacking its units", () => {
    const schema = testDataJson("upstream/llm-d-benchmark/br-v0.2.1-schema.json");
    expect(schema.properties.version.default).toBe(BR_VERSION);
    expect(validate({ version: "0.2.1", run: {}, results: {} })).toBe(false);
    expect(validate({ version: "0.2.1", run: { uid: "x" }, results: { request_performance: { aggregate: { latency: { time_to_first_token: { mean: 1 } } } } } })).toBe(false);
    expect(validate({ version: "0.2.1", run: { uid: "x" }, results: {} })).toBe(true);
  });

  it("exports AIBrix's published v0.3.0 multi-round-qa results, one valid report per load point, with the numbers the report reads", () => {
    const result = readResults([AIBRIX_V030], { slo: { ttftMs: 2000, tpotMs: 100 } });
    const reports = benchmarkReports(result);
    expect(reports).toHaveLength(result.records.length);
    expect(result.records.length).toBeGreaterThan(50);
    for (const r of reports) expectValid(r.report, r.name);
    const record = result.records.find((r) => r.experiment === "ps_stack" && r.load.qps === 2.5)!;
    const ps = reports.find((r) => r.name === "ps_stack_qps-2.5.br.json")!.report as any;
    const aggregate = ps.results.request_performance.aggregate;
    expect(aggregate.latency.time_to_first_token).toEqual({ units: "ms", mean: record.ttftMs.mean, p50: record.ttftMs.median, p90: record.ttftMs.p90, p99: record.ttftMs.p99 });
    expect(aggregate.requests.total).toBe(record.requests.completed);
    expect(aggregate.requests.failures).toBeUndefined(); // the published CSVs cannot show failed requests
    expect(aggregate.throughput.output_token_rate).toEqual({ units: "tokens/s", mean: record.throughput.outputTokensPerS });
    expect(ps.scenario.load.standardized).toMatchObject({ tool: "multi-round-qa", rate_qps: 2.5, multi_turn: { enabled: true } });
    expect(ps.scenario.stack).toBeUndefined(); // raw output: the stack is not known
    expect(ps.results.observability.servelab_goodput).toMatchObject({ slo: { ttftMs: 2000, tpotMs: 100 }, requests_met: record.goodput!.met, counted_from: "per-request" });
    expect(new Set(reports.map((r) => (r.report.run as any).uid)).size).toBe(reports.length);
  });

  it("a run folder's report carries the engine, router, KV-cache tier and the cluster with the run's cost, and every repeat is its own report", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-br-"));
    const rows = { "1": [mrqaRow(0.5, 1), mrqaRow(3, 1)] };
    writeRunFolder(root, {
      stack: "ps_stack",
      rows: [rows, rows],
      benchmark: { slo: { ttftMs: 1000, tpotMs: 200 } },
      cost: { usdPerHour: 3.5, priceSource: "2025-06 (test)", notes: [], gpus: { type: "l4", total: 4 } },
    });
    const reports = benchmarkReports(readResults([root]));
    expect(reports.map((r) => r.name).sort()).toEqual(["ps_stack_qps-1.br.json", "ps_stack_repeat2_qps-1.br.json"]);
    for (const r of reports) expectValid(r.report, r.name);
    const br = reports[0].report as any;
    const byLabel = Object.fromEntries(br.scenario.stack.map((c: any) => [c.metadata.label, c.standardized]));
    expect(byLabel.vllm).toMatchObject({ kind: "inference_engine", tool: "vllm", tool_version: "vllm/vllm-openai:v0.8.5", replicas: 4, model: { name: "meta-llama/Llama-3.1-8B-Instruct" }, accelerator: { model: "l4", count: 1, parallelism: { tp: 1 } } });
    expect(byLabel.router).toMatchObject({ kind: "generic", tool: "production-stack", routing: "prefixaware" });
    expect(byLabel["kv-cache"]).toMatchObject({ kind: "generic", tool: "lmcache-cpu" });
    // 2 h of wall time at $3.50/hour on 4 GPUs.
    expect(byLabel.cluster).toMatchObject({ kind: "generic", tool: "gke", usd_per_hour: 3.5, price_source: "2025-06 (test)", run_wall_hours: 2, usd_per_run: 7, gpu_hours: 8 });
    expect(br.run.keywords).toEqual(["servelab", "multi-round-qa", "router:production-stack", "kv-cache:lmcache-cpu"]);
    expect(br.results.observability.servelab_goodput).toMatchObject({ slo: { ttftMs: 1000, tpotMs: 200 }, requests_met: 1 });
  });

  it("npm run report -- --format br writes the reports and nothing else", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-br-cli-"));
    writeRunFolder(root, { stack: "k8s_stack", rows: [{ "0.5": [mrqaRow(0.2, 1)], "1": [mrqaRow(0.4, 1)] }] });
    const out = join(root, "br");
    const run = npmScript("report", [root, "--format", "br", "--out", out]);
    expect(run.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["k8s_stack_qps-0.5.br.json", "k8s_stack_qps-1.br.json"]);
    for (const name of readdirSync(out)) expectValid(JSON.parse(readFileSync(join(out, name), "utf8")), name);
    expect(npmScript("report", [root, "--format", "csv"]).stderr).toContain("--format must be md or br, not csv");
  });
});
