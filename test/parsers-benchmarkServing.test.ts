/**
 * benchmark_serving's stdout summary block, read from KubeAI's published write-ups (test/data/published) and the
 * vllm-inference-benchmark README's result block (test/data/published): every number must come out exactly as printed.
 */
import { describe, expect, it } from "vitest";
import { parseBenchmarkServingText } from "../benchmarks/parsers/benchmarkServing";
import { ParseError } from "../benchmarks/parsers/record";
import { published } from "./fixtures/results/published";

describe("KubeAI's prefix-aware load balancing write-up", () => {
  const { name, text } = published("kubeaiPrefixAwareLoadBalancing");
  const blocks = parseBenchmarkServingText(text, name);
  const at = (heading: string, maxConcurrency: number) => blocks.find((b) => b.heading === heading && b.record.load.maxConcurrency === maxConcurrency)!.record;

  it("finds the 12 blocks with their section's load and the heading they sit under", () => {
    expect(blocks).toHaveLength(12);
    expect(blocks.map((b) => b.record.load)).toEqual(
      [800, 1600, 3200, 8000].flatMap((c) => {
        const load = { maxConcurrency: c, requestRate: c === 800 || c === 8000 ? 800 : 200 };
        return [load, load, load];
      }),
    );
    expect(blocks.slice(0, 3).map((b) => b.heading)).toEqual(["K8s Service - Round Robin (No KubeAI proxy)", "KubeAI - Least Load", "KubeAI - Prefix Hash"]);
  });

  it("reproduces the published comparison table (mean TTFT, total tok/s)", () => {
    const table: Array<[number, string, number, number]> = [
      [800, "K8s Service - Round Robin (No KubeAI proxy)", 1319.77, 45409.81],
      [800, "KubeAI - Least Load", 817.18, 45866.16],
      [800, "KubeAI - Prefix Hash", 280.2, 69407.79],
      [1600, "K8s Service - Round Robin", 10365.29, 46250.51],
      [1600, "KubeAI - Least Load", 10579.01, 47476.29],
      [1600, "KubeAI - Prefix Hash", 196.13, 66043.15],
      [3200, "K8s Native - Round Robin", 27183.41, 46460.74],
      [3200, "KubeAI - Least Load", 24147.86, 47658.74],
      [3200, "KubeAI - Prefix Hash", 213.92, 65233.6],
      [8000, "K8s Native - Round robin", 48587.55, 46510.4],
      [8000, "KubeAI - Least Load", 39163.8, 47609.83],
      [8000, "KubeAI - Prefix Hash", 237.06, 67333.71],
    ];
    for (const [concurrency, heading, ttft, tps] of table) {
      const r = at(heading, concurrency);
      expect(r.ttftMs.mean).toBe(ttft);
      expect(r.throughput.totalTokensPerS).toBe(tps);
    }
  });

  it("reads every field of a block, with null for what the block does not print", () => {
    const r = at("K8s Native - Round robin", 8000);
    expect(r).toEqual({
      experiment: "",
      harness: "benchmark-serving",
      load: { maxConcurrency: 8000, requestRate: 800 },
      requests: { completed: 8000, failed: null },
      durationS: 156.2,
      throughput: { requestsPerS: 51.22, outputTokensPerS: 3895.38, totalTokensPerS: 46510.4 },
      ttftMs: { mean: 48587.55, median: 48682.53, p90: null, p99: 101940.11 },
      tpotMs: { mean: 215.24, median: 206.65, p90: null, p99: 566.1 },
      itlMs: { mean: 196.77, median: 87.08, p90: null, p99: 751.68 },
      e2eMs: { mean: null, median: null, p90: null, p99: null },
      source: `${name}:${blocks.find((b) => b.record === r)!.line}`,
    });
  });
});

