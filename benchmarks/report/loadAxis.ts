/**
 * Which load variable a set of points is plotted against: QPS for multi-round-qa, max concurrency for
 * KubeAI-style (concurrency, rate) points, request rate for rate-only sweeps, VUs for k6. Other load keys
 * are shown beside the main one ("800 (rate 200)").
 */
import { Load, PointRecord } from "../parsers/record";

export interface Axis {
  key: string;
  label: string;
  /** For chart file names. */
  slug: string;
}

const AXES: Axis[] = [
  { key: "qps", label: "QPS", slug: "qps" },
  { key: "maxConcurrency", label: "max concurrency", slug: "max-concurrency" },
  { key: "requestRate", label: "request rate (req/s)", slug: "request-rate" },
  { key: "vus", label: "virtual users", slug: "vus" },
];

export const NO_AXIS: Axis = { key: "", label: "run", slug: "run" };

const SHORT: Record<string, string> = { qps: "QPS", maxConcurrency: "concurrency", requestRate: "rate", vus: "VUs" };

export function axisOf(load: Load): Axis {
  return AXES.find((a) => a.key in load) ?? NO_AXIS;
}

/** The x of a point: its number, or its text when not numeric ("inf"). */
export function xOf(load: Load, axis: Axis): number | string {
  const v = load[axis.key];
  if (v === undefined) return "–";
  const n = Number(v);
  return typeof v === "number" || (v.trim() !== "" && Number.isFinite(n)) ? n : v;
}

/** Load keys besides the axis, in a stable order. */
export function secondaryKeys(records: readonly PointRecord[], axis: Axis): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.load)) if (k !== axis.key) keys.add(k);
  const order = AXES.map((a) => a.key);
  return [...keys].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

export function loadHeader(axis: Axis, secondary: readonly string[]): string {
  return secondary.length > 0 ? `${axis.label} (${secondary.map((k) => SHORT[k] ?? k).join(", ")})` : axis.label;
}

export function loadCell(load: Load, axis: Axis, secondary: readonly string[]): string {
  const main = String(xOf(load, axis));
  const rest = secondary.filter((k) => load[k] !== undefined).map((k) => String(load[k]));
  return rest.length > 0 ? `${main} (${rest.join(", ")})` : main;
}

/** Numbers ascending, then text (e.g. "inf"). */
export function compareX(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a.localeCompare(b);
}
