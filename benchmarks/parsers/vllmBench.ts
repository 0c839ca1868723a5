/**
 * The JSON `vllm bench serve --save-result` writes (and benchmark_serving.py before it). Older copies,
 * KubeAI's among them, lack `failed` and spell one key `"request_goodput:"`; both read the same here.
 * Latencies are `<mean|median|p90|p99>_<ttft|tpot|itl|e2el>_ms`; p90 exists only with --metric-percentiles 90.
 */
import { Goodput, RequestTiming, Slo, countGoodput, goodputUnknown, tpotMs } from "./goodput";
import { isRecord, parseJsonText } from "./jsonText";
import { Latency, Load, ParseError, PointRecord, noLatency } from "./record";

export function looksLikeVllmBenchResult(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && "completed" in value && "duration" in value && ("mean_ttft_ms" in value || "request_throughput" in value);
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function latency(result: Record<string, unknown>, metric: string): Latency {
  return {
    mean: num(result[`mean_${metric}_ms`]),
    median: num(result[`median_${metric}_ms`]),
    p90: num(result[`p90_${metric}_ms`]),
    p99: num(result[`p99_${metric}_ms`]),
  };
}

/** The point as the result describes it: request rate ("inf" when unbounded) and max concurrency when set. */
export function vllmResultLoad(result: Record<string, unknown>): Load {
  const load: Load = {};
  const rate = result.request_rate;
  if (typeof rate === "number" || typeof rate === "string") load.requestRate = rate;
  if (typeof result.max_concurrency === "number") load.maxConcurrency = result.max_concurrency;
  return load;
}

export interface VllmBenchMeta {
  /** Falls back to the result's `label`, then to `fallbackExperiment`. */
  experiment?: string;
  fallbackExperiment: string;
  load?: Load;
  harness?: string;
  /** Counts the requests that met it from the per-request lists `--save-detailed` keeps (goodput). */
  slo?: Slo;
}

/**
 * Per-request timings from a `--save-detailed` result: ttfts (s), itls (lists of s), output_lens and errors
 * (vllm/benchmarks/serve.py, kept with --save-detailed). The saved result has no per-request latency, so
 * latency - ttft is the sum of the request's inter-token gaps. null when the lists are missing or uneven.
 */
export function vllmRequestTimings(result: Record<string, unknown>): RequestTiming[] | null {
  const { ttfts, itls, output_lens: lens, errors } = result;
  if (!Array.isArray(ttfts) || !Array.isArray(itls) || !Array.isArray(lens)) return null;
  const n = ttfts.length;
  if (itls.length !== n || lens.length !== n || (Array.isArray(errors) && errors.length !== n)) return null;
  const out: RequestTiming[] = [];
  for (let i = 0; i < n; i++) {
    const error = Array.isArray(errors) ? errors[i] : "";
    if (typeof error === "string" && error !== "") continue;
    const ttft = ttfts[i];
    const gaps = itls[i];
    const len = lens[i];
    if (typeof ttft !== "number" || typeof len !== "number" || !Array.isArray(gaps) || !gaps.every((g) => typeof g === "number")) return null;
    const decode = (gaps as number[]).reduce((a, g) => a + g, 0);
    out.push({ ttftMs: ttft * 1000, tpotMs: tpotMs(decode, len) });
  }
  return out;
}

function vllmGoodput(result: Record<string, unknown>, slo: Slo, duration: number): Goodput {
  const timings = vllmRequestTimings(result);
  if (timings === null) return goodputUnknown(slo, "the result has no per-request lists (a run without --save-detailed): requests meeting the SLO cannot be counted");
  return countGoodput(timings, slo, duration, "from the --save-detailed per-request lists: TTFT, and the sum of the inter-token gaps / (output tokens - 1) as TPOT");
}

export function vllmBenchRecordFromValue(result: unknown, source: string, meta: VllmBenchMeta): PointRecord {
  if (!looksLikeVllmBenchResult(result)) {
    throw new ParseError(source, null, "not a vllm bench result: expected the keys completed, duration, request_throughput, mean_ttft_ms, ...");
  }
  const completed = num(result.completed);
  const duration = num(result.duration);
  if (completed === null || !Number.isInteger(completed) || completed < 0) throw new ParseError(source, null, `"completed" must be a request count, found ${JSON.stringify(result.completed)}`);
  if (duration === null) throw new ParseError(source, null, `"duration" must be seconds, found ${JSON.stringify(result.duration)}`);
  const numPrompts = num(result.num_prompts);
  const failed = num(result.failed) ?? (numPrompts !== null ? numPrompts - completed : null);
  const label = typeof result.label === "string" && result.label !== "" ? result.label : undefined;
  // With nothing completed, vLLM reports its latency means as 0 (np.mean of [0]); there is no latency to report.
  const measured = completed > 0;
  const lat = (metric: string) => (measured ? latency(result, metric) : noLatency());
  return {
    experiment: meta.experiment ?? label ?? meta.fallbackExperiment,
    harness: meta.harness ?? "vllm-bench",
    load: meta.load ?? vllmResultLoad(result),
    requests: { completed, failed },
    durationS: duration,
    throughput: {
      requestsPerS: num(result.request_throughput),
      outputTokensPerS: num(result.output_throughput),
      totalTokensPerS: num(result.total_token_throughput),
    },
    ttftMs: lat("ttft"),
    tpotMs: lat("tpot"),
    itlMs: lat("itl"),
    e2eMs: lat("e2el"),
    ...(meta.slo ? { goodput: vllmGoodput(result, meta.slo, duration) } : {}),
    source,
  };
}

export function parseVllmBenchResult(text: string, source: string, meta: VllmBenchMeta): PointRecord {
  return vllmBenchRecordFromValue(parseJsonText(text, source), source, meta);
}
