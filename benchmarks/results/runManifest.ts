/**
 * manifest.json, written by the benchmark Job next to its raw results (benchmarks/scripts/servelab_common.py
 * finish): which experiment and harness, the load points in run order, and what failed.
 */
import { isRecord, parseJsonText } from "../parsers/jsonText";
import { Load, ParseError } from "../parsers/record";

export const MANIFEST_FILE = "manifest.json";

export interface RunManifest {
  experiment: string;
  harness: string;
  points: Load[];
  startedAt: string | null;
  finishedAt: string | null;
  failures: string[];
  /** Lost requests per point, in the order of `points` (null where the Job could not tell); older manifests have none. */
  failedRequests: Array<number | null> | null;
  /** benchmark.maxFailedRequests of the run (0 when the manifest predates it). */
  maxFailedRequests: number;
  /** benchmark.repeats: runs of the whole sweep (1 when absent); `points` and `failedRequests` are the first repeat's. */
  repeats: number;
  /** With repeats: lost requests per point, one list per repeat. */
  repeatFailedRequests: Array<Array<number | null>> | null;
}

const isLoad = (p: unknown): p is Load => isRecord(p) && Object.values(p).every((v) => typeof v === "number" || typeof v === "string");

export function parseRunManifest(text: string, source: string): RunManifest {
  const value = parseJsonText(text, source);
  const expected = 'expected {"experiment": "<stack>", "harness": "<harness>", "points": [{...}, ...], "startedAt": "...", "finishedAt": "..."}';
  if (!isRecord(value)) throw new ParseError(source, 1, expected);
  const { experiment, harness, points, startedAt, finishedAt, failures, failedRequests, maxFailedRequests, repeats, repeatFailedRequests } = value;
  if (typeof experiment !== "string" || experiment === "") throw new ParseError(source, null, `"experiment" must be the stack name; ${expected}`);
  if (typeof harness !== "string" || harness === "") throw new ParseError(source, null, `"harness" must be a harness name; ${expected}`);
  if (!Array.isArray(points) || !points.every(isLoad)) throw new ParseError(source, null, `"points" must be a list of load objects; ${expected}`);
  if (failures !== undefined && !(Array.isArray(failures) && failures.every((f) => typeof f === "string"))) {
    throw new ParseError(source, null, '"failures" must be a list of messages');
  }
  const isCount = (v: unknown) => v === null || (typeof v === "number" && Number.isInteger(v) && v >= 0);
  if (failedRequests !== undefined && !(Array.isArray(failedRequests) && failedRequests.length === points.length && failedRequests.every(isCount))) {
    throw new ParseError(source, null, '"failedRequests" must list one count (or null) for each point');
  }
  if (maxFailedRequests !== undefined && !(typeof maxFailedRequests === "number" && isCount(maxFailedRequests))) {
    throw new ParseError(source, null, '"maxFailedRequests" must be a count');
  }
  if (repeats !== undefined && !(typeof repeats === "number" && Number.isInteger(repeats) && repeats >= 1)) {
    throw new ParseError(source, null, '"repeats" must be a whole number of sweeps, at least 1');
  }
  const perRepeat = (l: unknown) => Array.isArray(l) && l.length === points.length && l.every(isCount);
  if (repeatFailedRequests !== undefined && !(Array.isArray(repeatFailedRequests) && repeatFailedRequests.length === (repeats ?? 1) && repeatFailedRequests.every(perRepeat))) {
    throw new ParseError(source, null, '"repeatFailedRequests" must hold one list per repeat, each with one count (or null) for each point');
  }
  return {
    experiment,
    harness,
    points,
    startedAt: typeof startedAt === "string" ? startedAt : null,
    finishedAt: typeof finishedAt === "string" ? finishedAt : null,
    failures: (failures as string[] | undefined) ?? [],
    failedRequests: (failedRequests as Array<number | null> | undefined) ?? null,
    maxFailedRequests: (maxFailedRequests as number | undefined) ?? 0,
    repeats: (repeats as number | undefined) ?? 1,
    repeatFailedRequests: (repeatFailedRequests as Array<Array<number | null>> | undefined) ?? null,
  };
}
