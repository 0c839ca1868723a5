/**
 * k6 results (KubeAI's multi-turn chat benchmark) as one load point, whether read from the end-of-test
 * text summary or from `--summary-export` JSON. k6 cannot see tokens stream, so there is no TTFT or ITL:
 * e2e is http_req_duration, and tpotMs carries KubeAI's `time_per_token` Trend (request duration divided by
 * completion tokens, first token included), the number KubeAI publishes.
 */
import { Latency, PointRecord, noLatency } from "./record";

export interface K6Trend {
  avg: number | null;
  med: number | null;
  p90: number | null;
  p99: number | null;
}

export interface K6Counter {
  count: number;
  rate: number;
}

export interface K6Run {
  httpReqs: K6Counter;
  /** Requests k6 counted as failed (http_req_failed's true values). */
  failedRequests: number | null;
  /** In ms. */
  httpReqDuration: K6Trend;
  timePerToken: K6Trend | null;
  newTokens: K6Counter | null;
  tokens: K6Counter | null;
  maxVus: number | null;
  durationS: number | null;
  interruptedIterations: number | null;
  droppedIterations: number | null;
}

const latency = (t: K6Trend | null): Latency => (t ? { mean: t.avg, median: t.med, p90: t.p90, p99: t.p99 } : noLatency());

export function k6Record(run: K6Run, source: string): PointRecord {
  const failed = run.failedRequests;
  const notes: string[] = [];
  if (run.interruptedIterations) notes.push(`${run.interruptedIterations} iterations interrupted at the time limit`);
  if (run.droppedIterations) notes.push(`${run.droppedIterations} iterations dropped`);
  const completed = run.httpReqs.count - (failed ?? 0);
  return {
    experiment: "",
    harness: "k6",
    load: run.maxVus !== null ? { vus: run.maxVus } : {},
    requests: { completed, failed },
    durationS: run.durationS ?? (run.httpReqs.rate > 0 ? run.httpReqs.count / run.httpReqs.rate : null),
    throughput: {
      requestsPerS: run.httpReqs.rate,
      outputTokensPerS: run.newTokens?.rate ?? null,
      totalTokensPerS: run.tokens?.rate ?? null,
    },
    ttftMs: noLatency(),
    tpotMs: latency(run.timePerToken),
    itlMs: noLatency(),
    e2eMs: completed > 0 ? latency(run.httpReqDuration) : noLatency(),
    source,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** "4.03s" → 4030, "3m49s" → 229000, "75.82µs" → 0.07582: decimal shifts, so printed digits survive exactly. */
export function k6DurationMs(text: string): number | null {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)];
  if (parts.length === 0) {
    return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : null;
  }
  if (parts.map((p) => p[0]).join("") !== text) return null;
  const exponent: Record<string, number> = { ns: -6, us: -3, µs: -3, μs: -3, ms: 0, s: 3 };
  let total = 0;
  for (const [, digits, unit] of parts) {
    if (unit === "m") total += Number(digits) * 60_000;
    else if (unit === "h") total += Number(digits) * 3_600_000;
    else total += Number(`${digits}e${exponent[unit]}`);
  }
  return total;
}
