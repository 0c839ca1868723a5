/**
 * Result file names: multi-round-qa's `<experiment>_output_<qps>.csv` (production-stack's run.sh, AIBrix's
 * published results) with servelab's `<experiment>_counts_<qps>.json` beside it, and servelab's vllm-bench
 * `<experiment>_rate-<r>[_conc-<c>].json` (components/benchmark/vllmBench.ts pointLabel).
 */
import { Load } from "./record";

const NUMBER = String.raw`\d+(?:\.\d+)?`;

const MRQA_OUTPUT = new RegExp(`^(.+)_output_(${NUMBER})\\.csv$`);
const MRQA_COUNTS = new RegExp(`^(.+)_counts_(${NUMBER})\\.json$`);
const VLLM_POINT = new RegExp(`^(.+)_rate-(inf|${NUMBER})(?:_conc-(\\d+))?\\.json$`);

export interface NamedPoint {
  experiment: string;
  load: Load;
}

export function mrqaOutputName(name: string): (NamedPoint & { qps: string }) | null {
  const m = MRQA_OUTPUT.exec(name);
  return m ? { experiment: m[1], qps: m[2], load: { qps: Number(m[2]) } } : null;
}

export function mrqaCountsName(name: string): (NamedPoint & { qps: string }) | null {
  const m = MRQA_COUNTS.exec(name);
  return m ? { experiment: m[1], qps: m[2], load: { qps: Number(m[2]) } } : null;
}

export function vllmPointName(name: string): NamedPoint | null {
  const m = VLLM_POINT.exec(name);
  if (!m) return null;
  const load: Load = { requestRate: m[2] === "inf" ? "inf" : Number(m[2]) };
  if (m[3] !== undefined) load.maxConcurrency = Number(m[3]);
  return { experiment: m[1], load };
}

const REPEAT = /^(.+)_repeat(\d+)$/;

/**
 * servelab's drivers name repeat k > 1 of a sweep `<experiment>_repeat<k>_...` (servelab_common.py
 * repeat_prefix); the first repeat keeps the plain names, so a single run reads as before.
 */
export function splitRepeat(experiment: string): { experiment: string; repeat: number } {
  const m = REPEAT.exec(experiment);
  return m && Number(m[2]) >= 2 ? { experiment: m[1], repeat: Number(m[2]) } : { experiment, repeat: 1 };
}

/** The file name without its directory and last extension. */
export function stem(name: string): string {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}
