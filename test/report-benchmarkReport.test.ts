/**
 * `npm run report -- --format br`: every exported llm-d Benchmark Report validates against the v0.2.1 JSON schema
 * of llm-d-benchmark (carried in test/data/upstream/llm-d-benchmark, see PROVENANCE.md), for AIBrix's published
 * v0.3.0 results and for a servelab run folder with its stack, cost and goodput.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResults } from "../benchmarks/results/readResults";
import { BR_VERSION, benchmarkReports } from "../benchmarks/report/benchmarkReport";
import { PointEvidence } from "../benchmarks/evidence/types";
import { DATA_DIR, testDataJson } from "./data/sources";
import { mrqaRow, writeRunFolder } from "./fixtures/results/runFolders";
import { expectValidBr as expectValid, validateBr as validate } from "./helpers/brSchema";
import { npmScript } from "./helpers/npmScript";

const AIBRIX_V030 = join(DATA_DIR, "samples/aibrix-v0.3.0-multi-round-qa-output.zip");

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
    // Written into the input folder, the exports are not read back as results.
    expect(readResults([root]).skipped).toEqual([]);
  });

  it("puts a point's engine and router evidence in observability as llm-d-benchmark embeds its scrapes: per component, per replica, per metric", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-br-obs-"));
    writeRunFolder(root, { stack: "llmd", rows: [{ "1": [mrqaRow(0.5, 1)] }] });
    const evidence: PointEvidence = {
      experiment: "llmd",
      label: "qps-1",
      load: { qps: 1 },
      durationS: 60,
      prefixCacheHitRate: { value: 0.62, exact: true },
      kvCacheUsage: { mean: 0.3, max: 0.55 },
      running: { mean: 4.5, max: 9 },
      waiting: { mean: 0.5, max: 3 },
      preemptions: 2,
      replicas: [
        { name: "vllm-0", node: "n1", requests: 30, promptTokens: 60000, generationTokens: 3000, prefixCacheHitRate: 0.7, imageIds: [] },
        { name: "vllm-1", node: "n2", requests: 10, promptTokens: 20000, generationTokens: 1000, prefixCacheHitRate: 0.4, imageIds: [] },
      ],
      requestImbalance: 1.5,
      tokenImbalance: 1.5,
      kvTier: { name: "lmcache", hitTokens: 500, requestedTokens: 1000, hitRate: 0.5 },
      routers: [{ name: "epp", scrapes: 10, failed: 0, error: null }],
      client: { cpuSeconds: 24, wallSeconds: 60, cores: 0.4, limitCores: 4, saturated: false, source: "cgroup" },
      metricSet: "vllm-v1",
      serving: {},
      notes: [],
    };
    const result = readResults([root]);
    result.records[0].evidence = evidence;
    const [br] = benchmarkReports(result);
    expectValid(br.report, br.name);
    const obs = (br.report as any).results.observability;
    expect(obs.components[0]).toEqual({
      component_label: "vllm",
      aggregate: {
        cache_hit_rate: { units: "percent", mean: 62 },
        kv_cache_usage: { units: "percent", mean: 30, max: 55 },
        running_requests: { units: "count", mean: 4.5, max: 9 },
        waiting_requests: { units: "count", mean: 0.5, max: 3 },
        preemptions: { units: "count", mean: 2 },
      },
    });
    expect(obs.components.slice(1).map((c: any) => [c.replica_id, c.aggregate.cache_hit_rate.mean])).toEqual([["vllm-0", 70], ["vllm-1", 40]]);
    expect(obs.vllm_prefix_cache_hit_rate.components.map((c: any) => [c.pod, c.statistics.mean])).toEqual([["vllm-0", 70], ["vllm-1", 40]]);
    expect(obs.servelab_request_distribution.components.map((c: any) => [c.component_id, c.statistics.count])).toEqual([["vllm-0", 30], ["vllm-1", 10]]);
    expect(obs.servelab_imbalance).toEqual({ requests: { units: "ratio", mean: 1.5 }, tokens: { units: "ratio", mean: 1.5 } });
    expect(obs.servelab_kv_tier).toMatchObject({ tier: "lmcache", hit_rate: { units: "percent", mean: 50 } });
    expect(obs.servelab_client_cpu).toEqual({ cores: 0.4, limitCores: 4, saturated: false });
  });
});
