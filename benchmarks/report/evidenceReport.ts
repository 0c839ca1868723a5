/**
 * The report's server-side evidence (pure): columns for the per-experiment tables, the prefix-cache hit rate
 * against load, the replicas' shares of requests, one line per pair of experiments relating their TTFT gap to
 * their hit-rate gap, and what ran (router, KV tier, image digests). Figures marked ≈ are approximations
 * (benchmarks/evidence/metricNames.ts says why, per vLLM version).
 */
import { PointEvidence } from "../evidence/types";
import { Load, PointRecord } from "../parsers/record";
import { loadKey } from "../results/loads";
import { renderLineChart } from "./lineChart";
import { Axis, compareX, xOf } from "./loadAxis";
import { MISSING, fixed, table } from "./markdown";
import { renderShareChart } from "./shareChart";

export interface EvidenceGroup {
  axis: Axis;
  records: readonly PointRecord[];
  experiments: readonly string[];
  loads: readonly Load[];
}

export interface EvidenceChart {
  name: string;
  title: string;
  content: string;
}

const withEvidence = (records: readonly PointRecord[]) => records.filter((r): r is PointRecord & { evidence: PointEvidence } => r.evidence !== undefined);
const percent = (v: number | null | undefined) => (v === null || v === undefined ? MISSING : `${(100 * v).toFixed(1)}`);

export function hitRateCell(e: PointEvidence | undefined): string {
  const h = e?.prefixCacheHitRate;
  return h ? `${h.exact ? "" : "≈"}${percent(h.value)}` : MISSING;
}

/** Columns added to an experiment's table when its points carry evidence. */
export function evidenceColumns(records: readonly PointRecord[]): Array<{ header: string; cell: (r: PointRecord) => string }> {
  if (withEvidence(records).length === 0) return [];
  const ev = (r: PointRecord) => r.evidence;
  return [
    { header: "prefix hit %", cell: (r) => hitRateCell(ev(r)) },
    { header: "KV use % mean / max", cell: (r) => (ev(r)?.kvCacheUsage ? `${percent(ev(r)!.kvCacheUsage!.mean)} / ${percent(ev(r)!.kvCacheUsage!.max)}` : MISSING) },
    { header: "running mean / max", cell: (r) => (ev(r)?.running ? `${fixed(ev(r)!.running!.mean, 1)} / ${fixed(ev(r)!.running!.max, 0)}` : MISSING) },
    { header: "waiting mean / max", cell: (r) => (ev(r)?.waiting ? `${fixed(ev(r)!.waiting!.mean, 1)} / ${fixed(ev(r)!.waiting!.max, 0)}` : MISSING) },
    { header: "preemptions", cell: (r) => (ev(r)?.preemptions ?? null) === null ? MISSING : String(ev(r)!.preemptions) },
    { header: "replicas", cell: (r) => (ev(r) ? String(ev(r)!.replicas.length) : MISSING) },
    { header: "request imbalance", cell: (r) => fixed(ev(r)?.requestImbalance) },
    { header: "token imbalance", cell: (r) => fixed(ev(r)?.tokenImbalance) },
    { header: "KV tier hit %", cell: (r) => (ev(r)?.kvTier ? `${ev(r)!.kvTier!.name} ${percent(ev(r)!.kvTier!.hitRate)}` : MISSING) },
    { header: "client CPU (cores)", cell: (r) => (ev(r)?.client ? `${fixed(ev(r)!.client!.cores)}${ev(r)!.client!.limitCores !== null ? ` of ${ev(r)!.client!.limitCores}` : ""}${ev(r)!.client!.saturated ? " (saturated)" : ""}` : MISSING) },
  ];
}

function loadLabel(load: Load, axis: Axis): string {
  return `${axis.label} ${xOf(load, axis)}`;
}

export function evidenceCharts(group: EvidenceGroup): EvidenceChart[] {
  const records = withEvidence(group.records);
  const out: EvidenceChart[] = [];
  if (records.some((r) => r.evidence.prefixCacheHitRate)) {
    const title = `Prefix-cache hit rate vs ${group.axis.label}`;
    const series = group.experiments.map((name) => ({
      name,
      points: records
        .filter((r) => r.experiment === name)
        .map((r) => {
          const h = r.evidence.prefixCacheHitRate;
          const x = xOf(r.load, group.axis);
          return { x, y: h ? 100 * h.value : null, label: `${name} — ${group.axis.label} ${x}: ${h ? `${h.exact ? "" : "≈"}${(100 * h.value).toFixed(1)} %` : "not measured"}` };
        }),
    }));
    out.push({ name: `prefix-hit-rate-vs-${group.axis.slug}.svg`, title, content: renderLineChart({ title, xLabel: group.axis.label, yLabel: "prefix-cache hit rate (%)", series }) });
  }
  const bars = records
    .filter((r) => r.evidence.replicas.length > 0 && r.evidence.replicas.every((p) => p.requests !== null))
    .sort((a, b) => compareX(xOf(a.load, group.axis), xOf(b.load, group.axis)))
    .map((r) => ({ cluster: String(xOf(r.load, group.axis)), bar: r.experiment, parts: r.evidence.replicas.map((p) => ({ name: p.name, value: p.requests! })) }));
  if (bars.length > 0) {
    const title = `Replicas' shares of finished requests vs ${group.axis.label}`;
    out.push({ name: `replica-share-vs-${group.axis.slug}.svg`, title, content: renderShareChart(title, group.axis.label, bars) });
  }
  return out;
}

