/**
 * The cluster's weights cache (servelab:cluster.weightsCache), pure. `nodeDisk`: a directory on each GPU node (a
 * hostPath) with one folder per model. Before vLLM starts, the `weights-cache` init container finds the model's
 * folder (a hit) or fills it from the row's weights source (a miss: Hugging Face or its mirror through the engine
 * image's Hugging Face CLI, or the object-storage copy of weights.ts) into a temporary folder that is renamed into
 * place only when complete, so a folder that exists is whole; of the pods on a node that miss at once, one fills and
 * the others wait for its folder (weightsCacheScript). It logs "weights-cache: hit <key>" or "weights-cache: miss
 * <key>" first (a pod that waited for another's fill missed too: its start included the download), which the matrix
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
  /** The container's requests and limits, where the fill needs more than COPY_RESOURCES. */
  resources?: k8s.types.input.core.v1.ResourceRequirements;
}

/**
 * Memory of a Hugging Face fill: vLLM's images install huggingface_hub with hf_xet (vLLM requirements/common.txt
 * `huggingface-hub[hf_xet]` since vllm-project/vllm#15873, in v0.8.5), whose chunked downloads buffer gigabytes:
 * pods limited to about 4 GiB are OOM-killed on models of 8 GB and more (huggingface/huggingface_hub#3300,
 * kserve/kserve#5326). The fill gets the engine container's memory, which the pod requests anyway (an init
 * container's request only counts where it exceeds the sum of the app containers').
 */
export function hubFillResources(engineMemory: string): k8s.types.input.core.v1.ResourceRequirements {
  const r = { cpu: COPY_RESOURCES.limits.cpu, memory: engineMemory };
  return { requests: r, limits: r };
}

/**
 * How a miss fills the folder. Hugging Face: the Hugging Face CLI (installed with vLLM's huggingface_hub dependency in
 * the engine image) downloads the repository without `original/`, where Meta's repositories keep a second copy of the
 * weights in their own format that vLLM does not load.
 */
export function cacheFill(model: ModelConfig, engineImage: string, imageRegistry: string | undefined, region: string | undefined, hfTokenSecret?: pulumi.Input<string>, engineMemory?: string): CacheFill {
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
  return { image: engineImage, script: `${cli}${shellWords(argv)}`, env, ...(engineMemory ? { resources: hubFillResources(engineMemory) } : {}) };
}

/**
 * How often a waiting pod looks again, how often the filling pod touches its folder, and how long a folder may go
 * untouched before it counts as a fill that died with its pod (SIGKILL, OOM, node reboot) and is taken over.
 */
export const CACHE_FILL_TIMING = { pollSeconds: 10, heartbeatSeconds: 30, staleSeconds: 300 } as const;
export type CacheFillTiming = { pollSeconds: number; heartbeatSeconds: number; staleSeconds: number };

/**
 * The shell of the init container (POSIX sh: dash in the Ubuntu-based vLLM images). A hit exits at once. On a miss,
 * one pod per node and model fills: `mkdir` of the fill folder is the lock, so the engine pods of one row on one node
 * (8 at once on cluster-gke-h100x8) download once and the others wait for the folder instead of each downloading a
 * copy onto the boot disk. A failed fill removes its folder (the next try misses again at once); a killed one stops
 * touching it and is taken over after staleSeconds. Every step that must succeed is a simple command, so `set -e`
 * stops the container on its failure: sh ignores -e for all but the last command of an && or || list.
 */
export function weightsCacheScript(key: string, fill: string, timing: CacheFillTiming = CACHE_FILL_TIMING): string {
  const dir = `${WEIGHTS_CACHE_MOUNT}/${key}`;
  const lock = `${WEIGHTS_CACHE_MOUNT}/.fill-${key}`;
  const staleMinutes = Math.ceil((2 * timing.staleSeconds) / 60);
  return [
    "set -eu",
    `dir='${dir}'`,
    `lock='${lock}'`,
    `if [ -d "$dir" ]; then echo 'weights-cache: hit ${key}'; exit 0; fi`,
    `echo 'weights-cache: miss ${key}'`,
    // Fills of other models whose pods died and never came back.
    `find '${WEIGHTS_CACHE_MOUNT}' -maxdepth 1 -name '.fill-*' -mmin +${staleMinutes} -exec rm -rf {} + 2>/dev/null || true`,
    "waiting=",
    `until mkdir "$lock" 2>/dev/null; do`,
    `  if [ -d "$dir" ]; then echo 'weights-cache: another pod on this node filled ${key}'; exit 0; fi`,
    // The lock went between the two looks: take it, or fail here with mkdir's own error (disk full, read-only).
    '  if [ ! -d "$lock" ]; then mkdir "$lock"; break; fi',
    '  age=$(( $(date +%s) - $(stat -c %Y "$lock" 2>/dev/null || date +%s) ))',
    `  if [ "$age" -gt ${timing.staleSeconds} ]; then`,
    `    echo 'weights-cache: the fill of ${key} stopped; taking it over'`,
    '    stale="$lock.stale-$(cat /etc/hostname)"',
    '    if mv -T "$lock" "$stale" 2>/dev/null; then rm -rf "$stale"; fi',
    "  else",
    `    if [ -z "$waiting" ]; then echo 'weights-cache: another pod on this node fills ${key}; waiting for it'; waiting=1; fi`,
    `    sleep ${timing.pollSeconds}`,
    "  fi",
    "done",
    `if [ -d "$dir" ]; then rmdir "$lock"; echo 'weights-cache: another pod on this node filled ${key}'; exit 0; fi`,
    `( while sleep ${timing.heartbeatSeconds} && [ -d "$lock" ]; do touch -c "$lock"; done ) >/dev/null 2>&1 &`,
    "beat=$!",
    `trap 'kill "$beat" 2>/dev/null; rm -rf "$lock"' EXIT`,
    'cd "$lock"',
    fill,
    "cd /",
    'kill "$beat" 2>/dev/null || true',
    'mv -T "$lock" "$dir"',
    "trap - EXIT",
  ].join("\n");
}

export function weightsCacheContainer(model: ModelConfig, fill: CacheFill): Container {
  return {
    name: WEIGHTS_CACHE_CONTAINER,
    image: fill.image,
    command: ["sh", "-c", weightsCacheScript(weightsCacheKey(model), fill.script)],
    env: fill.env,
    ...(fill.envFrom ? { envFrom: fill.envFrom } : {}),
    resources: fill.resources ?? COPY_RESOURCES,
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
