/**
 * Volcengine (VKE) instance types servelab can put in a pool. Few instance type ids are
 * published; each entry names its source. Volcengine prices were not found, so the
 * catalog has none and the plan's estimate leaves VKE machines unpriced.
 *
 * To find an id that is not here: the VKE console's node pool page, or the provider's data sources
 * `volcengine.ecs.getInstanceTypes()` (results carry gpu.gpuDevices[].productName and count) and
 * `volcengine.vke.getSupportResourceTypes({ zoneIds, resourceTypes: ["Ecs"] })`; then set
 * cluster.gpu.instanceType (and cluster.gpu.perNode).
 */

export const VKE_GPU_TYPES = ["a10", "l20", "a100-80gb", "a800-80gb", "h20", "h800"] as const;
export type VkeGpuType = (typeof VKE_GPU_TYPES)[number];

/** Memory of one GPU in GB (NVIDIA's published sizes). */
export const VKE_GPU_MEMORY_GB: Record<VkeGpuType, number> = {
  a10: 24, l20: 48, "a100-80gb": 80, "a800-80gb": 80, h20: 96, h800: 80,
};

/**
 * Value of the node label `machine.cluster.vke.volcengine.com/gpu-name` VKE puts on GPU nodes, where
 * it was seen (vllm-project/aibrix manifests: NVIDIA-A10, NVIDIA-L20, Tesla-A100-80G, and the v0.3.0
 * regression's node affinity: NVIDIA-H20-SXM5-96GB, benchmarks/scenarios/ps-experiment/llama-8b-v0.3.0/). For the other
 * types the value is unknown, so servelab places pods by its own pool label only.
 */
export const VKE_GPU_NAME_LABEL = "machine.cluster.vke.volcengine.com/gpu-name";
export const VKE_GPU_NAME: Partial<Record<VkeGpuType, string>> = {
  a10: "NVIDIA-A10", l20: "NVIDIA-L20", "a100-80gb": "Tesla-A100-80G", h20: "NVIDIA-H20-SXM5-96GB",
};

/** Extended resource VKE's RDMA device plugin advertises (pods request `vke.volcengine.com/rdma: "1"`). */
export const VKE_RDMA_RESOURCE = "vke.volcengine.com/rdma";

export interface VkeGpuInstance {
  instanceType: string;
  gpuType: VkeGpuType;
  gpus: number;
  /** vCPU and memory (GiB) when a source gave them; unknown sizes leave pod fit unchecked. */
  vcpu?: number;
  memoryGb?: number;
  /** RDMA NICs (HPC families). */
  rdma: boolean;
  /**
   * Units of VKE_RDMA_RESOURCE one node advertises, one a pod: assumed one a RDMA NIC (VKE's exclusive mode; the
   * shared modes of its RDMA add-on may differ). Unknown = the fit is not checked.
   */
  rdmaUnits?: number;
  source: string;
}

export const VKE_GPU_INSTANCES: readonly VkeGpuInstance[] = [
  { instanceType: "ecs.gni2.3xlarge", gpuType: "a10", gpus: 1, vcpu: 14, memoryGb: 56, rdma: false, source: "3rd-party (two repositories)" },
  {
    instanceType: "ecs.ebmhpcpni3l.48xlarge", gpuType: "h20", gpus: 8, vcpu: 192, memoryGb: 2048, rdma: true, rdmaUnits: 8,
    source: "vllm-project/aibrix samples/deepseek-r1/README.md (bare metal, 8 x 400 Gb RDMA, 4 x 3576 GiB NVMe)",
  },
  { instanceType: "ecs.hpcpni3ln.45xlarge", gpuType: "h20", gpus: 8, rdma: true, source: "3rd-party (a Chinese helm doc); vCPU and memory unknown" },
  { instanceType: "ecs.ebmhpcpni2l.32xlarge", gpuType: "a800-80gb", gpus: 8, rdma: true, source: "3rd-party; vCPU and memory unknown" },
];

/** Which instance a (type, perNode) pair selects when no instanceType is given: the fully known ones. */
const DEFAULT_INSTANCE: Record<string, string> = {
  "a10/1": "ecs.gni2.3xlarge",
  "h20/8": "ecs.ebmhpcpni3l.48xlarge",
  "a800-80gb/8": "ecs.ebmhpcpni2l.32xlarge",
};

export function findVkeGpuInstance(instanceType: string): VkeGpuInstance | undefined {
  return VKE_GPU_INSTANCES.find((m) => m.instanceType === instanceType);
}

export function defaultVkeGpuInstance(type: VkeGpuType, perNode: number): VkeGpuInstance | undefined {
  const id = DEFAULT_INSTANCE[`${type}/${perNode}`];
  return id ? findVkeGpuInstance(id) : undefined;
}

/** GPU counts the catalog has a default instance type for. */
export function vkeGpuCountsKnown(type: VkeGpuType): number[] {
  return Object.keys(DEFAULT_INSTANCE)
    .filter((k) => k.startsWith(`${type}/`))
    .map((k) => Number(k.split("/")[1]))
    .sort((a, b) => a - b);
}

/** The GPUs per node servelab assumes when perNode is omitted: the catalog's only size for the type. */
export function vkeDefaultPerNode(type: VkeGpuType): number | undefined {
  const counts = vkeGpuCountsKnown(type);
  return counts.length === 1 ? counts[0] : undefined;
}

/**
 * Volcengine's HPC GPU families (`hpc` in the family name, e.g. ecs.hpcpni3ln, ecs.ebmhpcpni2l) are
 * the ones sold with RDMA NICs; an instance type outside the catalog is trusted with `rdma: true` only
 * when it is one of them (an inference from the family names of the types in this catalog).
 */
export function mayHaveRdma(instanceType: string): boolean {
  const known = findVkeGpuInstance(instanceType);
  if (known) return known.rdma;
  return isHpcInstanceType(instanceType);
}

/**
 * An HPC GPU family. ECS creates instances of these inside an HPC cluster (RunInstances' HpcClusterId,
 * the VKE node pool's `hpcClusterIds`), whether or not the pods use the RDMA NICs, so servelab puts a
 * pool of such a type in one even with rdma: false. (Not tried on an account from here; an HPC cluster
 * is only a placement group, so creating one where it is optional costs nothing.)
 */
export function isHpcInstanceType(instanceType: string): boolean {
  return /^ecs\.[a-z]*hpc/.test(instanceType);
}

export interface VkeCpuInstance {
  instanceType: string;
  vcpu: number;
  memoryGb: number;
}

/**
 * CPU instance types for the system pool. The families appear in the provider's own examples
 * (ecs.g1ie, ecs.g3il); the sizes follow Volcengine's general-purpose naming (large = 2 vCPU / 8 GiB,
 * each step doubles), which is an inference, not read from a price list.
 */
const general = (family: string): VkeCpuInstance[] =>
  ([["xlarge", 4], ["2xlarge", 8], ["4xlarge", 16], ["8xlarge", 32]] as const).map(([size, vcpu]) => ({
    instanceType: `${family}.${size}`, vcpu, memoryGb: vcpu * 4,
  }));

export const VKE_CPU_INSTANCES: readonly VkeCpuInstance[] = [...general("ecs.g3il"), ...general("ecs.g1ie")];

export function findVkeCpuInstance(instanceType: string): VkeCpuInstance | undefined {
  return VKE_CPU_INSTANCES.find((m) => m.instanceType === instanceType);
}

export const VKE_PRICES_NOTE = "Volcengine prices are not in servelab's catalog (none were found from this machine); see the Volcengine console for the region's price";
