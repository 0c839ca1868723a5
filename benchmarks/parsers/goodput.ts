/**
 * Goodput: the requests per second that met a service-level objective on both time to first token and time
 * per output token, counted per request the way vLLM's benchmark counts it (vllm/benchmarks/serve.py
 * calculate_metrics: a request is good when ttft <= SLO and tpot <= SLO, tpot = (latency - ttft) / (output
 * tokens - 1), 0 for a one-token answer; goodput = good requests / duration). Only completed requests count.
 */

export interface Slo {
  ttftMs: number;
  tpotMs: number;
}

export interface Goodput {
  /** The objectives, or null when the harness counted with objectives servelab was not told. */
  slo: Slo | null;
  /** Requests per second that met both objectives over the point's duration; null when that cannot be known. */
  requestsPerS: number | null;
  /** Completed requests that met both objectives (null when only the harness's rate is known). */
  met: number | null;
  /** "per-request": counted by servelab from each request's timings; "harness": the harness's own figure. */
  from: "per-request" | "harness" | null;
  /** Why requestsPerS is null, or how the per-request figures were taken. */
  note?: string;
}

export interface RequestTiming {
  ttftMs: number;
  /** (latency - ttft) / (output tokens - 1); 0 for an answer of one token. */
  tpotMs: number;
}

export function tpotMs(decodeSeconds: number, outputTokens: number): number {
  return outputTokens > 1 ? (decodeSeconds * 1000) / (outputTokens - 1) : 0;
}

export function countGoodput(requests: readonly RequestTiming[], slo: Slo, durationS: number | null, note?: string): Goodput {
  const met = requests.filter((r) => r.ttftMs <= slo.ttftMs && r.tpotMs <= slo.tpotMs).length;
  return {
    slo,
    met,
    requestsPerS: durationS !== null && durationS > 0 ? met / durationS : null,
    from: "per-request",
    ...(note ? { note } : {}),
  };
}

/** An SLO was set but the output holds no per-request timings: say so instead of estimating. */
export function goodputUnknown(slo: Slo, why: string): Goodput {
  return { slo, requestsPerS: null, met: null, from: null, note: why };
}
