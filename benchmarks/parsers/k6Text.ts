/**
 * k6's end-of-test text summary, as KubeAI publishes it:
 *
 *   scenarios: (100.00%) 1 scenario, 320 max VUs, 10m30s max duration (incl. graceful stop):
 *   ...
 *   http_req_duration..............: avg=3.67s    min=112.34ms med=3.65s ... p(90)=6.09s p(95)=6.56s
 *   http_req_failed................: 0.00%   0 out of 7341          (older k6: 0.00% ✓ 0 ✗ 7341)
 *   http_reqs......................: 7341    73.808399/s
 *   ...
 *   running (01m39.5s), 000/320 VUs, 1000 complete and 0 interrupted iterations
 */
import { TextBlock } from "./benchmarkServing";
import { K6Counter, K6Run, K6Trend, k6DurationMs, k6Record } from "./k6Metrics";
import { ParseError } from "./record";
import { TextContext, stripTimestamp } from "./textContext";

const METRIC = /^\s*(?:[✓✗]\s+)?([A-Za-z_][A-Za-z0-9_]*)\.{2,}:\s*(.*?)\s*$/;
const SUBMETRIC = /^\s*\{.*\}\.*:/;
const CHECK = /^\s*[✓✗↳]/;
const SCENARIOS = /scenarios:.*?(\d+) max VUs/;
const RUNNING = /running \(([\dhms.]+)\), \d+\/\d+ VUs, (\d+) complete and (\d+) interrupted iterations/;
const K6_BUILTINS = ["http_reqs", "http_req_duration", "iterations", "vus", "vus_max", "checks", "data_received"];

export function hasK6TextSummary(text: string): boolean {
  return /^\s*(?:[✓✗]\s+)?http_req_duration\.{2,}:/m.test(text);
}

function trend(values: string, source: string, line: number): K6Trend {
  const fields = Object.fromEntries([...values.matchAll(/([a-z]+|p\(\d+(?:\.\d+)?\))=(\S+)/g)].map((m) => [m[1], m[2]]));
  const ms = (key: string): number | null => {
    if (fields[key] === undefined) return null;
    const value = k6DurationMs(fields[key]);
    if (value === null) throw new ParseError(source, line, `${key}=${fields[key]}: expected a duration such as 3.65s or 112.34ms`);
    return value;
  };
  if (fields.avg === undefined) throw new ParseError(source, line, `expected avg=... med=... p(90)=..., found "${values}"`);
  return { avg: ms("avg"), med: ms("med"), p90: ms("p(90)"), p99: ms("p(99)") };
}

function counter(values: string, source: string, line: number): K6Counter {
  const m = /^(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\/s$/.exec(values);
  if (!m) throw new ParseError(source, line, `expected "<count> <rate>/s", found "${values}"`);
  return { count: Number(m[1]), rate: Number(m[2]) };
}

function failedCount(values: string, source: string, line: number): number {
  const m = /^[\d.]+%\s+(?:(\d+) out of \d+|✓\s*(\d+)\s+✗\s*\d+)/.exec(values);
  if (!m) throw new ParseError(source, line, `expected "<rate>% <n> out of <total>", found "${values}"`);
  return Number(m[1] ?? m[2]);
}

/** Every k6 summary in the text, in order; experiment left "" for the caller to name. */
export function parseK6Text(text: string, source: string): TextBlock[] {
  const lines = text.split(/\r?\n/).map(stripTimestamp);
  const context = new TextContext();
  const blocks: TextBlock[] = [];
  let maxVus: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const first = METRIC.exec(lines[i]);
    if (!first || !K6_BUILTINS.includes(first[1])) {
      context.see(lines[i]);
      const scenarios = SCENARIOS.exec(lines[i]);
      if (scenarios) maxVus = Number(scenarios[1]);
      continue;
    }
    const start = i + 1;
    const metrics = new Map<string, { values: string; line: number }>();
    for (; i < lines.length; i++) {
      const m = METRIC.exec(lines[i]);
      if (m) metrics.set(m[1], { values: m[2], line: i + 1 });
      else if (!(lines[i].trim() === "" || SUBMETRIC.test(lines[i]) || CHECK.test(lines[i]))) break;
    }
    const rest = lines.slice(i);
    if (!metrics.has("vus_max") && rest.every((l) => l.trim() === "")) {
      throw new ParseError(source, start, "the k6 summary stops before vus_max (truncated output?)");
    }
    const get = (name: string) => metrics.get(name);
    const reqs = get("http_reqs");
    const duration = get("http_req_duration");
    if (!reqs || !duration) throw new ParseError(source, start, "k6 summary without http_reqs or http_req_duration lines");
    const optional = <T>(name: string, read: (values: string, source: string, line: number) => T): T | null => {
      const m = get(name);
      return m ? read(m.values, source, m.line) : null;
    };
    const running = rest.slice(0, 12).map((l) => RUNNING.exec(l)).find((m) => m);
    const runMs = running ? k6DurationMs(running[1]) : null;
    const vusMaxLine = get("vus_max")?.values ?? "";
    const vusMax = /max=(\d+)/.exec(vusMaxLine)?.[1];
    const run: K6Run = {
      httpReqs: counter(reqs.values, source, reqs.line),
      failedRequests: optional("http_req_failed", failedCount),
      httpReqDuration: trend(duration.values, source, duration.line),
      timePerToken: optional("time_per_token", trend),
      newTokens: optional("new_tokens", counter),
      tokens: optional("tokens", counter),
      maxVus: maxVus ?? (vusMax !== undefined ? Number(vusMax) : null),
      durationS: runMs !== null ? runMs / 1000 : null,
      interruptedIterations: running ? Number(running[3]) : null,
      droppedIterations: optional("dropped_iterations", counter)?.count ?? null,
    };
    blocks.push({ line: start, heading: context.heading, record: k6Record(run, `${source}:${start}`) });
    maxVus = null;
    i--;
  }
  return blocks;
}
