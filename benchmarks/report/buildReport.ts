/**
 * report.md and its charts from point records. Points are grouped by the load variable they vary
 * (QPS, max concurrency, ...); each group gets a latency chart and a throughput chart (one line per
 * experiment), comparison tables in the shape of the published ones (load points × experiments), and one
 * detail table per experiment (mean / median / p99 TTFT, ITL or TPOT, throughput, failures). Run folders add
 * what each engine reported at start-up, with a warning where compared experiments ran different engines.
 */
import { Latency, PointRecord } from "../parsers/record";
import { ExperimentEngine, ReadResult, REPORT_MARK } from "../results/readResults";
import { loadKey } from "../results/loads";
import { costSection } from "./costSection";
import { engineMismatches, engineTable } from "./engineFacts";
import { evidenceCharts, evidenceColumns, evidenceNotes, hitRateCell, pairLines, whatRanSection } from "./evidenceReport";
import { ChartSeries, renderLineChart } from "./lineChart";
import { Axis, axisOf, compareX, loadCell, loadHeader, secondaryKeys, xOf } from "./loadAxis";
import { MISSING, count, fixed, table } from "./markdown";
import { RepeatedPoint, collapseRepeats } from "./repeats";
import { RepeatMetric, repeatsSection } from "./repeatsSection";

export interface ReportFile {
  name: string;
  content: string;
}

export interface Report {
  markdown: string;
  charts: ReportFile[];
}

export interface ReportOptions {
  title?: string;
  /** Shown in the report's header. */
  inputs?: readonly string[];
}

interface Group {
  axis: Axis;
  records: PointRecord[];
  experiments: string[];
  loads: PointRecord["load"][];
}

type LatencyField = "ttftMs" | "tpotMs" | "itlMs" | "e2eMs";
type ThroughputField = keyof PointRecord["throughput"];

const LATENCY_NAMES: Record<LatencyField, string> = { ttftMs: "TTFT", tpotMs: "TPOT", itlMs: "ITL", e2eMs: "E2E latency" };
const THROUGHPUT_NAMES: Record<ThroughputField, { title: string; unit: string }> = {
  totalTokensPerS: { title: "Total token throughput", unit: "tokens/s" },
  outputTokensPerS: { title: "Output token throughput", unit: "tokens/s" },
  requestsPerS: { title: "Request throughput", unit: "requests/s" },
};

function groupRecords(records: readonly PointRecord[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of records) {
    const axis = axisOf(r.load);
    const g = groups.get(axis.key) ?? { axis, records: [], experiments: [], loads: [] };
    groups.set(axis.key, g);
    g.records.push(r);
    if (!g.experiments.includes(r.experiment)) g.experiments.push(r.experiment);
    if (!g.loads.some((l) => loadKey(l) === loadKey(r.load))) g.loads.push(r.load);
  }
  for (const g of groups.values()) {
    g.loads.sort((a, b) => compareX(xOf(a, g.axis), xOf(b, g.axis)) || loadKey(a).localeCompare(loadKey(b)));
  }
  return [...groups.values()];
}

const has = (records: readonly PointRecord[], pick: (r: PointRecord) => number | null) => records.some((r) => pick(r) !== null);

function latencyMetric(records: readonly PointRecord[]): LatencyField | null {
  return (["ttftMs", "e2eMs", "tpotMs"] as const).find((f) => has(records, (r) => r[f].mean)) ?? null;
}

function throughputMetric(records: readonly PointRecord[]): ThroughputField | null {
  return (["totalTokensPerS", "outputTokensPerS", "requestsPerS"] as const).find((f) => has(records, (r) => r.throughput[f])) ?? null;
}

function find(group: Group, experiment: string, load: PointRecord["load"]): PointRecord | undefined {
  return group.records.find((r) => r.experiment === experiment && loadKey(r.load) === loadKey(load));
}

function failures(r: PointRecord): string {
  const failed = count(r.requests.failed);
  return r.requests.cancelled ? `${failed} (+${r.requests.cancelled} cancelled)` : failed;
}

function series(group: Group, value: (r: PointRecord) => number | null, unit: string): ChartSeries[] {
  return group.experiments.map((name) => ({
    name,
    points: group.records
      .filter((r) => r.experiment === name)
      .map((r) => {
        const y = value(r);
        const x = xOf(r.load, group.axis);
        return { x, y, label: `${name} — ${group.axis.label} ${x}: ${y === null ? "not reported" : `${Number(y.toFixed(2)).toLocaleString("en-US")} ${unit}`}` };
      }),
  }));
}

