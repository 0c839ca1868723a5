/** The report's evidence: columns, the hit-rate comparison, the pair line, what ran, and the new charts. */
import { describe, expect, it } from "vitest";
import { PointEvidence } from "../benchmarks/evidence/types";
import { PointRecord, noLatency } from "../benchmarks/parsers/record";
import { buildReport } from "../benchmarks/report/buildReport";

const DIGEST = "docker.io/vllm/vllm-openai@sha256:aa11";

function evidence(experiment: string, qps: number, hit: number, exact: boolean, shares: number[]): PointEvidence {
  return {
    experiment, label: `qps-${qps}`, load: { qps }, durationS: 100, metricSet: exact ? "vllm-v1" : "vllm-v0",
    prefixCacheHitRate: { value: hit, exact }, kvCacheUsage: { mean: 0.5, max: 0.9 }, running: { mean: 3.25, max: 8 }, waiting: { mean: 0.5, max: 4 }, preemptions: 2,
    replicas: shares.map((n, i) => ({ name: `vllm-${i}`, node: "n1", requests: n, promptTokens: n * 100, generationTokens: n * 10, prefixCacheHitRate: hit, imageIds: [DIGEST] })),
    requestImbalance: Math.max(...shares) / (shares.reduce((a, b) => a + b, 0) / shares.length), tokenImbalance: 1,
    kvTier: null, routers: [{ name: "production-stack-router", scrapes: 8, failed: 0, error: null }],
    client: { cpuSeconds: 50, wallSeconds: 100, cores: 0.5, limitCores: 4, saturated: false, source: "cgroup v2 cpu.stat usage_usec" },
    serving: { router: experiment === "naive" ? "k8s-service" : "production-stack (session)", kvTier: "none", engineImage: "vllm/vllm-openai:v0.8.5" }, notes: [],
  };
}

function record(experiment: string, qps: number, ttftMs: number, e?: PointEvidence): PointRecord {
  return {
    experiment, harness: "multi-round-qa", load: { qps }, requests: { completed: 100, failed: 0 }, durationS: 100,
    throughput: { requestsPerS: 1, outputTokensPerS: 10, totalTokensPerS: 100 },
    ttftMs: { ...noLatency(), mean: ttftMs }, tpotMs: noLatency(), itlMs: noLatency(), e2eMs: noLatency(), source: `${experiment}_${qps}.csv`, ...(e ? { evidence: e } : {}),
  };
}

const records = [
  record("naive", 1, 2000, evidence("naive", 1, 0.1, true, [50, 50])),
  record("naive", 2, 36000, evidence("naive", 2, 0.12, true, [60, 40])),
  record("stack", 1, 900, evidence("stack", 1, 0.7, false, [90, 10])),
  record("stack", 2, 1200, evidence("stack", 2, 0.78, false, [80, 20])),
];
const report = buildReport({ records, notes: [], skipped: [], ignored: [] });

describe("report evidence", () => {
  it("adds the evidence columns to each experiment's table, marking approximations with ≈", () => {
    const md = report.markdown;
    expect(md).toMatch(/\| prefix hit % \| KV use % mean \/ max \| running mean \/ max \| waiting mean \/ max \| preemptions \| replicas \| request imbalance \| token imbalance \| KV tier hit % \| client CPU \(cores\) \|/);
    expect(md).toContain("| 2 | 100 | 0 | 100.00 | 36000.00 |");
    expect(md).toMatch(/\| 12\.0 \| 50\.0 \/ 90\.0 \| 3\.3 \/ 8 \| 0\.5 \/ 4 \| 2 \| 2 \| 1\.20 \| 1\.00 \| – \| 0\.50 of 4 \|/);
    expect(md).toMatch(/\| ≈78\.0 \|/);
  });

  it("compares the hit rate across experiments and relates the TTFT gap to the hit-rate gap in one line", () => {
    expect(report.markdown).toContain("#### Prefix-cache hit rate (%, ≈ = approximation)");
    expect(report.markdown).toContain("| 2 | 12.0 | ≈78.0 |");
    expect(report.markdown).toContain(
      "**naive vs stack:** at QPS 2, stack's mean TTFT is 1200 ms against 36.0 s for naive (30.0× lower), with a prefix-cache hit rate of 78.0 % against 12.0 % (+66.0 points; ≈: a hit rate estimated from a lifetime figure or counted in blocks)",
    );
    expect(report.markdown).toContain("at 2 of 2 common load points the higher hit rate went with the lower TTFT.");
  });

  it("says what ran and draws the hit rate and the replicas' shares", () => {
    expect(report.markdown).toContain("## What ran");
    expect(report.markdown).toContain(`| stack | production-stack (session) | none | vllm/vllm-openai:v0.8.5 | ${DIGEST} | vllm-v0 | production-stack-router (8 scrapes) |`);
    const names = report.charts.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["prefix-hit-rate-vs-qps.svg", "replica-share-vs-qps.svg"]));
    const share = report.charts.find((c) => c.name === "replica-share-vs-qps.svg")!.content;
    expect(share).toContain("stack — 1: vllm-0 finished 90 requests (90.0 %)");
    const hit = report.charts.find((c) => c.name === "prefix-hit-rate-vs-qps.svg")!.content;
    expect(hit).toContain("stack — QPS 2: ≈78.0 %");
  });

  it("leaves the tables as they were for results without evidence", () => {
    const plain = buildReport({ records: records.map(({ evidence: _e, ...r }) => r), notes: [], skipped: [], ignored: [] });
    expect(plain.markdown).not.toContain("prefix hit %");
    expect(plain.markdown).not.toContain("## What ran");
    expect(plain.charts.map((c) => c.name)).toEqual(["ttft-vs-qps.svg", "throughput-vs-qps.svg"]);
  });
});
