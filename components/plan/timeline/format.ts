/** The timeline as the plan prints it: phases with numbered sources, totals, and both flows side by side. */
import { nodeWeightsCachePath, usesWeightsCache } from "../../engine/weightsCache";
import { ClusterInput, Flow, Totals, coldRowFlow, perRowFlow, sharedFlow, warmRowFlow } from "./flows";
import { PHASE_LABELS, Phase, PhaseKind, RowInput } from "./phases";

/** The issue's goal for a shared cluster: at most this share of GPU time outside the Jobs' runs. */
export const OUTSIDE_SHARE_GOAL = 0.15;

export const INSIDE_DEFINITION =
  "inside = the benchmark Jobs' measured runs, the harness's own warm-up and pauses included; outside = every other second the GPU nodes exist (creation, driver, pulls, downloads, load, Job start, teardown)";

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
const dollars = (t: Totals) => (t.usd === undefined ? "—" : `$${t.usd.toFixed(0)}`);

class Sources {
  private readonly list: string[] = [];
  ref(source: string): string {
    let i = this.list.indexOf(source);
    if (i < 0) i = this.list.push(source) - 1;
    return `[${i + 1}]`;
  }
  lines(): string[] {
    return ["  sources:", ...this.list.map((s, i) => `    [${i + 1}] ${s}`)];
  }
}