function charts(group: Group): Array<ReportFile & { title: string }> {
  const out: Array<ReportFile & { title: string }> = [];
  const latency = latencyMetric(group.records);
  if (latency) {
    const max = Math.max(...group.records.map((r) => r[latency].mean ?? 0));
    const seconds = max >= 10_000;
    const title = `Mean ${LATENCY_NAMES[latency]} vs ${group.axis.label}`;
    const name = `${latency === "ttftMs" ? "ttft" : "latency"}-vs-${group.axis.slug}.svg`;
    const s = series(group, (r) => (r[latency].mean === null ? null : seconds ? r[latency].mean! / 1000 : r[latency].mean), seconds ? "s" : "ms");
    out.push({ name, title, content: renderLineChart({ title, xLabel: group.axis.label, yLabel: `mean ${LATENCY_NAMES[latency]} (${seconds ? "s" : "ms"})`, series: s }) });
  }
  const throughput = throughputMetric(group.records);
  if (throughput) {
    const { title: what, unit } = THROUGHPUT_NAMES[throughput];
    const title = `${what} vs ${group.axis.label}`;
    const s = series(group, (r) => r.throughput[throughput], unit);
    out.push({ name: `throughput-vs-${group.axis.slug}.svg`, title, content: renderLineChart({ title, xLabel: group.axis.label, yLabel: `${what.toLowerCase()} (${unit})`, series: s }) });
  }
  out.push(...evidenceCharts(group));
  return out;
}

function comparisonTable(group: Group, title: string, cell: (r: PointRecord) => string): string {
  const secondary = secondaryKeys(group.records, group.axis);
  const rows = group.loads.map((load) => [loadCell(load, group.axis, secondary), ...group.experiments.map((e) => {
    const r = find(group, e, load);
    return r ? cell(r) : "";
  })]);
  return `#### ${title}\n\n${table([loadHeader(group.axis, secondary), ...group.experiments], rows)}`;
}

function detailTable(group: Group, experiment: string): string {
  const records = group.loads.map((l) => find(group, experiment, l)).filter((r): r is PointRecord => r !== undefined);
  const secondary = secondaryKeys(group.records, group.axis);
  const columns: Array<{ header: string; cell: (r: PointRecord) => string }> = [
    { header: loadHeader(group.axis, secondary), cell: (r) => loadCell(r.load, group.axis, secondary) },
    { header: "completed", cell: (r) => count(r.requests.completed) },
    { header: "failed", cell: failures },
    { header: "duration (s)", cell: (r) => fixed(r.durationS) },
  ];
  const latencies: LatencyField[] = has(records, (r) => r.ttftMs.mean) ? ["ttftMs", "tpotMs", "itlMs"] : ["e2eMs", "tpotMs", "itlMs"];
  for (const field of latencies) {
    if (!records.some((r) => (["mean", "median", "p99"] as const).some((s) => r[field][s] !== null))) continue;
    for (const stat of ["mean", "median", "p99"] as const) {
      columns.push({ header: `${stat} ${LATENCY_NAMES[field]} (ms)`, cell: (r) => fixed((r[field] as Latency)[stat]) });
    }
  }
  if (records.some((r) => r.goodput)) columns.push({ header: "goodput (req/s)", cell: (r) => fixed(r.goodput?.requestsPerS) });
  columns.push(
    { header: "requests/s", cell: (r) => fixed(r.throughput.requestsPerS) },
    { header: "output tok/s", cell: (r) => fixed(r.throughput.outputTokensPerS) },
    { header: "total tok/s", cell: (r) => fixed(r.throughput.totalTokensPerS) },
    ...evidenceColumns(records),
  );
  const harnesses = [...new Set(records.map((r) => r.harness))].join(", ");
  return `#### ${experiment}\n\n${harnesses}\n\n${table(columns.map((c) => c.header), records.map((r) => columns.map((c) => c.cell(r))))}`;
}

/** "TTFT ≤ 2000 ms and TPOT ≤ 100 ms" for the group's objectives, or what the harness was given. */
function sloText(records: readonly PointRecord[]): string {
  const slos = [...new Set(records.map((r) => (r.goodput?.slo ? `TTFT ≤ ${r.goodput.slo.ttftMs} ms and TPOT ≤ ${r.goodput.slo.tpotMs} ms` : null)).filter((s): s is string => s !== null))];
  return slos.length > 0 ? slos.join(" / ") : "the harness's own objectives";
}

function repeatMetrics(group: Group): RepeatMetric[] {
  const metrics: RepeatMetric[] = [];
  const latency = latencyMetric(group.records);
  if (latency) metrics.push({ title: `Mean ${LATENCY_NAMES[latency]} (ms)`, value: (r) => r[latency].mean });
  const throughput = throughputMetric(group.records);
  if (throughput) metrics.push({ title: `${THROUGHPUT_NAMES[throughput].title} (${THROUGHPUT_NAMES[throughput].unit})`, value: (r) => r.throughput[throughput] });
  if (has(group.records, (r) => r.goodput?.requestsPerS ?? null)) metrics.push({ title: "Goodput (requests/s)", value: (r) => r.goodput?.requestsPerS ?? null });
  const hitRate = (r: PointRecord) => (r.evidence?.prefixCacheHitRate ? 100 * r.evidence.prefixCacheHitRate.value : null);
  if (has(group.records, hitRate)) metrics.push({ title: "Prefix-cache hit rate (%, from the engines' metrics)", value: hitRate });
  return metrics;
}

