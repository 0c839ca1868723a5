/** Goodput, cost and repeats: from the parsers' per-request data through readResults to report.md. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBenchmarkServingText } from "../benchmarks/parsers/benchmarkServing";
import { splitRepeat } from "../benchmarks/parsers/fileNames";
import { countGoodput, tpotMs } from "../benchmarks/parsers/goodput";
import { mrqaRecord, parseMrqaCsv } from "../benchmarks/parsers/multiRoundQa";
import { vllmBenchRecordFromValue, vllmRequestTimings } from "../benchmarks/parsers/vllmBench";
import { readResults } from "../benchmarks/results/readResults";
import { runCostFromPlan } from "../benchmarks/results/runCost";
import { buildReport } from "../benchmarks/report/buildReport";
import { costRows, outputTokens, sharedClusterTimes } from "../benchmarks/report/cost";
import { collapseRepeats, spreadFlags, spreadOf, t975 } from "../benchmarks/report/repeats";
import { MRQA_HEADER, mrqaRow, writeRunFolder } from "./fixtures/results/runFolders";

const section = (markdown: string, heading: string) => markdown.slice(markdown.indexOf(heading)).split(/\n## /)[0];

describe("goodput", () => {
  it("counts a request as good when both TTFT and TPOT are within the SLO (inclusive), TPOT over the tokens after the first", () => {
    expect(tpotMs(1, 11)).toBe(100);
    expect(tpotMs(0.5, 1)).toBe(0); // one token: no time per output token, as vLLM counts it
    const g = countGoodput([{ ttftMs: 500, tpotMs: 100 }, { ttftMs: 501, tpotMs: 10 }, { ttftMs: 10, tpotMs: 100.5 }, { ttftMs: 0, tpotMs: 0 }], { ttftMs: 500, tpotMs: 100 }, 4);
    expect(g).toMatchObject({ met: 2, requestsPerS: 0.5, from: "per-request" });
  });

  it("multi-round-qa: from the CSV rows over the point's wall window", () => {
    const rows = parseMrqaCsv(`${MRQA_HEADER}\n${mrqaRow(0.2, 1, 11, 100)}\n${mrqaRow(0.3, 3, 11, 101)}\n${mrqaRow(2, 0.5, 11, 102)}\n`, "x.csv");
    const record = mrqaRecord(rows, { experiment: "e", load: { qps: 1 }, source: "x.csv", slo: { ttftMs: 1000, tpotMs: 150 } });
    // Row 2 decodes at 300 ms/token, row 3 waits 2 s for its first token; the window is 100 .. 104.5.
    expect(record.goodput).toMatchObject({ met: 1, from: "per-request" });
    expect(record.goodput!.requestsPerS).toBeCloseTo(1 / 4.5, 12);
    expect(mrqaRecord(rows, { experiment: "e", load: { qps: 1 }, source: "x.csv" }).goodput).toBeUndefined();
  });

  it("vllm bench: from the --save-detailed lists, skipping failed requests; without them the report says it cannot count", () => {
    const detailed = {
      completed: 2, failed: 1, duration: 10, request_throughput: 0.2, mean_ttft_ms: 1,
      ttfts: [0.1, 0.9, 0], itls: [[0.01, 0.02], [0.5, 0.5], []], output_lens: [3, 3, 0], errors: ["", "", "Bad Gateway"],
    };
    expect(vllmRequestTimings(detailed)).toEqual([{ ttftMs: 100, tpotMs: 15 }, { ttftMs: 900, tpotMs: 500 }]);
    const good = vllmBenchRecordFromValue(detailed, "r.json", { fallbackExperiment: "e", slo: { ttftMs: 200, tpotMs: 50 } }).goodput!;
    expect(good).toMatchObject({ met: 1, requestsPerS: 0.1, from: "per-request" });
    const { ttfts: _t, itls: _i, output_lens: _o, errors: _e, ...summary } = detailed;
    const unknown = vllmBenchRecordFromValue(summary, "r.json", { fallbackExperiment: "e", slo: { ttftMs: 200, tpotMs: 50 } }).goodput!;
    expect(unknown).toMatchObject({ requestsPerS: null, met: null });
    expect(unknown.note).toContain("without --save-detailed");
  });

  it("KubeAI's benchmark_serving: the summary's own goodput line", () => {
    const text = ["============ Serving Benchmark Result ============", "Successful requests:                     10", "Benchmark duration (s):                  5.00", "Request goodput (req/s):                 1.40", "=================================================="].join("\n");
    expect(parseBenchmarkServingText(text, "b.txt")[0].record.goodput).toEqual({ slo: null, requestsPerS: 1.4, met: null, from: "harness" });
  });

  it("a run folder's benchmark.slo gives the report a goodput table and column; a raw folder takes the report's --slo options", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-goodput-"));
    writeRunFolder(root, { stack: "a", rows: [{ "1": [mrqaRow(0.2, 1), mrqaRow(5, 1)] }], benchmark: { slo: { ttftMs: 1000, tpotMs: 200 } } });
    const markdown = buildReport(readResults([root])).markdown;
    expect(markdown).toContain("#### Goodput: requests/s that met TTFT ≤ 1000 ms and TPOT ≤ 200 ms");
    expect(markdown).toContain("goodput (req/s)");
    const record = readResults([root]).records[0];
    expect(record.goodput).toMatchObject({ slo: { ttftMs: 1000, tpotMs: 200 }, met: 1 });
    expect(readResults([root], { slo: { ttftMs: 10000, tpotMs: 200 } }).records[0].goodput!.met).toBe(1); // the run's own SLO wins
  });
});

describe("repeats", () => {
  it("t quantiles: the table's values, and the large-df approximation close to them", () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(2)).toBe(4.303);
    expect(t975(19)).toBe(2.093);
    expect(Math.abs(t975(40) - 2.021)).toBeLessThan(0.003);
    expect(() => t975(0)).toThrow(RangeError);
  });

  it("spread: min–max always, the 95 % interval of the mean only from three repeats", () => {
    expect(spreadOf([10, 14])).toEqual({ n: 2, mean: 12, min: 10, max: 14, ci95: null });
    const s = spreadOf([10, 12, 14])!;
    // s = 2, t(0.975, 2) = 4.303: half-width 4.303 * 2 / sqrt(3).
    expect(s.ci95![0]).toBeCloseTo(12 - (4.303 * 2) / Math.sqrt(3), 10);
    expect(s.ci95![1]).toBeCloseTo(12 + (4.303 * 2) / Math.sqrt(3), 10);
  });

  it("names repeats by the drivers' file names", () => {
    expect(splitRepeat("ps_stack_repeat3")).toEqual({ experiment: "ps_stack", repeat: 3 });
    expect(splitRepeat("ps_stack")).toEqual({ experiment: "ps_stack", repeat: 1 });
    expect(splitRepeat("x_repeat1")).toEqual({ experiment: "x_repeat1", repeat: 1 });
  });

  it("reads every repeat of a run, shows their mean in the tables, the spread per point, and flags a difference smaller than the spread", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-repeats-"));
    // Mean TTFT per repeat at QPS 1: a = 200, 400, 600 ms; b = 300, 350, 400 ms (closer than a's spread); at QPS 2: a = 1000, b = 5000 throughout.
    const point = (ms: number) => [mrqaRow(ms / 1000, 1)];
    const rowsA = [200, 400, 600].map((ms) => ({ "1": point(ms), "2": point(1000) }));
    const rowsB = [300, 350, 400].map((ms) => ({ "1": point(ms), "2": point(5000) }));
    writeRunFolder(root, { stack: "a", rows: rowsA });
    writeRunFolder(root, { stack: "b", rows: rowsB });
    const result = readResults([root]);
    expect(result.records).toHaveLength(12);
    expect(result.notes.filter((n) => n.includes("no result"))).toEqual([]);
    const { records, repeated } = collapseRepeats(result.records);
    expect(records).toHaveLength(4);
    expect(records.find((r) => r.experiment === "a" && r.load.qps === 1)!.ttftMs.mean).toBeCloseTo(400, 9);
    expect(repeated).toHaveLength(4);
    const flags = spreadFlags(repeated, (r) => r.ttftMs.mean);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ load: { qps: 1 }, a: "a", b: "b" });
    expect(flags[0].difference).toBeCloseTo(50, 9);
    expect(flags[0].spread).toBeCloseTo(400, 9);

    const markdown = buildReport(result).markdown;
    expect(markdown).toContain("4 load points of 2 experiments (4 of them measured in repeats");
    const repeats = section(markdown, "### Repeats");
    expect(repeats).toContain("| 1 | 400.00 (200.00–600.00; 95 % CI -96.87–896.87; n=3) | 350.00 (300.00–400.00; 95 % CI 225.78–474.22; n=3) |");
    expect(repeats).toContain("**Not distinguishable:** Mean TTFT (ms) at 1: a and b differ by 50.00, less than their repeats spread (400.00).");
    expect(repeats).not.toContain("at 2: a and b");
  });

  it("notes a repeat whose point is missing", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-repeats-"));
    writeRunFolder(root, { stack: "a", rows: [{ "1": [mrqaRow(0.2, 1)], "2": [mrqaRow(0.2, 1)] }, { "1": [mrqaRow(0.2, 1)] }] });
    expect(readResults([root]).notes.some((n) => n.startsWith('a: no result for the point {"qps":2} of repeat 2'))).toBe(true);
  });
});

describe("cost", () => {
  it("records the plan's price, and a shared cluster's beside it", () => {
    const plan = { estimate: { usdPerHour: null, priceSource: "2025-06", notes: ["existing cluster"] }, gpus: { type: "l4", total: 1 } };
    const cluster = { estimate: { usdPerHour: 8, priceSource: "2025-06 (public GCP price list)", notes: [] }, gpus: { type: "l4", total: 8 } };
    expect(runCostFromPlan(plan)).toEqual({ usdPerHour: null, priceSource: "2025-06", notes: ["existing cluster"], gpus: { type: "l4", total: 1 } });
    expect(runCostFromPlan(plan, { stack: "pool", plan: cluster, upAt: "t" })!.sharedCluster).toEqual({ stack: "pool", upAt: "t", usdPerHour: 8, priceSource: "2025-06 (public GCP price list)", notes: [], gpus: { type: "l4", total: 8 } });
    expect(runCostFromPlan(plan, { stack: "pool", plan: null, upAt: "t", error: "the cluster stack does not plan (x)" })!.sharedCluster).toMatchObject({ usdPerHour: null, priceSource: "not priced: the cluster stack does not plan (x)" });
  });

  it("dollars per run, GPU-hours and dollars per million output tokens from the wall time and every repeat's tokens", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-cost-"));
    // One request of 11 output tokens per point, 2 points, 2 repeats: 44 output tokens in 2 h at $3.50/hour.
    const rows = { "1": [mrqaRow(0.2, 1)], "2": [mrqaRow(0.2, 1)] };
    writeRunFolder(root, { stack: "a", rows: [rows, rows], cost: { usdPerHour: 3.5, priceSource: "2025-06 (test)", notes: [], gpus: { type: "l4", total: 4 } } });
    const result = readResults([root]);
    expect(outputTokens(result.records)).toBe(44);
    const [row] = costRows(result.runs!, result.records);
    expect(row).toMatchObject({ experiment: "a", wallHours: 2, usdPerHour: 3.5, usd: 7, gpuHours: 8, gpuType: "l4", outputTokens: 44, sharedCluster: null });
    expect(row.usdPerMillionOutputTokens).toBeCloseTo((7 / 44) * 1e6, 6);
    const cost = section(buildReport(result).markdown, "## Cost");
    expect(cost).toContain("| a | 20250920T100000Z | 2.000 | 3.50 | $7.00 | 8.00 l4 | 44 | $159090.91 |");
    expect(cost).toContain("Prices: 2025-06 (test).");
  });

  it("on a shared cluster charges each row the cluster's price for its own wall time and lists the time no row is charged for", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-cost-"));
    const shared = (upAt: string) => ({ usdPerHour: null, priceSource: "2025-06", notes: ["existing cluster"], gpus: null, sharedCluster: { stack: "pool", upAt, usdPerHour: 10, priceSource: "2025-06 (list)", notes: [], gpus: { type: "l4", total: 8 } } });
    const rows = [{ "1": [mrqaRow(0.2, 1)] }];
    writeRunFolder(root, { stack: "a", rows, startedAt: "2025-09-20T10:30:00.000Z", finishedAt: "2025-09-20T11:30:00.000Z", cost: shared("2025-09-20T10:00:00.000Z") });
    writeRunFolder(root, { stack: "b", rows, startedAt: "2025-09-20T11:45:00.000Z", finishedAt: "2025-09-20T12:15:00.000Z", cost: shared("2025-09-20T10:00:00.000Z") });
    const result = readResults([root]);
    const rowsOut = costRows(result.runs!, result.records);
    expect(rowsOut.map((r) => [r.experiment, r.usd, r.gpuHours, r.sharedCluster])).toEqual([["a", 10, 8, "pool"], ["b", 5, 4, "pool"]]);
    expect(sharedClusterTimes(result.runs!)).toEqual([{ stack: "pool", usdPerHour: 10, rows: ["a", "b"], beforeFirstRowHours: 0.5, betweenRowsHours: 0.25 }]);
    const cost = section(buildReport(result).markdown, "## Cost");
    expect(cost).toContain("Shared cluster pool (rows a, b): not charged to any row: 0.500 h from its up to the first row, 0.250 h between rows ($7.50 at $10.00/hour)");
  });

  it("an older run without a recorded price falls back to plan.json and says so; a run without run.json has no wall time", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-cost-"));
    writeRunFolder(root, { stack: "a", rows: [{ "1": [mrqaRow(0.2, 1)] }] });
    const [row] = costRows(readResults([root]).runs!, readResults([root]).records);
    expect(row).toMatchObject({ usdPerHour: 3.5, usd: 7, priceSource: "2025-06 (test)" });
    expect(row.notes).toEqual(["price from plan.json (run.json predates the recorded price)"]);
  });
});