describe("KubeAI's prefix-cache routing notes and the vllm-inference-benchmark README", () => {
  it("prefix-cache routing notes: the 1600-concurrency run without prefix-aware LB has Mean TTFT 10579.01 ms", () => {
    const { name, text } = published("kubeaiPrefixCacheRouting");
    const blocks = parseBenchmarkServingText(text, name);
    expect(blocks).toHaveLength(8);
    const first = blocks[0].record;
    expect(blocks[0].heading).toBe("without prefix aware lb");
    expect(first.load).toEqual({ maxConcurrency: 1600, requestRate: 200 });
    expect(first.ttftMs).toEqual({ mean: 10579.01, median: 11501.96, p90: null, p99: 15514.1 });
    expect(first.tpotMs).toEqual({ mean: 212.39, median: 202.98, p90: null, p99: 613.06 });
    expect(first.durationS).toBe(153.02);
    // The archived laptop runs pass flags with spaces: --request-rate 200 --max-concurrency 800.
    expect(blocks[6].record.load).toEqual({ maxConcurrency: 800, requestRate: 200 });
    expect(blocks[6].record.requests.completed).toBe(4000);
    expect(blocks[7].record.itlMs.p99).toBe(311.42);
  });

  it("vllm-inference-benchmark: an indented block as in its README", () => {
    const { name, text } = published("vllmInferenceBenchmarkBlock");
    const [block] = parseBenchmarkServingText(text, name);
    expect(block.record.requests.completed).toBe(1000);
    expect(block.record.throughput).toEqual({ requestsPerS: 7.01, outputTokensPerS: 1293.45, totalTokensPerS: 2848.6 });
    expect(block.record.ttftMs).toEqual({ mean: 2768.57, median: 870.16, p90: null, p99: 10724.08 });
    expect(block.record.itlMs.mean).toBe(1279.56);
    expect(block.record.load).toEqual({});
  });
});

const CURRENT_BLOCK = `Traffic request rate: 10.0
Maximum request concurrency: 64
============ Serving Benchmark Result ============
Successful requests:                     995
Failed requests:                         5
Maximum request concurrency:             64
Request rate configured (RPS):           10.00
Benchmark duration (s):                  101.20
Total input tokens:                      1018880
Total generated tokens:                  127360
Request throughput (req/s):              9.83
Output token throughput (tok/s):         1258.50
Peak output token throughput (tok/s):    2048.00
Peak concurrent requests:                64.00
Total Token throughput (tok/s):          11326.00
---------------Time to First Token----------------
Mean TTFT (ms):                          45.10
Median TTFT (ms):                        40.20
P90 TTFT (ms):                           70.30
P99 TTFT (ms):                           120.40
-----Time per Output Token (excl. 1st token)------
Mean TPOT (ms):                          12.50
Median TPOT (ms):                        12.40
P90 TPOT (ms):                           14.00
P99 TPOT (ms):                           16.80
---------------Inter-token Latency----------------
Mean ITL (ms):                           12.45
Median ITL (ms):                         11.90
P90 ITL (ms):                            15.10
P99 ITL (ms):                            30.20
----------------End-to-end Latency----------------
Mean E2EL (ms):                          1630.00
Median E2EL (ms):                        1600.00
P90 E2EL (ms):                           1900.00
P99 E2EL (ms):                           2400.00
==================================================
`;

describe("the current vllm bench serve block", () => {
  it("reads failures, the configured load, P90 and end-to-end latency, through kubectl timestamps", () => {
    const log = CURRENT_BLOCK.split("\n").map((l) => (l ? `2025-06-01T10:00:00.000000001Z ${l}` : l)).join("\n");
    const [block] = parseBenchmarkServingText(log, "job.log");
    expect(block.record.requests).toEqual({ completed: 995, failed: 5 });
    expect(block.record.load).toEqual({ maxConcurrency: 64, requestRate: 10 });
    expect(block.record.ttftMs).toEqual({ mean: 45.1, median: 40.2, p90: 70.3, p99: 120.4 });
    expect(block.record.e2eMs).toEqual({ mean: 1630, median: 1600, p90: 1900, p99: 2400 });
    expect(block.record.throughput.totalTokensPerS).toBe(11326);
  });

  it("a block without its closing line is an error naming where it starts", () => {
    const cut = CURRENT_BLOCK.slice(0, CURRENT_BLOCK.indexOf("Mean ITL"));
    expect(() => parseBenchmarkServingText(cut, "job.log")).toThrow(ParseError);
    expect(() => parseBenchmarkServingText(cut, "job.log")).toThrow("job.log:3: the result block has no closing ===== line (truncated output?)");
  });

  it("a stray line inside a block is an error naming that line", () => {
    const broken = CURRENT_BLOCK.replace("Mean TPOT (ms):                          12.50", "Traceback (most recent call last):");
    expect(() => parseBenchmarkServingText(broken, "job.log")).toThrow('job.log:22: expected "<metric>: <number>" or the closing ===== line of the result block that starts at line 3, found "Traceback (most recent call last):"');
  });

  it("a block without the request count is an error", () => {
    const broken = CURRENT_BLOCK.replace(/Successful requests:.*\n/, "");
    expect(() => parseBenchmarkServingText(broken, "job.log")).toThrow('job.log:3: the result block has no "Successful requests:" line');
  });

  it("finds nothing in text without a block", () => {
    expect(parseBenchmarkServingText("hello\nworld\n", "x.txt")).toEqual([]);
  });
});
