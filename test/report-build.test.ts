/** report.md in the shape of the published tables, from AIBrix's sample CSVs and KubeAI's write-up. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PointRecord, noLatency } from "../benchmarks/parsers/record";
import { REPORT_MARK, readResults } from "../benchmarks/results/readResults";
import { Report, buildReport } from "../benchmarks/report/buildReport";
import { SAMPLE_ZIP, published } from "./fixtures/results/published";

const section = (markdown: string, heading: string) => {
  const start = markdown.indexOf(heading);
  const end = markdown.indexOf("\n#", start + heading.length);
  return markdown.slice(start, end < 0 ? undefined : end);
};
const tableRow = (markdown: string, heading: string, first: string) =>
  section(markdown, heading)
    .split("\n")
    .find((l) => l.startsWith(`| ${first} |`))!
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());

describe("report over the AIBrix sample", () => {
  let report: Report;
  beforeAll(() => {
    report = buildReport(readResults([SAMPLE_ZIP]), { inputs: ["aibrix-v0.2.1-multi-round-qa-output.zip"] });
  });

  it("starts with the mark that lets a report folder be read again, and counts what it read", () => {
    expect(report.markdown.startsWith(`${REPORT_MARK}\n\n# Benchmark report\n\n66 load points of 6 experiments, read from \`aibrix-v0.2.1-multi-round-qa-output.zip\`.`)).toBe(true);
  });

  it("has the per-QPS mean TTFT of every experiment, as AIBrix's plot draws it", () => {
    const header = tableRow(report.markdown, "#### Mean TTFT (ms)", "QPS");
    expect(header).toEqual(["QPS", "aibrix_high_low", "aibrix_naive_7", "naive", "ps_naive", "ps_stack_high_low", "ps_stack_low_high"]);
    const row = tableRow(report.markdown, "#### Mean TTFT (ms)", "4.1");
    expect(row[3]).toBe("10909.43"); // naive, numpy: 10909.433737953941
    expect(row[5]).toBe("2502.80"); // ps_stack_high_low, numpy: 2502.802258795434
    expect(tableRow(report.markdown, "#### Mean TTFT (ms)", "0.1")[3]).toBe("1890.66");
  });

  it("has a detail table per experiment with TTFT and ITL (no TPOT column: multi-round-qa has none), throughput and failures", () => {
    const detail = section(report.markdown, "#### naive\n");
    const header = tableRow(detail, "#### naive", "QPS");
    expect(header).toEqual(["QPS", "completed", "failed", "duration (s)", "mean TTFT (ms)", "median TTFT (ms)", "p99 TTFT (ms)", "mean ITL (ms)", "median ITL (ms)", "p99 ITL (ms)", "requests/s", "output tok/s", "total tok/s"]);
    expect(tableRow(detail, "#### naive", "4.1").slice(0, 7)).toEqual(["4.1", "455", "–", "133.91", "10909.43", "8661.86", "30445.67"]);
  });

  it("draws TTFT and throughput against QPS, one line per experiment", () => {
    expect(report.charts.map((c) => c.name)).toEqual(["ttft-vs-qps.svg", "throughput-vs-qps.svg"]);
    expect(report.markdown).toContain("![Mean TTFT vs QPS](ttft-vs-qps.svg)");
    const ttft = report.charts[0].content;
    expect((ttft.match(/<polyline /g) ?? []).length).toBe(6);
    expect(ttft).toContain(">mean TTFT (s)</text>");
    expect(report.charts[1].content).toContain(">total token throughput (tokens/s)</text>");
  });

  it("lists the files it did not read", () => {
    expect(section(report.markdown, "## Not read")).toContain("plot_new.py");
  });
});

describe("report over KubeAI's prefix-aware load balancing write-up", () => {
  it("pivots like the published table: concurrency (rate) rows, strategies as columns", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-kubeai-"));
    writeFileSync(join(dir, "kubeai.md"), published("kubeaiPrefixAwareLoadBalancing").text);
    const report = buildReport(readResults([dir]));
    const row = tableRow(report.markdown, "#### Mean TTFT (ms)", "1600 (200)");
    expect(row).toEqual(["1600 (200)", "", "10579.01", "196.13", "10365.29", "", ""]);
    expect(tableRow(report.markdown, "#### Total token throughput (tokens/s)", "8000 (800)")).toContain("67333.71");
    expect(report.charts.map((c) => c.name)).toEqual(["ttft-vs-max-concurrency.svg", "throughput-vs-max-concurrency.svg"]);
  });
});

describe("report details", () => {
  const record = (over: Partial<PointRecord>): PointRecord => ({
    experiment: "e",
    harness: "k6",
    load: { vus: 320 },
    requests: { completed: 10, failed: 2 },
    durationS: 5,
    throughput: { requestsPerS: 2, outputTokensPerS: null, totalTokensPerS: 50 },
    ttftMs: noLatency(),
    tpotMs: { mean: 400, median: 390, p90: 600, p99: null },
    itlMs: noLatency(),
    e2eMs: { mean: 3000, median: 2900, p90: 5000, p99: null },
    source: "s",
    ...over,
  });

  it("without TTFT charts end-to-end latency, shows failures, and prints – for what was not measured", () => {
    const report = buildReport({ records: [record({ notes: ["3 iterations dropped"] })], notes: ["something to know"], skipped: [{ path: "x.json", reason: "why" }], ignored: [] });
    expect(report.charts.map((c) => c.name)).toEqual(["latency-vs-vus.svg", "throughput-vs-vus.svg"]);
    expect(tableRow(report.markdown, "#### Failed requests", "320")).toEqual(["320", "2"]);
    const detail = tableRow(report.markdown, "#### e\n", "virtual users");
    expect(detail).toContain("mean E2E latency (ms)");
    expect(detail).toContain("mean TPOT (ms)");
    expect(detail).not.toContain("mean TTFT (ms)");
    expect(tableRow(report.markdown, "#### e\n", "320")).toContain("–");
    expect(report.markdown).toContain('- e at {"vus":320}: 3 iterations dropped\n- something to know');
    expect(report.markdown).toContain("- `x.json`: why");
  });

  it("shows cancelled requests beside failures", () => {
    const report = buildReport({ records: [record({ requests: { completed: 5, failed: 0, cancelled: 7 } })], notes: [], skipped: [], ignored: [] });
    expect(tableRow(report.markdown, "#### Failed requests", "320")).toEqual(["320", "0 (+7 cancelled)"]);
  });
});