/** Columns padded to one width each; `align` has one letter a column, l or r (default: first left, others right). */
function pad(rows: string[][], align?: string): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const left = (i: number) => (align ? align[i] === "l" : i === 0);
  return rows.map((r) => r.map((cell, i) => (left(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd());
}

function unpriced(c: ClusterInput): string {
  if (c.cluster.provider === "vke") return "not priced (no Volcengine prices in the catalog)";
  if (c.cluster.provider === "kubeconfig") return "no machine cost (existing cluster)";
  return "";
}

function costText(t: Totals, c: ClusterInput): string {
  return t.usd === undefined ? unpriced(c) : `about $${t.usd.toFixed(0)}`;
}

function phaseLabel(p: Phase): string {
  return p.inside ? `${PHASE_LABELS[p.kind]} (inside)` : PHASE_LABELS[p.kind];
}

/**
 * `npm run plan -- <row>`: a row with its own cluster, phase by phase, then the same row on a warm shared cluster; a
 * row on a cluster stack, phase by phase on that cluster once it is up, then warm, then as a one-off with its own.
 */
export function formatRowTimeline(row: RowInput, c: ClusterInput, clusterStack?: string): string {
  const flow = clusterStack ? coldRowFlow(row, c) : perRowFlow([row], c);
  const sources = new Sources();
  const where = clusterStack ? `on cluster stack ${clusterStack} once it is up, the first row of its engine image and model` : "on its own cluster";
  const lines = [`timeline (modelled; ${row.name} ${where}; inside = the Job's measured run, the harness's warm-up and pauses included):`];
  const table = flow.phases.map((p) => [`  ${phaseLabel(p)}`, minutes(p.seconds), p.gpuBilled ? "" : "no GPU", sources.ref(p.source), p.detail]);
  lines.push(...pad(table, "lrlll"));
  const t = flow.totals;
  const billed = clusterStack ? "GPU time of the row" : "GPU nodes up";
  lines.push(
    `  total: ${minutes(t.wallSeconds)}, ${billed} ${minutes(t.gpuNodeSeconds)} = ${t.gpuHours.toFixed(1)} GPU-hours (${c.facts.gpu.total} × ${c.facts.gpu.type}), cost ${costText(t, c)}; outside the Job's run: ${percent(t.outsideShare)} (largest: ${flow.dominantOutside.label}, ${minutes(flow.dominantOutside.seconds)})`,
  );
  const warm = warmRowFlow(row, c).totals;
  const holding = usesWeightsCache(row.config) ? "its engine image and model (weights cache hit)" : "its engine image (no weights cache for this row: it downloads its model)";
  lines.push(`  on a shared cluster already up, holding ${holding}: ${minutes(warm.outsideSeconds)} outside, ${percent(warm.outsideShare)} of its GPU time`);
  if (clusterStack) {
    const own = perRowFlow([row], c).totals;
    lines.push(
      `  as a one-off with its own cluster of this shape (today's flow): ${minutes(own.wallSeconds)}, ${own.gpuHours.toFixed(1)} GPU-hours, cost ${costText(own, c)}, ${percent(own.outsideShare)} outside`,
      `  the cluster stack is billed from its up to its destroy, whether or not a row runs: npm run plan -- --matrix ${clusterStack} <rows…> shows a sequence of rows`,
    );
  }
  lines.push(...sources.lines());
  return lines.join("\n");
}

const ORDER: PhaseKind[] = Object.keys(PHASE_LABELS) as PhaseKind[];

function byKind(flow: Flow): Map<PhaseKind, { seconds: number; count: number }> {
  const out = new Map<PhaseKind, { seconds: number; count: number }>();
  for (const p of flow.phases) {
    const e = out.get(p.kind) ?? { seconds: 0, count: 0 };
    out.set(p.kind, { seconds: e.seconds + p.seconds, count: e.count + (p.seconds > 0 ? 1 : 0) });
  }
  return out;
}

function kindCell(e: { seconds: number; count: number } | undefined): string {
  if (!e || e.seconds === 0) return "—";
  return e.count > 1 ? `${minutes(e.seconds)} (${e.count}×)` : minutes(e.seconds);
}

/** `npm run plan -- --matrix <cluster> <rows…>`: both flows side by side, per phase, per row, in total. */
export function formatMatrix(rows: readonly RowInput[], c: ClusterInput): string {
  const today = perRowFlow(rows, c);
  const shared = sharedFlow(rows, c);
  const hasCache = nodeWeightsCachePath(c.cluster) !== undefined;
  const otherCache = sharedFlow(rows, c, { weightsCache: !hasCache });
  const gpu = c.facts.gpu;
  const machine = gpu.machineType ? `${gpu.nodes} × ${gpu.machineType}` : `${gpu.nodes} node${gpu.nodes > 1 ? "s" : ""}`;
  const lines = [
    `== matrix: ${rows.length} row${rows.length > 1 ? "s" : ""} on ${c.name} (${machine}, ${gpu.total} × ${gpu.type} GPUs)`,
    `modelled timeline; ${INSIDE_DEFINITION}`,
    "",
  ];
  const sources = new Sources();
  const refs = new Map<PhaseKind, Set<string>>();
  // The runs' sources are their harness settings, printed per row below the table.
  for (const p of [...today.phases, ...shared.phases]) if (p.kind !== "run") refs.set(p.kind, (refs.get(p.kind) ?? new Set()).add(p.source));
  const a = byKind(today);
  const b = byKind(shared);
  const phaseRows = ORDER.filter((k) => (a.get(k)?.seconds ?? 0) + (b.get(k)?.seconds ?? 0) > 0).map((k) => [
    `  ${PHASE_LABELS[k]}${k === "run" ? " (inside)" : k === "cluster-create" || k === "cluster-delete" ? " (no GPU)" : ""}`,
    kindCell(a.get(k)),
    kindCell(b.get(k)),
    [...(refs.get(k) ?? [])].map((s) => sources.ref(s)).join(""),
  ]);
  const total = (f: Flow) => f.totals;
  lines.push(
    ...pad([
      ["  phase", "one cluster per row", "shared cluster", "source"],
      ...phaseRows,
      ["  wall time", minutes(total(today).wallSeconds), minutes(total(shared).wallSeconds), ""],
      ["  GPU nodes up", minutes(total(today).gpuNodeSeconds), minutes(total(shared).gpuNodeSeconds), ""],
      ["  GPU-hours", total(today).gpuHours.toFixed(1), total(shared).gpuHours.toFixed(1), ""],
      ["  cost", dollars(total(today)), dollars(total(shared)), ""],
      ["  GPU time outside the Jobs", percent(total(today).outsideShare), percent(total(shared).outsideShare), ""],
    ]),
  );
  if (total(shared).usd === undefined) lines.push(`  cost: ${unpriced(c)}`);
  lines.push("");
  const perRow = rows.map((r, i) => {
    const x = today.rows[i].totals;
    const y = shared.rows[i].totals;
    return [`  ${r.name}`, minutes(x.outsideSeconds), minutes(x.insideSeconds), x.gpuHours.toFixed(1), dollars(x), minutes(y.outsideSeconds), minutes(y.insideSeconds), y.gpuHours.toFixed(1), dollars(y)];
  });
  const clusterOnly = shared.phases.filter((p) => p.row === undefined);
  const clusterSeconds = clusterOnly.filter((p) => p.gpuBilled).reduce((s, p) => s + p.seconds, 0);
  const sharedRowsGpuH = shared.rows.reduce((s, r) => s + r.totals.gpuHours, 0);
  const sharedRowsUsd = shared.rows.reduce((s, r) => s + (r.totals.usd ?? 0), 0);
  lines.push(
    ...pad([
      ["  row", "per row: outside", "run", "GPU-h", "cost", "shared: outside", "run", "GPU-h", "cost"],
      ...perRow,
      ["  shared cluster's creation and deletion", "", "", "", "", minutes(clusterSeconds), "", (shared.totals.gpuHours - sharedRowsGpuH).toFixed(1), shared.totals.usd === undefined ? "—" : `$${(shared.totals.usd - sharedRowsUsd).toFixed(0)}`],
    ]),
  );
  lines.push("");
  const runs = new Map<string, string[]>();
  for (const r of rows) {
    const run = shared.phases.find((p) => p.row === r.name && p.kind === "run")!;
    const key = `${minutes(run.seconds)}${run.detail ? ` (${run.detail})` : ""}: ${run.source}`;
    runs.set(key, [...(runs.get(key) ?? []), r.name]);
  }
  for (const [run, names] of runs) lines.push(`  run of ${names.join(", ")}: ${run}`);
  const share = shared.totals.outsideShare;
  const verdict = share <= OUTSIDE_SHARE_GOAL ? "met" : "not met with these constants";
  lines.push(
    "",
    `  goal for a shared cluster, at most ${percent(OUTSIDE_SHARE_GOAL)} of GPU time outside the Jobs: ${verdict} (${percent(share)}); largest outside phase: ${shared.dominantOutside.label}, ${minutes(shared.dominantOutside.seconds)} of ${minutes(shared.totals.outsideSeconds)} outside; the goal allows ${minutes((shared.totals.insideSeconds * OUTSIDE_SHARE_GOAL) / (1 - OUTSIDE_SHARE_GOAL))}`,
    `  one cluster per row: ${percent(today.totals.outsideShare)} outside; largest outside phase: ${today.dominantOutside.label}, ${minutes(today.dominantOutside.seconds)}`,
    hasCache
      ? `  shared cluster without a weights cache (every row downloads its model): ${percent(otherCache.totals.outsideShare)} outside, ${minutes(otherCache.totals.outsideSeconds)}`
      : `  shared cluster with a weights cache (servelab:cluster.weightsCache: { kind: nodeDisk } on ${c.name}; rows of k8s-service, aibrix and llm-d then download their model once): ${percent(otherCache.totals.outsideShare)} outside, ${minutes(otherCache.totals.outsideSeconds)}`,
  );
  lines.push(...sources.lines());
  return lines.join("\n");
}
