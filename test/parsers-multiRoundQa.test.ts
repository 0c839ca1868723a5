/**
 * multi-round-qa CSVs: AIBrix's published v0.2.1 output (numbers checked against numpy over the same CSVs)
 * and synthetic edge cases: an empty point, one request, failures counted beside the CSV, broken files.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MrqaCounts, mrqaRecord, parseMrqaCounts, parseMrqaCsv } from "../benchmarks/parsers/multiRoundQa";
import { ParseError, PointRecord } from "../benchmarks/parsers/record";
import { percentile, summarize } from "../benchmarks/parsers/stats";
import { readResults } from "../benchmarks/results/readResults";
import { SAMPLE_ZIP, unzipSample } from "./fixtures/results/published";

const HEADER = "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time";
const point = (csv: string, counts?: MrqaCounts) => mrqaRecord(parseMrqaCsv(csv, "x_output_1.csv"), { experiment: "x", load: { qps: 1 }, source: "x_output_1.csv", counts });

describe("the AIBrix v0.2.1 sample (unzipped into a temp folder)", () => {
  let folder: string;
  let records: PointRecord[];
  const find = (experiment: string, qps: number) => records.find((r) => r.experiment === experiment && r.load.qps === qps)!;
  beforeAll(() => {
    folder = unzipSample();
    records = readResults([folder]).records;
  });

  it("has one record per experiment and QPS: 6 experiments × 11 points", () => {
    expect(records).toHaveLength(66);
    expect([...new Set(records.map((r) => r.experiment))].sort()).toEqual(["aibrix_high_low", "aibrix_naive_7", "naive", "ps_naive", "ps_stack_high_low", "ps_stack_low_high"]);
    expect([...new Set(records.map((r) => r.load.qps))].sort((a, b) => Number(a) - Number(b))).toEqual([0.1, 0.5, 0.9, 1.3, 1.7, 2.1, 2.5, 2.9, 3.3, 3.7, 4.1]);
  });

  // Reference values: Python over the same CSVs (mean as plot.py computes it, numpy median/percentile).
  it.each([
    ["naive", 0.1, 11, 1890.6568397175183, 1890.9430503845215, 1900.6102085113525, 1903.8649082183838, 14.064299843528055, 93.33182454109192, 2495.429625909199],
    ["naive", 4.1, 455, 10909.433737953941, 8661.861658096313, 23417.042255401615, 30445.668826103192, 228.74324586889247, 133.91374492645264, 72026.4003168409],
    ["aibrix_high_low", 2.5, 188, 25484.08944936509, 26000.429153442383, 45946.62032127381, 54326.77826166153, 423.80483617173866, 157.14917755126953, 25329.58849690043],
    ["ps_stack_high_low", 4.1, 455, 2502.802258795434, 234.56096649169922, 7480.573272705079, 23416.083731651303, 63.79748598035875, 130.68800854682922, 73804.20826095768],
  ])("%s at QPS %s matches numpy", (experiment, qps, n, mean, median, p90, p99, itlMean, window, totalTps) => {
    const r = find(experiment as string, qps as number);
    expect(r.requests).toEqual({ completed: n, failed: null });
    expect(r.ttftMs.mean).toBeCloseTo(mean as number, 8);
    expect(r.ttftMs.median).toBeCloseTo(median as number, 8);
    expect(r.ttftMs.p90).toBeCloseTo(p90 as number, 8);
    expect(r.ttftMs.p99).toBeCloseTo(p99 as number, 8);
    expect(r.itlMs.mean).toBeCloseTo(itlMean as number, 8);
    expect(r.durationS).toBeCloseTo(window as number, 9);
    expect(r.throughput.totalTokensPerS).toBeCloseTo(totalTps as number, 6);
    expect(r.tpotMs).toEqual({ mean: null, median: null, p90: null, p99: null });
  });

  it("reads the zip itself the same way, skipping __MACOSX and listing the plot scripts as not read", () => {
    const fromZip = readResults([SAMPLE_ZIP]);
    expect(fromZip.records.map((r) => [r.experiment, r.load, r.ttftMs])).toEqual(records.map((r) => [r.experiment, r.load, r.ttftMs]));
    expect(fromZip.ignored.map((p) => p.slice(p.lastIndexOf("/") + 1)).sort()).toEqual(["plot.py", "plot_new.py"]);
    expect(fromZip.skipped).toEqual([]);
  });

  it("ITL is generation_time / generation_tokens per request, e2e is ttft + generation_time", () => {
    const csv = readFileSync(join(folder, "naive_output_0.1.csv"), "utf8");
    const rows = parseMrqaCsv(csv, "naive_output_0.1.csv");
    const r = find("naive", 0.1);
    expect(r.itlMs.median).toBeCloseTo(summarize(rows.map((x) => (x.generationTimeS / x.generationTokens) * 1000)).median!, 10);
    expect(r.e2eMs.mean).toBeCloseTo(summarize(rows.map((x) => (x.ttftS + x.generationTimeS) * 1000)).mean!, 10);
  });
});

describe("multi-round-qa edge cases", () => {
  it("an empty point (header only) has no latencies and no throughput, not zeros", () => {
    const r = point(`${HEADER}\n`, { launched: 4, completed: 0, failed: 4, cancelled: 0 });
    expect(r.requests).toEqual({ completed: 0, failed: 4, cancelled: 0 });
    expect(r.durationS).toBeNull();
    expect(r.throughput).toEqual({ requestsPerS: null, outputTokensPerS: null, totalTokensPerS: null });
    expect(r.ttftMs).toEqual({ mean: null, median: null, p90: null, p99: null });
    expect(r.itlMs.mean).toBeNull();
  });

  it("one request: every statistic is that request, the window is its own launch to finish", () => {
    const r = point(`${HEADER}\n1000,50,0.25,1.0,3,1,100.0,101.25\n`);
    expect(r.ttftMs).toEqual({ mean: 250, median: 250, p90: 250, p99: 250 });
    expect(r.itlMs).toEqual({ mean: 20, median: 20, p90: 20, p99: 20 });
    expect(r.durationS).toBe(1.25);
    expect(r.throughput).toEqual({ requestsPerS: 0.8, outputTokensPerS: 40, totalTokensPerS: 840 });
    expect(r.requests).toEqual({ completed: 1, failed: null });
  });

  it("failed and cancelled requests come from servelab's counts; a row count mismatch becomes a note", () => {
    const csv = `${HEADER}\n1000,10,0.5,0.2,1,1,10,10.7\n1000,0,0.5,0,2,1,11,11.5\n`;
    const r = point(csv, { launched: 7, completed: 3, failed: 2, cancelled: 2 });
    expect(r.requests).toEqual({ completed: 2, failed: 2, cancelled: 2 });
    expect(r.notes).toEqual(["the CSV has 2 rows but 3 requests completed"]);
    // The request that generated no token has no ITL.
    expect(r.itlMs).toEqual({ mean: 20, median: 20, p90: 20, p99: 20 });
  });

  it("a line cut short is an error naming the file and line", () => {
    const csv = `${HEADER}\n1000,10,0.5,0.2,1,1,10,10.7\n1000,10,0.5`;
    expect(() => parseMrqaCsv(csv, "x_output_1.csv")).toThrow(ParseError);
    expect(() => parseMrqaCsv(csv, "x_output_1.csv")).toThrow("x_output_1.csv:3: expected 8 columns, found 3 (truncated file?)");
  });

  it("a value that is not a number is an error naming the column", () => {
    expect(() => parseMrqaCsv(`${HEADER}\n1000,10,,0.2,1,1,10,10.7\n`, "f.csv")).toThrow('f.csv:2: column ttft: expected a number, found ""');
  });

  it("a CSV without multi-round-qa's columns is named as such", () => {
    expect(() => parseMrqaCsv("a,b\n1,2\n", "f.csv")).toThrow("f.csv:1: not a multi-round-qa CSV: the header lacks prompt_tokens, generation_tokens, ttft");
    expect(() => parseMrqaCsv("", "f.csv")).toThrow("f.csv:1: empty file");
  });

  it("counts must be the four request counts", () => {
    expect(parseMrqaCounts('{"launched": 5, "completed": 4, "failed": 1, "cancelled": 0}\n', "c.json")).toEqual({ launched: 5, completed: 4, failed: 1, cancelled: 0 });
    expect(() => parseMrqaCounts('{"launched": 5}', "c.json")).toThrow("c.json:1: expected the request counts");
    expect(() => parseMrqaCounts('{"launched": 5, "comp', "c.json")).toThrow("c.json:1: the JSON ends early (truncated file?)");
  });
});

describe("statistics", () => {
  it("percentiles interpolate linearly between ranks like numpy", () => {
    const v = [1, 2, 3, 4, 10];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 90)).toBeCloseTo(7.6, 12); // numpy.percentile([1,2,3,4,10], 90)
    expect(percentile(v, 99)).toBeCloseTo(9.76, 12);
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(summarize([])).toEqual({ mean: null, median: null, p90: null, p99: null });
  });
});
