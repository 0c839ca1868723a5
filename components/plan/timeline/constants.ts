/**
 * The durations the plan's timeline is made of, each with where it comes from. Rates that the engine's startup
 * budget already uses are not repeated here: weights download rates (engine/weights.ts), weights load rate and
 * warm-up (engine/sizing.ts). A duration no published measurement was found for says "servelab assumption".
 */

export interface Timed {
  seconds: number;
  source: string;
}

/** GKE control plane, before any node pool: wall time only, no GPU node exists yet. */
export const CLUSTER_CREATE: Timed = {
  seconds: 360,
  source: "servelab assumption: a zonal GKE Standard control plane in about 6 minutes",
};

/**
 * The node pools (system and GPU, created in parallel) until the GPU nodes are Ready: VM creation, boot and
 * node registration. The GPU machines bill from VM creation on.
 */
export const POOLS_CREATE: Timed = {
  seconds: 240,
  source: "servelab assumption: GPU VMs created, booted and registered in about 4 minutes",
};

/**
 * GKE's NVIDIA driver installer (gpuDriverInstallationConfig LATEST, cluster/gkeSpec.ts) runs as a DaemonSet on
 * each new GPU node; the GPUs become allocatable when it ends.
 */
export const DRIVER_INSTALL: Timed = {
  seconds: 180,
  source: "servelab assumption: GKE's driver installer DaemonSet done about 3 minutes after the node is Ready",
};

/** The GPU pool's VMs deleted at `pulumi destroy`: the GPUs bill until then. */
export const POOLS_DELETE: Timed = {
  seconds: 180,
  source: "servelab assumption: GPU node pool deleted in about 3 minutes",
};

/** The control plane deleted after the pools: wall time only. */
export const CLUSTER_DELETE: Timed = {
  seconds: 300,
  source: "servelab assumption: GKE control plane deleted in about 5 minutes",
};

/**
 * A row's Kubernetes objects before its engines start: namespace, Secret, the router's chart or release files
 * (their images pull on the system pool, small beside the engine image), CRDs.
 */
export const ROW_INSTALL: Timed = {
  seconds: 60,
  source: "servelab assumption: a row's objects, router install and CRDs in about 1 minute before the engines start",
};

/**
 * A row's destroy on a shared cluster: the engine pods stop within their 60 s termination grace period
 * (engine/manifests.ts terminationGracePeriodSeconds) and the router's install is removed.
 */
export const ROW_TEARDOWN: Timed = {
  seconds: 90,
  source: "engine pods' 60 s termination grace period (components/engine/manifests.ts) + 30 s servelab assumption for the router's removal",
};

/**
 * The benchmark Job around its measured run: pod start on the system pool, the driver's pip installs or
 * downloads, the readiness gate's one request, the results printed and uploaded.
 */
export const JOB_OVERHEAD: Timed = {
  seconds: 90,
  source: "servelab assumption: benchmark pod start, pip installs, readiness gate and results upload in about 1.5 minutes",
};

/**
 * kubeai-chat-k6 downloads k6 and ShareGPT (about 700 MB) and prepares the message threads before its runs
 * (benchmark/kubeaiChatK6.ts).
 */
export const JOB_OVERHEAD_K6: Timed = {
  seconds: 300,
  source: "servelab assumption: k6 and ShareGPT (about 700 MB) downloaded and message threads prepared in about 5 minutes",
};

/**
 * containerd pull of an engine image: layer download and unpacking. Engine images are pulled once per node;
 * a later pod on the same node reuses the image while the kubelet keeps it (it removes unused images only
 * above imageGCHighThresholdPercent, default 85 % of the image disk:
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/).
 */
export const IMAGE_REUSE_SOURCE =
  "the kubelet keeps pulled images and removes unused ones only above imageGCHighThresholdPercent, default 85 % (https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/)";
export const IMAGE_PULL_GB_PER_SECOND: { value: number; source: string } = {
  value: 0.05,
  source: "servelab assumption: 50 MB/s of compressed layers downloaded and unpacked (gzip) from Docker Hub",
};

/**
 * Compressed sizes of the engine images servelab's rows use, in GB. Not read from the registries (no access from
 * this machine): vLLM's CUDA images were about 9 GB compressed on Docker Hub in 2024 (vllm-project/vllm#7609) and
 * grew to about 25 GB on a node's disk by April 2025 (vllm-project/vllm#17163, the v0.8 series); the LMCache
 * and AIBrix builds add their libraries to a vLLM image.
 */
export const ENGINE_IMAGE_GB: Record<string, number> = {
  "vllm/vllm-openai:v0.8.5": 10,
  "vllm/vllm-openai:v0.10.2": 12,
  "lmcache/vllm-openai:v0.3.9post2": 12,
  "aibrix/vllm-openai:aibrix-kvcache-v0.8.5-20250520": 11,
};
export const ENGINE_IMAGE_GB_SOURCE =
  "servelab assumption from vllm-project/vllm#7609 (about 9 GB compressed, 2024) and #17163 (about 25 GB on disk, April 2025)";
/** An engine image not in ENGINE_IMAGE_GB. */
export const UNKNOWN_IMAGE_GB = 12;

/** Weights size of a model neither the config (model.sizeGb) nor the catalog knows. */
export const UNKNOWN_MODEL_GB = 20;
