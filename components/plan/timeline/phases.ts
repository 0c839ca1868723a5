/**
 * The phases of a cluster's life and of one row on it, from already-resolved inputs (the row's parsed config,
 * the cluster's config and facts). Pure; the flows (flows.ts) put them in order.
 */
import { IMAGES } from "../../catalog/versions";
import { findModel } from "../../catalog/models";
import { ClusterConfig, EngineConfig, ExperimentConfig, KvCacheConfig, ModelConfig } from "../../config/schema";
import { LOAD_GB_PER_SECOND, WARMUP_SECONDS, hfRepo, isEightBitCheckpoint, modelSizeGb } from "../../engine/sizing";
import { HF_GB_PER_SECOND, OBJECT_STORE_GB_PER_SECOND, downloadGbPerSecond, weightsSource } from "../../engine/weights";
import { usesWeightsCache } from "../../engine/weightsCache";
import { runningEngineImage } from "../../engine/runningImage";
import { benchmarkRun } from "./benchmarkRun";
import {
  CLUSTER_CREATE, CLUSTER_DELETE, DRIVER_INSTALL, ENGINE_IMAGE_GB, ENGINE_IMAGE_GB_SOURCE, IMAGE_PULL_GB_PER_SECOND, IMAGE_REUSE_SOURCE, JOB_OVERHEAD, JOB_OVERHEAD_K6,
  POOLS_CREATE, POOLS_DELETE, ROW_INSTALL, ROW_TEARDOWN, UNKNOWN_IMAGE_GB, UNKNOWN_MODEL_GB,
} from "./constants";

export type PhaseKind =
  | "cluster-create" | "pools-create" | "driver" | "row-install" | "image-pull" | "weights" | "load" | "job-overhead" | "run" | "row-teardown"
  | "pools-delete" | "cluster-delete";

/** Phase kinds in timeline order, with the label the plan prints. */
export const PHASE_LABELS: Record<PhaseKind, string> = {
  "cluster-create": "cluster control plane",
  "pools-create": "node pools up",
  driver: "GPU driver install",
  "row-install": "row install",
  "image-pull": "engine image pull",
  weights: "weights download",
  load: "load and warm-up",
  "job-overhead": "Job start and upload",
  run: "benchmark run",
  "row-teardown": "row teardown",
  "pools-delete": "node pools deleted",
  "cluster-delete": "control plane deleted",
};

export interface Phase {
  kind: PhaseKind;
  /** The row the phase belongs to; undefined for the cluster's own phases. */
  row?: string;
  seconds: number;
  /** The GPU nodes exist (and bill) during the phase. */
  gpuBilled: boolean;
  /** Part of the benchmark Job's measured run (harness warm-up and pauses included). */
  inside: boolean;
  /** What this instance of the phase is: "vllm/vllm-openai:v0.8.5, 10 GB at 0.05 GB/s", "cache hit". */
  detail: string;
  source: string;
}

/** What the shared cluster's nodes already hold when a row starts. */
export interface NodeState {
  /** Engine images on the GPU nodes (pulled by an earlier row). */
  images: Set<string>;
  /** Models in the cluster's weights cache; undefined when the cluster has no weights cache. */
  cachedModels?: Set<string>;
}

export const freshNodes = (weightsCache: boolean): NodeState => ({ images: new Set(), cachedModels: weightsCache ? new Set() : undefined });

/** The row's parts the timeline reads. */
export type RowConfig = Pick<ExperimentConfig, "model" | "engine" | "kvCache" | "benchmark" | "cluster" | "router">;

