/** The report's evidence: columns, the hit-rate comparison, the pair line, what ran, the new charts, and with repeats. */
import { describe, expect, it } from "vitest";
import { combineEvidence } from "../benchmarks/evidence/combine";
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

describe("evidence of a point measured in repeats", () => {
  const repeat = (e: PointEvidence, k: number, extra: Partial<PointEvidence> = {}): PointEvidence => ({ ...e, ...(k > 1 ? { repeat: k } : {}), ...extra });
  const one = repeat(evidence("stack", 1, 0.2, true, [30, 10]), 1, { kvTier: { name: "LMCache", hitTokens: 100, requestedTokens: 1000, hitRate: 0.1 }, notes: ["vllm-1: one page only"] });
  const two = repeat(evidence("stack", 1, 0.6, false, [10, 10]), 2, {
    kvTier: { name: "LMCache", hitTokens: 700, requestedTokens: 1000, hitRate: 0.7 },
    client: { cpuSeconds: 150, wallSeconds: 100, cores: 1.5, limitCores: 4, saturated: true, source: "cgroup v2 cpu.stat usage_usec" },
  });

  it("means the rates, gauges and imbalances, sums the counts, pools the KV tier's tokens, and keeps each repeat's notes", () => {
    const c = combineEvidence([one, two], 2);
    expect(c.repeat).toBeUndefined();
    expect(c.prefixCacheHitRate).toEqual({ value: 0.4, exact: false });
    expect(c.kvCacheUsage).toEqual({ mean: 0.5, max: 0.9 });
    expect(c.preemptions).toBe(4);
    expect(c.replicas.map((r) => [r.name, r.requests, r.promptTokens])).toEqual([["vllm-0", 40, 4000], ["vllm-1", 20, 2000]]);
    expect(c.requestImbalance).toBeCloseTo((1.5 + 1) / 2);
    expect(c.kvTier).toEqual({ name: "LMCache", hitTokens: 800, requestedTokens: 2000, hitRate: 0.4 });
    expect(c.client).toMatchObject({ cpuSeconds: 200, wallSeconds: 200, cores: 1, saturated: true });
    expect(c.routers).toEqual([{ name: "production-stack-router", scrapes: 16, failed: 0, error: null }]);
    expect(c.notes).toEqual(["repeat 1: vllm-1: one page only"]);
    expect(c.durationS).toBe(200);
  });

  it("says how many repeats the figures cover when a repeat has no evidence, and leaves a figure a repeat lacks empty", () => {
    const c = combineEvidence([one, repeat(two, 3, { prefixCacheHitRate: null })], 3);
    expect(c.prefixCacheHitRate).toBeNull();
    expect(c.notes).toContain("engine metrics from 2 of 3 repeats (1, 3); the figures cover those");
  });

  it("the report's mean row shows the combined evidence and the Repeats part the hit rate of each repeat", () => {
    const runs = [{ ...record("stack", 1, 900, one) }, { ...record("stack", 1, 1100, two), repeat: 2 }];
    const md = buildReport({ records: runs, notes: [], skipped: [], ignored: [] }).markdown;
    expect(md).toMatch(/\| 1 \| 200 \| 0 \|.*\| ≈40\.0 \|/);
    expect(md).toContain("| 1 | 40.00 (20.00–60.00; n=2) |");
    expect(md).toContain("- stack at {\"qps\":1}: repeat 1: vllm-1: one page only");
  });
});
