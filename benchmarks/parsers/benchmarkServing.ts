/**
 * The summary block vLLM's benchmark_serving.py / `vllm bench serve` prints to stdout (KubeAI's
 * chat-py build only prints this block):
 *
 *   ============ Serving Benchmark Result ============
 *   Successful requests:                     8000
 *   Benchmark duration (s):                  153.02
 *   ...
 *   ---------------Time to First Token----------------
 *   Mean TTFT (ms):                          10579.01
 *   ...
 *   ==================================================
 *
 * Found anywhere in a log or a Markdown write-up, indented or timestamped. Numbers are kept as printed.
 */
import { Latency, ParseError, PointRecord, noLatency } from "./record";
import { TextContext, stripTimestamp } from "./textContext";

const HEADER = /^(.*?)=+\s*Serving Benchmark Result\s*=+\s*$/;
const VALUE = /^(.+?):\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|nan)$/i;
const LATENCY = /^(mean|median|p(\d+(?:\.\d+)?)) (ttft|tpot|itl|e2el) \(ms\)$/;

const METRIC_FIELD = { ttft: "ttftMs", tpot: "tpotMs", itl: "itlMs", e2el: "e2eMs" } as const;

export interface TextBlock {
  /** 1-based line of the block's first line. */
  line: number;
  /** The Markdown heading the block sits under, if any. */
  heading: string | null;
  /** Experiment left as "" for the caller to name (file name, heading). */
  record: PointRecord;
}

export function hasBenchmarkServingBlock(text: string): boolean {
  return /=+\s*Serving Benchmark Result\s*=+/.test(text);
}

function blockRecord(values: Map<string, number | null>, start: number, source: string, context: TextContext): PointRecord {
  const get = (label: string) => values.get(label) ?? null;
  const completed = get("successful requests");
  const duration = get("benchmark duration (s)");
  if (completed === null) throw new ParseError(source, start, 'the result block has no "Successful requests:" line');
  if (duration === null) throw new ParseError(source, start, 'the result block has no "Benchmark duration (s):" line');
  const latencies: Record<(typeof METRIC_FIELD)[keyof typeof METRIC_FIELD], Latency> = { ttftMs: noLatency(), tpotMs: noLatency(), itlMs: noLatency(), e2eMs: noLatency() };
  if (completed > 0) {
    for (const [label, value] of values) {
      const m = LATENCY.exec(label);
      if (!m) continue;
      const stat = m[1] === "mean" || m[1] === "median" ? m[1] : m[2] === "90" ? "p90" : m[2] === "99" ? "p99" : null;
      if (stat) latencies[METRIC_FIELD[m[3] as keyof typeof METRIC_FIELD]][stat] = value;
    }
  }
  const load = context.load();
  const concurrency = get("maximum request concurrency");
  const rate = get("request rate configured (rps)");
  if (concurrency !== null) load.maxConcurrency = concurrency;
  if (rate !== null) load.requestRate = Number.isFinite(rate) ? rate : "inf";
  return {
    experiment: "",
    harness: "benchmark-serving",
    load,
    requests: { completed, failed: get("failed requests") },
    durationS: duration,
    throughput: {
      requestsPerS: get("request throughput (req/s)"),
      outputTokensPerS: get("output token throughput (tok/s)"),
      totalTokensPerS: get("total token throughput (tok/s)"),
    },
    ...latencies,
    // Printed only when the run was given --goodput (servelab passes benchmark.slo); the script counts it per request.
    ...(values.has("request goodput (req/s)") ? { goodput: { slo: null, requestsPerS: get("request goodput (req/s)"), met: null, from: "harness" as const } } : {}),
    source: `${source}:${start}`,
  };
}

/** Every result block in the text, in order. A block that does not end with its ===== line is an error. */
export function parseBenchmarkServingText(text: string, source: string): TextBlock[] {
  const lines = text.split(/\r?\n/);
  const context = new TextContext();
  const blocks: TextBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = HEADER.exec(stripTimestamp(lines[i]));
    if (!header) {
      context.see(lines[i]);
      continue;
    }
    const start = i + 1;
    const prefix = header[1].trim();
    const values = new Map<string, number | null>();
    let closed = false;
    for (i++; i < lines.length; i++) {
      let content = stripTimestamp(lines[i]).trim();
      if (prefix && content.startsWith(prefix)) content = content.slice(prefix.length).trim();
      if (/^=+$/.test(content)) {
        closed = true;
        break;
      }
      if (content === "" || /^-+.*-+$/.test(content)) continue;
      const kv = VALUE.exec(content);
      if (!kv) {
        throw new ParseError(source, i + 1, `expected "<metric>: <number>" or the closing ===== line of the result block that starts at line ${start}, found "${content.slice(0, 80)}"`);
      }
      const value = /^nan$/i.test(kv[2]) ? null : /^inf$/i.test(kv[2]) ? Infinity : Number(kv[2]);
      values.set(kv[1].trim().toLowerCase().replace(/\s+/g, " "), value);
    }
    if (!closed) throw new ParseError(source, start, "the result block has no closing ===== line (truncated output?)");
    blocks.push({ line: start, heading: context.heading, record: blockRecord(values, start, source, context) });
  }
  return blocks;
}
