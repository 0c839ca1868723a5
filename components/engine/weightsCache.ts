/**
 * The cluster's weights cache (servelab:cluster.weightsCache), pure. `nodeDisk`: a directory on each GPU node (a
 * hostPath) with one folder per model. Before vLLM starts, the `weights-cache` init container finds the model's
 * folder (a hit) or fills it from the row's weights source (a miss: Hugging Face or its mirror through the engine
 * image's Hugging Face CLI, or the object-storage copy of weights.ts) into a temporary folder that is renamed into
 * place only when complete, so a folder that exists is whole; two pods that miss at once both download and the
 * second rename loses. It logs one line, "weights-cache: hit <key>" or "weights-cache: miss <key>", which the matrix
 * collector records in run.json (benchmarks/results/weightsCacheLog.ts). vLLM then loads the folder (--model).
 *
 * The folders stay on the node when a row is destroyed: they belong to the cluster and go with its nodes.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { withRegistry } from "../catalog/imageRegistry";
import { ClusterFacts, ConfigRule, ConfigWarning } from "../cluster/facts";
import { ClusterConfig, ExperimentConfig, ModelConfig } from "../config/schema";
import { hfRepo, modelSizeGb } from "./sizing";
import { COPY_RESOURCES, HF_GB_PER_SECOND, OBJECT_STORE_GB_PER_SECOND, downloadGbPerSecond, objectStorageCopy, shellWords, weightsSource } from "./weights";

export const DEFAULT_NODE_CACHE_PATH = "/var/lib/servelab/weights-cache";
/** Where the cache is mounted in the init container and the engine. */
export const WEIGHTS_CACHE_MOUNT = "/weights-cache";
export const WEIGHTS_CACHE_VOLUME = "weights-cache";
export const WEIGHTS_CACHE_CONTAINER = "weights-cache";
/** Reading a local NVMe or persistent disk is far faster than any download; a round figure for the plan, not measured. */
export const NODE_DISK_GB_PER_SECOND = 1;
/** Routers whose engines servelab renders itself (engine/input.ts); the others' charts start their own. */
const CACHING_ROUTERS = new Set(["k8s-service", "aibrix", "llm-d"]);

type Container = k8s.types.input.core.v1.Container;

/**
 * The node directory of the cluster's cache, or undefined without one. The one reader of the key: a cluster kind
 * without it (e.g. a reference to another stack's cluster, which would pass the key on) simply has no cache.
 */
export function nodeWeightsCachePath(cluster: ClusterConfig): string | undefined {
  const cache = "weightsCache" in cluster ? cluster.weightsCache : undefined;
  return cache?.kind === "nodeDisk" ? (cache.path ?? DEFAULT_NODE_CACHE_PATH) : undefined;
}

export function usesWeightsCache(config: Pick<ExperimentConfig, "cluster" | "router">): boolean {
  return nodeWeightsCachePath(config.cluster) !== undefined && CACHING_ROUTERS.has(config.router.kind);
}

/** The model's folder name: its source (and revision), so two sources of one model never mix. */
export function weightsCacheKey(model: Pick<ModelConfig, "source" | "revision" | "weights">): string {
  const source = model.weights?.from ? model.weights.from.replace(/\/+$/, "") : `${hfRepo(model)}@${model.revision ?? "main"}`;
  return source.replace(/[^A-Za-z0-9._-]+/g, "--");
}

export function weightsCacheDir(model: Pick<ModelConfig, "source" | "revision" | "weights">): string {
  return `${WEIGHTS_CACHE_MOUNT}/${weightsCacheKey(model)}`;
}

export function weightsCacheVolume(path: string): k8s.types.input.core.v1.Volume {
  return { name: WEIGHTS_CACHE_VOLUME, hostPath: { path, type: "DirectoryOrCreate" } };
}

export interface CacheFill {
  image: string;
  /** Shell that fills the current directory with the model's files. */
  script: string;
  env: k8s.types.input.core.v1.EnvVar[];
  envFrom?: k8s.types.input.core.v1.EnvFromSource[];
}

/**
 * How a miss fills the folder. Hugging Face: the Hugging Face CLI (installed with vLLM's huggingface_hub dependency in
 * the engine image) downloads the repository without `original/`, where Meta's repositories keep a second copy of the
 * weights in their own format that vLLM does not load.
 */
export function cacheFill(model: ModelConfig, engineImage: string, imageRegistry: string | undefined, region: string | undefined, hfTokenSecret?: pulumi.Input<string>): CacheFill {
  if (model.weights?.from) {
    const copy = objectStorageCopy(model, imageRegistry, region, ".");
    return { image: copy.image, script: `${copy.setup}${shellWords(copy.argv)}`, env: copy.env, ...(copy.envFrom ? { envFrom: copy.envFrom } : {}) };
  }
  const argv = ["download", hfRepo(model), "--local-dir", ".", "--exclude", "original/*", ...(model.revision ? ["--revision", model.revision] : [])];
  const env: k8s.types.input.core.v1.EnvVar[] = [];
  if (hfTokenSecret) env.push({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: hfTokenSecret, key: "token" } } });
  if (model.weights?.hfEndpoint) env.push({ name: "HF_ENDPOINT", value: model.weights.hfEndpoint });
  // huggingface_hub 0.34 added `hf` beside `huggingface-cli`, and 1.0 keeps only `hf`; both take these arguments.
  const cli = 'cli=huggingface-cli; if command -v hf >/dev/null 2>&1; then cli=hf; fi; "$cli" ';
  return { image: engineImage, script: `${cli}${shellWords(argv)}`, env };
}

