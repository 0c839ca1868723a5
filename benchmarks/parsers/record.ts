/**
 * The normalized result of one load point (benchmarks/README.md), whatever harness produced it.
 * A statistic the harness does not report is null, never zero.
 */
import type { PointEvidence } from "../evidence/types";
import type { Goodput } from "./goodput";

export interface Latency {
  mean: number | null;
  median: number | null;
  p90: number | null;
  p99: number | null;
}

/** Describes the load of a point, e.g. `{ qps: 0.5 }` or `{ maxConcurrency: 800, requestRate: 800 }`. */
export type Load = Record<string, number | string>;

export interface PointRecord {
  experiment: string;
  /** The harness (the manifest's name when known, else the output format: multi-round-qa, vllm-bench, benchmark-serving, k6). */
  harness: string;
  load: Load;
  requests: {
    completed: number;
    /** null when the harness cannot tell (multi-round-qa's CSV alone drops failed requests). */
    failed: number | null;
    /** multi-round-qa only: requests still in flight when the point's time ran out. */
    cancelled?: number;
  };
  durationS: number | null;
  throughput: {
    requestsPerS: number | null;
    outputTokensPerS: number | null;
    totalTokensPerS: number | null;
  };
  ttftMs: Latency;
  tpotMs: Latency;
  itlMs: Latency;
  e2eMs: Latency;
  /** With a service-level objective (benchmark.slo, or the report's --slo-ttft-ms/--slo-tpot-ms): the requests that met it. */
  goodput?: Goodput;
  /** With benchmark.repeats: which run of the sweep (1-based); absent for a single run. */
  repeat?: number;
  /** Where the numbers came from: "file" or "file:line". */
  source: string;
  /** Facts a reader of the table should know (interrupted iterations, count mismatches, ...). */
  notes?: string[];
  /** What the engines and routers showed during the point (run folders whose Job scraped /metrics). */
  evidence?: PointEvidence;
}

export const NO_LATENCY: Latency = Object.freeze({ mean: null, median: null, p90: null, p99: null });

export function noLatency(): Latency {
  return { ...NO_LATENCY };
}

/** Bad or unknown harness output. The message always starts with the file, and the line when there is one. */
export class ParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ""}: ${detail}`);
    this.name = "ParseError";
  }
}
