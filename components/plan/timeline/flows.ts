/**
 * Rows run in sequence, in the two ways servelab can run them:
 *   - one cluster per row (a row with an inline cluster): every row creates its cluster and destroys it;
 *   - a shared cluster (a cluster stack): the cluster is created once, rows come and go on it, the engine
 *     images stay on the nodes and the weights cache holds each model after its first download; the cluster is
 *     destroyed at the end.
 * GPU time counts the phases during which the GPU nodes exist; "inside" is the benchmark Jobs' measured runs.
 */
import { GKE_CLUSTER_FEE_USD_PER_HOUR } from "../../catalog/gkeMachines";
import { ClusterFacts } from "../../cluster/facts";
import { ClusterConfig } from "../../config/schema";
import { nodeWeightsCachePath } from "../../engine/weightsCache";
import { estimateCost } from "../estimate";
import { NodeState, PHASE_LABELS, Phase, PhaseKind, RowInput, clusterCreatePhases, clusterDeletePhases, freshNodes, rowPhases } from "./phases";

export interface ClusterInput {
  /** The cluster stack's name, or the row's own name for an inline cluster. */
  name: string;
  cluster: ClusterConfig;
  facts: ClusterFacts;
}

export interface Totals {
  wallSeconds: number;
  /** Seconds during which the GPU nodes exist. */
  gpuNodeSeconds: number;
  insideSeconds: number;
  /** GPU-node seconds outside the Jobs' measured runs. */
  outsideSeconds: number;
  gpuHours: number;
  /** undefined where the cluster is not priced (VKE) or creates no machines (an existing cluster). */
  usd?: number;
  /** Share of GPU time outside the Jobs' measured runs (0..1). */
  outsideShare: number;
}

export type FlowKind = "per-row" | "shared";

export interface Flow {
  kind: FlowKind;
  phases: Phase[];
  totals: Totals;
  /** Each row's own phases' totals (a shared cluster's creation and deletion belong to no row). */
  rows: Array<{ row: string; totals: Totals }>;
  /** The phase kind with the most GPU time outside the runs. */
  dominantOutside: { kind: PhaseKind; label: string; seconds: number };
}

export interface FlowOptions {
  /** The shared cluster keeps a weights cache (default true); false models every row downloading the model. */
  weightsCache?: boolean;
}

/** Hourly rates while the GPU nodes exist, and while only the control plane does (GKE's cluster fee). */
function rates(c: ClusterInput): { gpu?: number; controlPlane?: number } {
  const estimate = estimateCost(c.cluster, c.facts);
  if (estimate.usdPerHour === null) return {};
  return { gpu: estimate.usdPerHour, controlPlane: c.cluster.provider === "gke" ? GKE_CLUSTER_FEE_USD_PER_HOUR : 0 };
}

export function totalsOf(phases: readonly Phase[], c: ClusterInput): Totals {
  const sum = (f: (p: Phase) => boolean) => phases.filter(f).reduce((a, p) => a + p.seconds, 0);
  const gpuNodeSeconds = sum((p) => p.gpuBilled);
  const insideSeconds = sum((p) => p.inside);
  const outsideSeconds = gpuNodeSeconds - insideSeconds;
  const { gpu, controlPlane } = rates(c);
  const usd = gpu === undefined ? undefined : (gpuNodeSeconds * gpu + sum((p) => !p.gpuBilled) * (controlPlane ?? 0)) / 3600;
  return {
    wallSeconds: sum(() => true),
    gpuNodeSeconds,
    insideSeconds,
    outsideSeconds,
    gpuHours: (gpuNodeSeconds * c.facts.gpu.total) / 3600,
    usd,
    outsideShare: gpuNodeSeconds > 0 ? outsideSeconds / gpuNodeSeconds : 0,
  };
}

function dominantOutside(phases: readonly Phase[]): Flow["dominantOutside"] {
  const byKind = new Map<PhaseKind, number>();
  for (const p of phases) if (p.gpuBilled && !p.inside) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.seconds);
  const [kind, seconds] = [...byKind].sort((a, b) => b[1] - a[1])[0] ?? ["run", 0];
  return { kind, label: PHASE_LABELS[kind], seconds };
}

function flow(kind: FlowKind, phases: Phase[], rows: readonly RowInput[], c: ClusterInput): Flow {
  return {
    kind,
    phases,
    totals: totalsOf(phases, c),
    rows: rows.map((r) => ({ row: r.name, totals: totalsOf(phases.filter((p) => p.row === r.name), c) })),
    dominantOutside: dominantOutside(phases),
  };
}

/** Today's flow: each row creates its own cluster and destroys it. An existing cluster is neither created nor destroyed, and keeps its images. */
export function perRowFlow(rows: readonly RowInput[], c: ClusterInput): Flow {
  const existing: NodeState = freshNodes(false);
  const phases = rows.flatMap((row) => [
    ...clusterCreatePhases(c.cluster).map((p) => ({ ...p, row: row.name })),
    ...rowPhases(row, c.cluster.provider === "kubeconfig" ? existing : freshNodes(false)),
    ...clusterDeletePhases(c.cluster).map((p) => ({ ...p, row: row.name })),
  ]);
  return flow("per-row", phases, rows, c);
}

/** The shared-cluster flow: created once, rows one after another, destroyed at the end. */
export function sharedFlow(rows: readonly RowInput[], c: ClusterInput, options: FlowOptions = {}): Flow {
  const nodes = freshNodes(options.weightsCache ?? nodeWeightsCachePath(c.cluster) !== undefined);
  const phases = [...clusterCreatePhases(c.cluster), ...rows.flatMap((row) => rowPhases(row, nodes)), ...clusterDeletePhases(c.cluster)];
  return flow("shared", phases, rows, c);
}

/** A row on a shared cluster that is up but holds nothing of it yet (the first row of its image and model). */
export function coldRowFlow(row: RowInput, c: ClusterInput): Flow {
  return flow("shared", rowPhases(row, freshNodes(nodeWeightsCachePath(c.cluster) !== undefined)), [row], c);
}

/** A row on a shared cluster that is up and already holds its engine image and model (the best case). */
export function warmRowFlow(row: RowInput, c: ClusterInput): Flow {
  const nodes = freshNodes(true);
  rowPhases(row, nodes);
  return flow("shared", rowPhases(row, nodes), [row], c);
}