/** The shell of the init container: hit or fill, then one marker line either way. */
export function weightsCacheScript(key: string, fill: string): string {
  const dir = `${WEIGHTS_CACHE_MOUNT}/${key}`;
  return [
    "set -eu",
    `if [ -d '${dir}' ]; then echo 'weights-cache: hit ${key}'; exit 0; fi`,
    `echo 'weights-cache: miss ${key}'`,
    // Folders of fills that died with their pod; a live fill touches its folder far more often than this.
    `find '${WEIGHTS_CACHE_MOUNT}' -maxdepth 1 -name '.fill-*' -mmin +240 -exec rm -rf {} + || true`,
    `tmp='${WEIGHTS_CACHE_MOUNT}/.fill-${key}-'"$(cat /etc/hostname)"`,
    'rm -rf "$tmp" && mkdir -p "$tmp" && cd "$tmp"',
    fill,
    "cd /",
    `mv -T "$tmp" '${dir}' || { echo 'weights-cache: another pod filled ${key} first'; rm -rf "$tmp"; }`,
  ].join("\n");
}

export function weightsCacheContainer(model: ModelConfig, fill: CacheFill): Container {
  return {
    name: WEIGHTS_CACHE_CONTAINER,
    image: fill.image,
    command: ["sh", "-c", weightsCacheScript(weightsCacheKey(model), fill.script)],
    env: fill.env,
    ...(fill.envFrom ? { envFrom: fill.envFrom } : {}),
    resources: COPY_RESOURCES,
    volumeMounts: [{ name: WEIGHTS_CACHE_VOLUME, mountPath: WEIGHTS_CACHE_MOUNT }],
  };
}

/** What the plan shows: both outcomes, with the time each takes at servelab's assumed rates. */
export function weightsCachePlan(config: ExperimentConfig) {
  const path = nodeWeightsCachePath(config.cluster);
  if (!path) return undefined;
  const used = usesWeightsCache(config);
  const sizeGb = modelSizeGb(config.model);
  const minutes = (gbPerSecond: number) => (sizeGb === undefined ? null : Math.round((sizeGb / gbPerSecond / 60) * 10) / 10);
  return {
    kind: "nodeDisk",
    nodePath: path,
    used,
    ...(used
      ? {
          folder: weightsCacheDir(config.model),
          hit: { what: "vLLM loads the folder on the node", readMinutes: minutes(NODE_DISK_GB_PER_SECOND), rate: `${NODE_DISK_GB_PER_SECOND} GB/s assumed` },
          miss: {
            what: `the weights-cache init container downloads from ${weightsSource(config.model)} into the folder, then vLLM loads it`,
            downloadMinutes: minutes(downloadGbPerSecond(config.model)),
            rate: `${downloadGbPerSecond(config.model)} GB/s assumed (weights.ts: ${HF_GB_PER_SECOND} from Hugging Face, ${OBJECT_STORE_GB_PER_SECOND} from object storage)`,
          },
          recordedAs: "run.json engine.weightsCache: hit | miss",
        }
      : { why: `router.kind ${config.router.kind} starts its engines from its own chart or Model, which do not mount the cache` }),
  };
}

/** The boot (system) disk the hostPath lives on, where servelab knows it. */
function nodeDiskGb(cluster: ClusterConfig): number | undefined {
  if (cluster.provider === "gke") return cluster.gpu.bootDiskGb;
  if (cluster.provider === "vke") return cluster.gpu.diskGb;
  return undefined;
}

/** The cache keeps models across rows, so it must hold at least this row's model next to the images. */
const DISK_RESERVED_GB = 60;

export const weightsCacheRule: ConfigRule = (config, _facts: ClusterFacts, out) => {
  if (!usesWeightsCache(config)) return;
  const disk = nodeDiskGb(config.cluster);
  const size = modelSizeGb(config.model);
  if (disk === undefined || size === undefined) return;
  if (size > disk - DISK_RESERVED_GB) {
    const key = config.cluster.provider === "gke" ? "gpu.bootDiskGb" : "gpu.diskGb";
    out.push({
      path: "servelab:cluster.weightsCache",
      message: `nodeDisk keeps the model (${size} GB) on the GPU node's ${disk} GB ${config.cluster.provider === "gke" ? "boot" : "system"} disk, which also holds the images (${DISK_RESERVED_GB} GB kept for them); raise cluster.${key} to at least ${Math.ceil(size + DISK_RESERVED_GB)} or use kind: none`,
    });
  }
};

export const weightsCacheWarning: ConfigWarning = (config) => {
  if (!nodeWeightsCachePath(config.cluster) || usesWeightsCache(config)) return [];
  return [`servelab:cluster.weightsCache is set, but router.kind ${config.router.kind} starts its engines from its own chart or Model, which do not mount it: this row downloads the weights as without a cache`];
};
