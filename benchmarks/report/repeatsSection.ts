/** The report's repeats part of a load group: mean, min–max and 95 % interval per point, and the comparisons the spread cannot support. */
import { PointRecord } from "../parsers/record";
import { loadKey } from "../results/loads";
import { Axis, loadCell, loadHeader, secondaryKeys } from "./loadAxis";
import { MISSING, table } from "./markdown";
import { RepeatedPoint, numbers, spreadFlags, spreadOf } from "./repeats";

export interface RepeatMetric {
  title: string;
  value: (r: PointRecord) => number | null;
}

function cell(point: RepeatedPoint | undefined, value: (r: PointRecord) => number | null): string {
  if (!point) return "";
  const s = spreadOf(numbers(point.runs, value));
  if (!s) return MISSING;
  const ci = s.ci95 ? `; 95 % CI ${s.ci95[0].toFixed(2)}–${s.ci95[1].toFixed(2)}` : "";
  return `${s.mean.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)}${ci}; n=${s.n})`;
}

export function repeatsSection(axis: Axis, records: readonly PointRecord[], repeated: readonly RepeatedPoint[], metrics: readonly RepeatMetric[]): string | null {
  const inGroup = repeated.filter((p) => records.some((r) => r.experiment === p.experiment && loadKey(r.load) === loadKey(p.load)));
  if (inGroup.length === 0) return null;
  const experiments = [...new Set(inGroup.map((p) => p.experiment))];
  const loads = records.map((r) => r.load).filter((l, i, all) => all.findIndex((m) => loadKey(m) === loadKey(l)) === i && inGroup.some((p) => loadKey(p.load) === loadKey(l)));
  const secondary = secondaryKeys(records, axis);
  const parts = [
    "### Repeats",
    "Each cell: mean over the repeats (min–max; a 95 % confidence interval of the mean, Student's t, from three repeats on; n = repeats). " +
      "The tables above show the same means.",
  ];
  for (const m of metrics) {
    const rows = loads.map((load) => [loadCell(load, axis, secondary), ...experiments.map((e) => cell(inGroup.find((p) => p.experiment === e && loadKey(p.load) === loadKey(load)), m.value))]);
    parts.push(`#### ${m.title}\n\n${table([loadHeader(axis, secondary), ...experiments], rows)}`);
    const flags = spreadFlags(inGroup, m.value);
    if (flags.length > 0) {
      parts.push(
        flags
          .map((f) => `- **Not distinguishable:** ${m.title} at ${loadCell(f.load, axis, secondary)}: ${f.a} and ${f.b} differ by ${f.difference.toFixed(2)}, less than their repeats spread (${f.spread.toFixed(2)}).`)
          .join("\n"),
      );
    }
  }
  return parts.join("\n\n");
}
