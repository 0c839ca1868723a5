/** k6: KubeAI's published end-of-test summaries (70B chat write-up), --summary-export JSON, units, broken input. */
import { describe, expect, it } from "vitest";
import { k6DurationMs } from "../benchmarks/parsers/k6Metrics";
import { parseK6Summary } from "../benchmarks/parsers/k6Summary";
import { parseK6Text } from "../benchmarks/parsers/k6Text";
import { ParseError } from "../benchmarks/parsers/record";
import { published } from "./fixtures/results/published";

const { name, text } = published("kubeaiChat70b");

describe("KubeAI's 70B chat benchmark output", () => {
  const blocks = parseK6Text(text, name);

  it("finds the four runs under their headings", () => {
    expect(blocks.map((b) => b.heading)).toEqual(["LeastLoad - single replica", "LeastLoad - 8 replicas 1st run", "LeastLoad - 8 replicas 2nd run", "PrefixHash - 3rd run"]);
  });

  it("reads the single-replica run exactly, with its interrupted and dropped iterations", () => {
    const r = blocks[0].record;
    expect(r.load).toEqual({ vus: 320 });
    expect(r.requests).toEqual({ completed: 6094, failed: 0 });
    expect(r.durationS).toBe(630);
    expect(r.throughput).toEqual({ requestsPerS: 9.672953, outputTokensPerS: 89.42799, totalTokensPerS: 6215.686586 });
    expect(r.tpotMs).toEqual({ mean: 4030, median: 3870, p90: 5000, p99: null });
    expect(r.e2eMs).toEqual({ mean: 32480, median: 37740, p90: 43380, p99: null });
    expect(r.ttftMs.mean).toBeNull();
    expect(r.itlMs.mean).toBeNull();
    expect(r.notes).toEqual(["249 iterations interrupted at the time limit", "23 iterations dropped"]);
  });

  it("time per token: 405.39 ms (LeastLoad, 2nd run) → 361.07 ms (PrefixHash), as published", () => {
    expect(blocks[2].record.tpotMs.mean).toBe(405.39);
    expect(blocks[3].record.tpotMs).toEqual({ mean: 361.07, median: 235.35, p90: 723.57, p99: null });
    expect(blocks[3].record.durationS).toBe(86.3);
    expect(blocks[3].record.throughput.totalTokensPerS).toBe(58573.895307);
    expect(blocks[1].record.e2eMs.median).toBe(3650);
    expect(blocks[1].record.notes).toBeUndefined();
  });

  it("a summary cut off before its last metric is an error", () => {
    const cut = text.slice(0, text.indexOf("     tokens.........................: 3915908"));
    expect(() => parseK6Text(cut, name)).toThrow(ParseError);
    expect(() => parseK6Text(cut, name)).toThrow(/:52: the k6 summary stops before vus_max \(truncated output\?\)$/);
  });

  it("older k6 prints failed requests as ✓ <failed> ✗ <passed>", () => {
    const older = text.replace("0.00%   0 out of 6094", "0.33%   ✓ 20       ✗ 6074");
    expect(parseK6Text(older, name)[0].record.requests).toEqual({ completed: 6074, failed: 20 });
  });
});

describe("k6 units", () => {
  it.each([
    ["4.03s", 4030],
    ["625.66ms", 625.66],
    ["75.82µs", 0.07582],
    ["3m49s", 229000],
    ["10m30.0s", 630000],
    ["1h2m3s", 3723000],
    ["0s", 0],
  ])("%s is %s ms", (value, ms) => {
    expect(k6DurationMs(value as string)).toBe(ms);
  });

  it("rejects what is not a duration", () => {
    expect(k6DurationMs("3.9 MB")).toBeNull();
  });
});

describe("k6 --summary-export JSON", () => {
  const exported = {
    root_group: { name: "", path: "", id: "d41d8cd98f00b204e9800998ecf8427e", groups: {}, checks: {} },
    metrics: {
      http_reqs: { count: 7341, rate: 73.808399 },
      http_req_failed: { passes: 3, fails: 7338, value: 0.0004 },
      http_req_duration: { avg: 3670.5, min: 112.34, med: 3650.25, max: 8580, "p(90)": 6090, "p(95)": 6560, "p(99)": 7900 },
      time_per_token: { avg: 419.15, min: 34.84, med: 397.78, max: 2370, "p(90)": 662.6, "p(95)": 781.79 },
      new_tokens: { count: 67808, rate: 681.759967 },
      tokens: { count: 5057973, rate: 50854.228224 },
      vus_max: { value: 320, min: 22, max: 320 },
      iterations: { count: 1000, rate: 10.05427 },
    },
  };

  it("maps counters, trends and failed requests (http_req_failed's passes)", () => {
    const r = parseK6Summary(JSON.stringify(exported), "summary.json");
    expect(r.requests).toEqual({ completed: 7338, failed: 3 });
    expect(r.load).toEqual({ vus: 320 });
    expect(r.durationS).toBeCloseTo(7341 / 73.808399, 9);
    expect(r.e2eMs).toEqual({ mean: 3670.5, median: 3650.25, p90: 6090, p99: 7900 });
    expect(r.tpotMs).toEqual({ mean: 419.15, median: 397.78, p90: 662.6, p99: null });
    expect(r.throughput).toEqual({ requestsPerS: 73.808399, outputTokensPerS: 681.759967, totalTokensPerS: 50854.228224 });
  });

  it("also reads handleSummary's data object (values nested, run duration in state)", () => {
    const data = {
      state: { testRunDurationMs: 99500 },
      metrics: Object.fromEntries(Object.entries(exported.metrics).map(([k, v]) => [k, { type: "trend", contains: "time", values: v }])),
    };
    const r = parseK6Summary(JSON.stringify(data), "summary.json");
    expect(r.durationS).toBe(99.5);
    expect(r.requests.failed).toBe(3);
  });

  it("rejects a summary without http_reqs", () => {
    expect(() => parseK6Summary('{"metrics": {"http_req_duration": {"avg": 1}}}', "s.json")).toThrow("s.json: k6 summary without metrics.http_reqs {count, rate}");
  });
});
