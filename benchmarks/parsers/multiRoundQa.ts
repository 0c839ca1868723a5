/**
 * production-stack's multi-round-qa output: one CSV per load point, one row per completed request
 * (prompt_tokens, generation_tokens, ttft, generation_time, user_id, question_id, launch_time, finish_time;
 * times in seconds, launch/finish as epoch seconds). The script only prints means, so percentiles are ours.
 * ITL is generation_time / generation_tokens per request (LMBenchmark's definition), over requests that
 * generated tokens. Failed requests never reach the CSV; servelab's Job counts them in a counts JSON.
 */
import { Slo, countGoodput, tpotMs } from "./goodput";
import { isRecord, parseJsonText } from "./jsonText";
import { Load, ParseError, PointRecord, noLatency } from "./record";
import { summarize } from "./stats";

export const MRQA_COLUMNS = ["prompt_tokens", "generation_tokens", "ttft", "generation_time", "launch_time", "finish_time"] as const;
type Column = (typeof MRQA_COLUMNS)[number];

export interface MrqaRow {
  promptTokens: number;
  generationTokens: number;
  ttftS: number;
  generationTimeS: number;
  launchTime: number;
  finishTime: number;
}

/** What servelab's mrqa_counted.py wrapper saw: every request the script launched and how it ended. */
export interface MrqaCounts {
  launched: number;
  completed: number;
  failed: number;
  cancelled: number;
}

const cells = (line: string) => line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));

/** True when the first line is a multi-round-qa header (used to recognise the format). */
export function hasMrqaHeader(text: string): boolean {
  const header = cells(text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0]);
  return MRQA_COLUMNS.every((c) => header.includes(c));
}

export function parseMrqaCsv(text: string, source: string): MrqaRow[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new ParseError(source, 1, `empty file; expected the multi-round-qa header (${MRQA_COLUMNS.join(", ")}, ...)`);
  const header = cells(lines[0]);
  const missing = MRQA_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new ParseError(source, 1, `not a multi-round-qa CSV: the header lacks ${missing.join(", ")} (expected ${MRQA_COLUMNS.join(", ")}, ...)`);
  }
  const index = Object.fromEntries(MRQA_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
  const rows: MrqaRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const row = cells(lines[i]);
    if (row.length !== header.length) {
      throw new ParseError(source, line, `expected ${header.length} columns, found ${row.length}${i === lines.length - 1 ? " (truncated file?)" : ""}`);
    }
    const num = (c: Column): number => {
      const raw = row[index[c]];
      const value = raw === "" ? NaN : Number(raw);
      if (!Number.isFinite(value)) throw new ParseError(source, line, `column ${c}: expected a number, found "${raw}"`);
      return value;
    };
    const r: MrqaRow = {
      promptTokens: num("prompt_tokens"),
      generationTokens: num("generation_tokens"),
      ttftS: num("ttft"),
      generationTimeS: num("generation_time"),
      launchTime: num("launch_time"),
      finishTime: num("finish_time"),
    };
    if (r.finishTime < r.launchTime) throw new ParseError(source, line, `finish_time ${r.finishTime} is before launch_time ${r.launchTime}`);
    rows.push(r);
  }
  return rows;
}

export function parseMrqaCounts(text: string, source: string): MrqaCounts {
  const value = parseJsonText(text, source);
  const keys = ["launched", "completed", "failed", "cancelled"] as const;
  if (!isRecord(value) || keys.some((k) => !Number.isInteger(value[k]) || (value[k] as number) < 0)) {
    throw new ParseError(source, 1, `expected the request counts {"launched": n, "completed": n, "failed": n, "cancelled": n}`);
  }
  return { launched: value.launched as number, completed: value.completed as number, failed: value.failed as number, cancelled: value.cancelled as number };
}

export interface MrqaPointMeta {
  experiment: string;
  load: Load;
  source: string;
  harness?: string;
  counts?: MrqaCounts;
  /** Counts the rows that met it (goodput). */
  slo?: Slo;
}

/** One load point from its CSV rows: latencies from the rows, throughput over the wall window of the point. */
export function mrqaRecord(rows: readonly MrqaRow[], meta: MrqaPointMeta): PointRecord {
  const notes: string[] = [];
  let window: number | null = null;
  if (rows.length > 0) {
    const start = Math.min(...rows.map((r) => r.launchTime));
    const end = Math.max(...rows.map((r) => r.finishTime));
    window = end - start;
  }
  const perSecond = (total: number) => (window !== null && window > 0 ? total / window : null);
  const sum = (f: (r: MrqaRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  const generating = rows.filter((r) => r.generationTokens > 0);
  const { counts } = meta;
  if (counts && counts.completed !== rows.length) {
    notes.push(`the CSV has ${rows.length} rows but ${counts.completed} requests completed`);
  }
  return {
    experiment: meta.experiment,
    harness: meta.harness ?? "multi-round-qa",
    load: meta.load,
    requests: counts ? { completed: rows.length, failed: counts.failed, cancelled: counts.cancelled } : { completed: rows.length, failed: null },
    durationS: window,
    throughput: {
      requestsPerS: perSecond(rows.length),
      outputTokensPerS: perSecond(sum((r) => r.generationTokens)),
      totalTokensPerS: perSecond(sum((r) => r.promptTokens + r.generationTokens)),
    },
    ttftMs: summarize(rows.map((r) => r.ttftS), 1000),
    tpotMs: noLatency(),
    itlMs: summarize(generating.map((r) => r.generationTimeS / r.generationTokens), 1000),
    e2eMs: summarize(rows.map((r) => r.ttftS + r.generationTimeS), 1000),
    ...(meta.slo
      ? {
          goodput: countGoodput(
            rows.map((r) => ({ ttftMs: r.ttftS * 1000, tpotMs: tpotMs(r.generationTimeS, r.generationTokens) })),
            meta.slo,
            window,
            "from each CSV row: TTFT, and generation_time / (generation_tokens - 1) as TPOT, over the point's wall window",
          ),
        }
      : {}),
    source: meta.source,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
