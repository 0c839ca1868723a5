/**
 * The JSON `vllm bench serve --save-result` writes (and benchmark_serving.py before it). Older copies,
 * KubeAI's among them, lack `failed` and spell one key `"request_goodput:"`; both read the same here.
 * Latencies are `<mean|median|p90|p99>_<ttft|tpot|itl|e2el>_ms`; p90 exists only with --metric-percentiles 90.
 */
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
    source,
  };
}

export function parseVllmBenchResult(text: string, source: string, meta: VllmBenchMeta): PointRecord {
  return vllmBenchRecordFromValue(parseJsonText(text, source), source, meta);
}
