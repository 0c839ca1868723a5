/** `vllm bench serve --save-result` JSON, the older KubeAI/benchmark_serving variant, and broken files. */
import { describe, expect, it } from "vitest";
import { ParseError } from "../benchmarks/parsers/record";
import { parseVllmBenchResult } from "../benchmarks/parsers/vllmBench";

const meta = { fallbackExperiment: "folder" };

/** Keys as vllm bench serve (v0.10+) writes them with --percentile-metrics ttft,tpot,itl,e2el --metric-percentiles 90,99. */
const current = {
  date: "20250601-101500",
  endpoint_type: "openai-chat",
  backend: "openai-chat",
  label: null,
  model_id: "llama3-1-8b",
  tokenizer_id: "meta-llama/Llama-3.1-8B-Instruct",
  num_prompts: 1000,
  request_rate: 12.0,
  burstiness: 1.0,
  max_concurrency: 64,
  duration: 142.65,
  completed: 998,
  failed: 2,
  total_input_tokens: 221844,
  total_output_tokens: 184511,
  request_throughput: 7.01,
  request_goodput: null,
  output_throughput: 1293.45,
  total_token_throughput: 2848.6,
  max_output_tokens_per_s: 1520.0,
  max_concurrent_requests: 64,
  mean_ttft_ms: 2768.57,
  median_ttft_ms: 870.16,
  std_ttft_ms: 3000.1,
  p90_ttft_ms: 8000.5,
  p99_ttft_ms: 10724.08,
  mean_tpot_ms: 147.65,
  median_tpot_ms: 148.96,
  std_tpot_ms: 20.0,
  p90_tpot_ms: 200.1,
  p99_tpot_ms: 276.89,
  mean_itl_ms: 1279.56,
  median_itl_ms: 1343.86,
  std_itl_ms: 100.0,
  p90_itl_ms: 2000.2,
  p99_itl_ms: 2669.44,
  mean_e2el_ms: 30000.5,
  median_e2el_ms: 29000.25,
  std_e2el_ms: 1000.0,
  p90_e2el_ms: 40000.75,
  p99_e2el_ms: 50000.125,
};

describe("vllm bench serve result JSON", () => {
  it("maps every key of the current format", () => {
    const r = parseVllmBenchResult(JSON.stringify(current, null, 2), "exp_rate-12_conc-64.json", { ...meta, experiment: "exp" });
    expect(r).toEqual({
      experiment: "exp",
      harness: "vllm-bench",
      load: { requestRate: 12, maxConcurrency: 64 },
      requests: { completed: 998, failed: 2 },
      durationS: 142.65,
      throughput: { requestsPerS: 7.01, outputTokensPerS: 1293.45, totalTokensPerS: 2848.6 },
      ttftMs: { mean: 2768.57, median: 870.16, p90: 8000.5, p99: 10724.08 },
      tpotMs: { mean: 147.65, median: 148.96, p90: 200.1, p99: 276.89 },
      itlMs: { mean: 1279.56, median: 1343.86, p90: 2000.2, p99: 2669.44 },
      e2eMs: { mean: 30000.5, median: 29000.25, p90: 40000.75, p99: 50000.125 },
      source: "exp_rate-12_conc-64.json",
    });
  });

  it('reads the older KubeAI variant: "request_goodput:", no failed (derived from num_prompts), no p90 or e2el', () => {
    const old = `{"date": "20250530-203806", "backend": "vllm", "model_id": "llama-3.1-8b-instruct-fp8-l4", "tokenizer_id": "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8", "best_of": 1, "num_prompts": 8000, "request_rate": 800.0, "burstiness": 1.0, "max_concurrency": 800, "duration": 159.98, "completed": 7990, "total_input_tokens": 6656338, "total_output_tokens": 608447, "request_throughput": 50.01, "request_goodput:": null, "output_throughput": 3803.2, "total_token_throughput": 45409.81, "input_lens": [1, 2], "output_lens": [3, 4], "ttfts": [0.1, 0.2], "itls": [[], []], "generated_texts": ["", ""], "errors": ["", ""], "mean_ttft_ms": 1319.77, "median_ttft_ms": 601.29, "std_ttft_ms": 1.0, "p99_ttft_ms": 7438.41, "mean_tpot_ms": 189.29, "median_tpot_ms": 184.76, "std_tpot_ms": 2.0, "p99_tpot_ms": 486.16, "mean_itl_ms": 173.06, "median_itl_ms": 94.6, "std_itl_ms": 3.0, "p99_itl_ms": 715.66}`;
    const r = parseVllmBenchResult(old, "k8s_rr.json", meta);
    expect(r.experiment).toBe("folder");
    expect(r.load).toEqual({ requestRate: 800, maxConcurrency: 800 });
    expect(r.requests).toEqual({ completed: 7990, failed: 10 });
    expect(r.ttftMs).toEqual({ mean: 1319.77, median: 601.29, p90: null, p99: 7438.41 });
    expect(r.e2eMs).toEqual({ mean: null, median: null, p90: null, p99: null });
    expect(r.throughput.totalTokensPerS).toBe(45409.81);
  });

  it("takes the label as the experiment, and Python's Infinity / NaN as an unbounded rate and a missing value", () => {
    const text = JSON.stringify({ ...current, label: "aibrix_prefix", max_concurrency: null }).replace('"request_rate":12', '"request_rate":Infinity').replace('"std_ttft_ms":3000.1', '"std_ttft_ms":NaN').replace('"p90_ttft_ms":8000.5', '"p90_ttft_ms":NaN');
    const r = parseVllmBenchResult(text, "r.json", meta);
    expect(r.experiment).toBe("aibrix_prefix");
    expect(r.load).toEqual({ requestRate: "inf" });
    expect(r.ttftMs.p90).toBeNull();
  });

  it("reports no latency, rather than vLLM's zeros, when nothing completed", () => {
    const r = parseVllmBenchResult(JSON.stringify({ ...current, completed: 0, failed: 1000, mean_ttft_ms: 0, median_ttft_ms: 0, p99_ttft_ms: 0 }), "r.json", meta);
    expect(r.requests).toEqual({ completed: 0, failed: 1000 });
    expect(r.ttftMs).toEqual({ mean: null, median: null, p90: null, p99: null });
  });

  it("names the file and the line where a truncated result ends", () => {
    const text = JSON.stringify(current, null, 2);
    const cut = text.slice(0, text.indexOf('"mean_itl_ms"'));
    const line = cut.split("\n").length;
    expect(() => parseVllmBenchResult(cut, "exp_rate-12.json", meta)).toThrow(ParseError);
    expect(() => parseVllmBenchResult(cut, "exp_rate-12.json", meta)).toThrow(`exp_rate-12.json:${line}: the JSON ends early (truncated file?)`);
  });

  it("names the line of a syntax error", () => {
    expect(() => parseVllmBenchResult('{\n "completed": 5,\n "duration": 1.0,,\n}', "r.json", meta)).toThrow("r.json:3: invalid JSON");
  });

  it("rejects JSON that is not a result, and results without counts", () => {
    expect(() => parseVllmBenchResult('{"hello": 1}', "r.json", meta)).toThrow("r.json: not a vllm bench result");
    expect(() => parseVllmBenchResult('{"completed": "many", "duration": 1, "request_throughput": 1}', "r.json", meta)).toThrow('r.json: "completed" must be a request count, found "many"');
  });
});