export interface RowInput {
  name: string;
  config: RowConfig;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Weights on disk in GB and where the figure comes from: the config, the model catalog, the repository name. */
export function weightsGb(model: ModelConfig): { gb: number; source: string } {
  if (model.sizeGb !== undefined) return { gb: model.sizeGb, source: "servelab:model.sizeGb" };
  const facts = findModel(hfRepo(model));
  if (facts) {
    const bytes = isEightBitCheckpoint(model) ? 1 : 2;
    return { gb: round1(facts.paramsB * bytes), source: `model catalog: ${facts.paramsB} B parameters × ${bytes} byte${bytes > 1 ? "s" : ""} (components/catalog/models.ts)` };
  }
  const guessed = modelSizeGb(model);
  if (guessed !== undefined) return { gb: guessed, source: "estimated from the parameter count in the repository name (engine/sizing.ts)" };
  return { gb: UNKNOWN_MODEL_GB, source: `servelab assumption: ${UNKNOWN_MODEL_GB} GB for a model of unknown size; set servelab:model.sizeGb` };
}

function imageGb(image: string): number {
  return ENGINE_IMAGE_GB[image] ?? UNKNOWN_IMAGE_GB;
}

/** One phase of the cluster itself (none for an existing cluster); VKE borrows the GKE figure and says so. */
function clusterPhase(cluster: ClusterConfig, kind: PhaseKind, constant: { seconds: number; source: string }, gpuBilled: boolean): Phase {
  const onVke = cluster.provider === "vke" ? " (a GKE figure, used for VKE)" : "";
  return { kind, seconds: constant.seconds, gpuBilled, inside: false, detail: "", source: constant.source + onVke };
}

/** The cluster's creation: control plane (no GPU node yet), pools, driver. None for an existing cluster. */
export function clusterCreatePhases(cluster: ClusterConfig): Phase[] {
  if (cluster.provider === "kubeconfig") return [];
  return [
    clusterPhase(cluster, "cluster-create", CLUSTER_CREATE, false),
    clusterPhase(cluster, "pools-create", POOLS_CREATE, true),
    clusterPhase(cluster, "driver", DRIVER_INSTALL, true),
  ];
}

export function clusterDeletePhases(cluster: ClusterConfig): Phase[] {
  if (cluster.provider === "kubeconfig") return [];
  return [clusterPhase(cluster, "pools-delete", POOLS_DELETE, true), clusterPhase(cluster, "cluster-delete", CLUSTER_DELETE, false)];
}

/**
 * One row on a cluster whose GPU nodes are up: install, engine image pull (none when the nodes hold the image),
 * weights download (none on a weights-cache hit), load and warm-up, the Job around its run, the run, the row's
 * teardown (its objects are deleted before the cluster's pools, in either flow). Records what the row leaves
 * on the nodes in `nodes`. Replicas start in parallel, so one replica's path is the row's.
 */
export function rowPhases(row: RowInput, nodes: NodeState): Phase[] {
  const { model, engine, kvCache, benchmark } = row.config;
  const p = (kind: PhaseKind, seconds: number, detail: string, source: string, inside = false): Phase => ({ kind, row: row.name, seconds, gpuBilled: true, inside, detail, source });
  const phases: Phase[] = [p("row-install", ROW_INSTALL.seconds, "", ROW_INSTALL.source)];

  const image = runningEngineImage({ engine, kvCache });
  if (nodes.images.has(image)) {
    phases.push(p("image-pull", 0, `${image} already on the nodes`, IMAGE_REUSE_SOURCE));
  } else {
    const gb = imageGb(image);
    const known = ENGINE_IMAGE_GB[image] !== undefined;
    phases.push(p("image-pull", gb / IMAGE_PULL_GB_PER_SECOND.value, `${image}, ${gb} GB${known ? "" : " (size unknown, assumed)"} at ${IMAGE_PULL_GB_PER_SECOND.value} GB/s`, `${ENGINE_IMAGE_GB_SOURCE}; ${IMAGE_PULL_GB_PER_SECOND.source}`));
    nodes.images.add(image);
  }

  const size = weightsGb(model);
  // The cache holds a repository at a revision; another revision is another download.
  const repo = `${hfRepo(model).toLowerCase()}@${model.revision ?? "main"}`;
  // Only the engines servelab renders use the cluster's cache (engine/weightsCache.ts); the others download each time.
  const cache = usesWeightsCache(row.config) ? nodes.cachedModels : undefined;
  if (cache?.has(repo)) {
    phases.push(p("weights", 0, `cache hit: ${hfRepo(model)} in the cluster's weights cache`, "weights cache (read at the load rate below)"));
  } else {
    const rate = downloadGbPerSecond(model);
    const from = weightsSource(model) === "object-storage" ? "object storage" : weightsSource(model) === "hf-mirror" ? "a Hugging Face mirror" : "Hugging Face";
    const rateSource = rate === OBJECT_STORE_GB_PER_SECOND ? "OBJECT_STORE_GB_PER_SECOND" : rate === HF_GB_PER_SECOND ? "HF_GB_PER_SECOND" : "download rate";
    const fill = cache ? "; fills the weights cache" : "";
    phases.push(p("weights", size.gb / rate, `${size.gb} GB from ${from} at ${rate} GB/s${fill}`, `${size.source}; ${rateSource}, servelab assumption (components/engine/weights.ts)`));
    cache?.add(repo);
  }

  const shardGb = size.gb / engine.tensorParallel;
  phases.push(
    p(
      "load",
      shardGb / LOAD_GB_PER_SECOND + WARMUP_SECONDS,
      `${round1(shardGb)} GB a GPU at ${LOAD_GB_PER_SECOND} GB/s + ${WARMUP_SECONDS} s warm-up`,
      "LOAD_GB_PER_SECOND and WARMUP_SECONDS (components/engine/sizing.ts), in line with a published vLLM cold start of 233 s (tensorfuse.io, Llama-3.1-8B on L40S)",
    ),
  );

  if (benchmark) {
    const overhead = benchmark.harness === "kubeai-chat-k6" ? JOB_OVERHEAD_K6 : JOB_OVERHEAD;
    phases.push(p("job-overhead", overhead.seconds, "", overhead.source));
    const run = benchmarkRun(benchmark);
    phases.push(p("run", run.seconds, run.bound === "exact" ? "" : run.bound, run.basis, true));
  } else {
    phases.push(p("run", 0, "no servelab:benchmark: the row serves and nothing is measured", "the row's config", true));
  }
  phases.push(p("row-teardown", ROW_TEARDOWN.seconds, "", ROW_TEARDOWN.source));
  return phases;
}

