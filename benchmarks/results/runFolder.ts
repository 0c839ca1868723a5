import { EngineRecord } from "./engineStartup";
import type { RunCost } from "./runCost";

/**
 * The files of one run folder, `results/<stack>/<run id>/`: the raw result files the Job printed (with its
 * manifest.json) plus what the matrix runner adds. Shared by the runner that writes it and the report that reads it.
 */
export const RUN_FILES = {
  manifest: "manifest.json",
  /** The runner's record of the run: phases, status, non-secret stack outputs. */
  run: "run.json",
  /** The offline plan of the stack at the time of the run. */
  plan: "plan.json",
  /** The benchmark pod's log. */
  log: "job.log",
  /** The start of one engine pod's log (its start-up lines). */
  engineLog: "engine.log",
} as const;

export type RunStatus = "running" | "collected" | "failed" | "interrupted";

export interface RunInfo {
  stack: string;
  runId: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Where the results came from: "pod-log" or "bucket". */
  source: string | null;
  /** The Job's own verdict from the log's run-end line. */
  jobStatus: "ok" | "failed" | null;
  error: string | null;
  /** Seconds spent in each phase (up, collect, destroy). */
  phases: Record<string, number>;
  outputs: Record<string, string | undefined>;
  /** What one engine reported at start-up (vLLM version, V0/V1, attention backend); absent in runs from before it was read. */
  engine?: EngineRecord | null;
  /** $/hour of the stack (and of the shared cluster) from the plan at the run's start; absent in older runs. */
  cost?: RunCost | null;
}

export function isRunInfo(value: unknown): value is RunInfo {
  const v = value as Partial<RunInfo> | null;
  return typeof v === "object" && v !== null && typeof v.stack === "string" && typeof v.runId === "string" && typeof v.status === "string";
}
