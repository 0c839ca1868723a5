/** Comparing load points: `{qps: 0.5}` from a file name equals `{qps: 0.5}` from a manifest, whatever the spelling. */
import { Load } from "../parsers/record";

const normal = (v: number | string) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v);

export function loadKey(load: Load): string {
  return JSON.stringify(
    Object.keys(load)
      .sort()
      .map((k) => [k, normal(load[k])]),
  );
}

export function sameLoad(a: Load, b: Load): boolean {
  return loadKey(a) === loadKey(b);
}
