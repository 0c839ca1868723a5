/**
 * k6's machine-readable summary: `k6 run --summary-export <file>` (metrics.<name>.{avg, med, p(90), count,
 * rate, passes, ...}, times in ms) and the `handleSummary` data object (the same under metrics.<name>.values).
 * For http_req_failed, `passes` counts the true values, i.e. the failed requests (grafana/k6#2306).
 */
import { isRecord, parseJsonText } from "./jsonText";
import { K6Counter, K6Run, K6Trend, k6Record } from "./k6Metrics";
import { ParseError, PointRecord } from "./record";

export function looksLikeK6Summary(value: unknown): value is Record<string, unknown> & { metrics: Record<string, unknown> } {
  return isRecord(value) && isRecord(value.metrics) && ("http_reqs" in value.metrics || "http_req_duration" in value.metrics);
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function k6RecordFromValue(summary: unknown, source: string): PointRecord {
  if (!looksLikeK6Summary(summary)) throw new ParseError(source, null, "not a k6 summary: expected metrics.http_reqs and metrics.http_req_duration");
  const metric = (name: string): Record<string, unknown> | null => {
    const m = summary.metrics[name];
    if (!isRecord(m)) return null;
    return isRecord(m.values) ? m.values : m;
  };
  const trend = (name: string): K6Trend | null => {
    const m = metric(name);
    return m ? { avg: num(m.avg), med: num(m.med), p90: num(m["p(90)"]), p99: num(m["p(99)"]) } : null;
  };
  const counter = (name: string): K6Counter | null => {
    const m = metric(name);
    const count = m ? num(m.count) : null;
    const rate = m ? num(m.rate) : null;
    return count !== null && rate !== null ? { count, rate } : null;
  };
  const httpReqs = counter("http_reqs");
  const duration = trend("http_req_duration");
  if (!httpReqs) throw new ParseError(source, null, "k6 summary without metrics.http_reqs {count, rate}");
  if (!duration) throw new ParseError(source, null, "k6 summary without metrics.http_req_duration");
  const failed = metric("http_req_failed");
  const vusMax = metric("vus_max");
  const state = isRecord(summary.state) ? summary.state : {};
  const runMs = num(state.testRunDurationMs);
  const run: K6Run = {
    httpReqs,
    failedRequests: failed ? num(failed.passes) : null,
    httpReqDuration: duration,
    timePerToken: trend("time_per_token"),
    newTokens: counter("new_tokens"),
    tokens: counter("tokens"),
    maxVus: vusMax ? (num(vusMax.max) ?? num(vusMax.value)) : null,
    durationS: runMs !== null ? runMs / 1000 : null,
    interruptedIterations: null,
    droppedIterations: counter("dropped_iterations")?.count ?? null,
  };
  return k6Record(run, source);
}

export function parseK6Summary(text: string, source: string): PointRecord {
  return k6RecordFromValue(parseJsonText(text, source), source);
}