function groupSection(group: Group, chartFiles: Array<ReportFile & { title: string }>, engines: readonly ExperimentEngine[], repeated: readonly RepeatedPoint[]): string {
  const parts: string[] = [`## Against ${group.axis.label}`];
  parts.push(`${group.experiments.length} experiment${group.experiments.length === 1 ? "" : "s"}, ${group.loads.length} load point${group.loads.length === 1 ? "" : "s"}.`);
  for (const warning of engineMismatches(group.experiments, engines)) parts.push(`**Warning:** ${warning} (see Engines).`);
  for (const chart of chartFiles) parts.push(`![${chart.title}](${chart.name})`);
  const latency = latencyMetric(group.records);
  parts.push(...pairLines(group));
  if (latency) parts.push(comparisonTable(group, `Mean ${LATENCY_NAMES[latency]} (ms)`, (r) => fixed(r[latency].mean)));
  const throughput = throughputMetric(group.records);
  if (throughput) parts.push(comparisonTable(group, `${THROUGHPUT_NAMES[throughput].title} (${THROUGHPUT_NAMES[throughput].unit})`, (r) => fixed(r.throughput[throughput])));
  if (group.records.some((r) => r.goodput)) {
    parts.push(comparisonTable(group, `Goodput: requests/s that met ${sloText(group.records)}`, (r) => (r.goodput ? fixed(r.goodput.requestsPerS) : "")));
  }
  if (has(group.records, (r) => r.requests.failed)) parts.push(comparisonTable(group, "Failed requests", failures));
  if (has(group.records, (r) => r.evidence?.prefixCacheHitRate?.value ?? null)) {
    parts.push(comparisonTable(group, "Prefix-cache hit rate (%, ≈ = approximation)", (r) => hitRateCell(r.evidence)));
  }
  const spread = repeatsSection(group.axis, group.records, repeated, repeatMetrics(group));
  if (spread) parts.push(spread);
  parts.push(`### Per experiment`);
  for (const e of group.experiments) parts.push(detailTable(group, e));
  return parts.join("\n\n");
}

export function buildReport(result: ReadResult, options: ReportOptions = {}): Report {
  // Points measured in several repeats are shown by their mean; the spread goes to each group's Repeats part.
  const { records, repeated } = collapseRepeats(result.records);
  const groups = groupRecords(records);
  const allCharts: ReportFile[] = [];
  const sections: string[] = [];
  for (const group of groups) {
    const files = charts(group);
    allCharts.push(...files.map(({ name, content }) => ({ name, content })));
    sections.push(groupSection(group, files, result.engines ?? [], repeated));
  }
  const experiments = new Set(records.map((r) => r.experiment)).size;
  const head = [
    REPORT_MARK,
    `# ${options.title ?? "Benchmark report"}`,
    `${records.length} load points of ${experiments} experiment${experiments === 1 ? "" : "s"}` +
      (repeated.length > 0 ? ` (${repeated.length} of them measured in repeats: tables show the mean over the repeats, counts summed)` : "") +
      (options.inputs && options.inputs.length > 0 ? `, read from ${options.inputs.map((i) => `\`${i}\``).join(", ")}.` : "."),
    `Latencies in ms, throughput per second, two decimals as the harnesses print them. ${MISSING} = not reported by the harness ` +
      "(multi-round-qa's CSV cannot show failed requests: servelab's Job counts them beside it).",
  ];
  const goodputNotes = new Set(records.filter((r) => r.goodput?.requestsPerS === null && r.goodput.note).map((r) => `${r.experiment}: goodput not counted: ${r.goodput!.note}`));
  const notes = [
    ...records.flatMap((r) => (r.notes ?? []).map((n) => `${r.experiment} at ${JSON.stringify(r.load)}: ${n}`)),
    ...evidenceNotes(records),
    ...goodputNotes,
    ...result.notes,
  ];
  const engines = engineTable(result.engines ?? []);
  const whatRan = whatRanSection(records);
  if (whatRan) sections.unshift(whatRan);
  if (engines) sections.unshift(engines);
  const cost = costSection(result.runs ?? [], result.records);
  if (cost) sections.push(cost);
  const tail: string[] = [];
  if (notes.length > 0) tail.push(`## Notes\n\n${notes.map((n) => `- ${n}`).join("\n")}`);
  if (result.skipped.length > 0) tail.push(`## Skipped files\n\n${result.skipped.map((s) => `- \`${s.path}\`: ${s.reason}`).join("\n")}`);
  if (result.ignored.length > 0) tail.push(`## Not read\n\n${result.ignored.map((p) => `- \`${p}\``).join("\n")}`);
  return { markdown: `${[head.join("\n\n"), ...sections, ...tail].join("\n\n")}\n`, charts: allCharts };
}