const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

/**
 * One line per pair of experiments with both TTFT and a hit rate at common load points: the gap at the highest
 * common point, and at how many common points the higher hit rate went with the lower TTFT. An association, not a cause.
 */
export function pairLines(group: EvidenceGroup): string[] {
  const lines: string[] = [];
  const pick = (experiment: string, load: Load) =>
    group.records.find((r) => r.experiment === experiment && loadKey(r.load) === loadKey(load) && r.ttftMs.mean !== null && r.evidence?.prefixCacheHitRate);
  for (let i = 0; i < group.experiments.length; i++) {
    for (let j = i + 1; j < group.experiments.length; j++) {
      const [a, b] = [group.experiments[i], group.experiments[j]];
      const common = group.loads.map((l) => [pick(a, l), pick(b, l)] as const).filter((p): p is readonly [PointRecord, PointRecord] => p[0] !== undefined && p[1] !== undefined);
      if (common.length === 0) continue;
      const [ra, rb] = common[common.length - 1];
      const [ta, tb] = [ra.ttftMs.mean!, rb.ttftMs.mean!];
      const [ha, hb] = [ra.evidence!.prefixCacheHitRate!, rb.evidence!.prefixCacheHitRate!];
      const [fast, slow] = tb <= ta ? [[b, tb, hb] as const, [a, ta, ha] as const] : [[a, ta, ha] as const, [b, tb, hb] as const];
      const ratio = fast[1] > 0 ? slow[1] / fast[1] : Infinity;
      const points = 100 * (fast[2].value - slow[2].value);
      const agree = common.filter(([x, y]) => Math.sign(y.ttftMs.mean! - x.ttftMs.mean!) === -Math.sign(y.evidence!.prefixCacheHitRate!.value - x.evidence!.prefixCacheHitRate!.value)).length;
      const approx = ha.exact && hb.exact ? "" : "; ≈: a hit rate estimated from a lifetime figure or counted in blocks";
      lines.push(
        `**${a} vs ${b}:** at ${loadLabel(ra.load, group.axis)}, ${fast[0]}'s mean TTFT is ${seconds(fast[1])} against ${seconds(slow[1])} for ${slow[0]} ` +
          `(${Number.isFinite(ratio) ? `${ratio.toFixed(1)}× lower` : "lower"}), with a prefix-cache hit rate of ${(100 * fast[2].value).toFixed(1)} % against ${(100 * slow[2].value).toFixed(1)} % ` +
          `(${points >= 0 ? "+" : ""}${points.toFixed(1)} points${approx}); at ${agree} of ${common.length} common load points the higher hit rate went with the lower TTFT.`,
      );
    }
  }
  return lines;
}

/** What each experiment ran, from the evidence of its first point: router, KV tier, engine images and their digests. */
export function whatRanSection(records: readonly PointRecord[]): string | null {
  const byExperiment = new Map<string, PointEvidence>();
  for (const r of withEvidence(records)) if (!byExperiment.has(r.experiment)) byExperiment.set(r.experiment, r.evidence);
  if (byExperiment.size === 0) return null;
  const rows = [...byExperiment].map(([experiment, e]) => {
    const digests = [...new Set(e.replicas.flatMap((p) => p.imageIds))];
    const routers = e.routers.map((r) => (r.error ? `${r.name} (not scraped: ${r.error})` : `${r.name} (${r.scrapes - r.failed} scrapes)`)).join(", ");
    return [experiment, e.serving.router ?? MISSING, e.serving.kvTier ?? MISSING, e.serving.engineImage ?? MISSING, digests.join(", ") || MISSING, e.metricSet ?? MISSING, routers || (e.serving.routerMetrics ? `none: ${e.serving.routerMetrics}` : MISSING)];
  });
  return [
    "## What ran",
    "From the metrics the benchmark Job scraped beside each point (`*_evidence_*.json`): the engine pods' image digests as their status reported them, and which vLLM metric names their pages carried.",
    table(["experiment", "router", "KV tier", "engine image", "image digests", "metric names", "router metrics"], rows, ["l", "l", "l", "l", "l", "l", "l"]),
  ].join("\n\n");
}

/** Evidence notes (scrape failures, restarts, a saturated client), one per point. */
export function evidenceNotes(records: readonly PointRecord[]): string[] {
  return withEvidence(records).flatMap((r) => r.evidence.notes.map((n) => `${r.experiment} at ${JSON.stringify(r.load)}: ${n}`));
}
