/**
 * GKE GPU machine types servelab can put in a GPU pool. GPU counts, accelerator strings and local SSD
 * counts are from GoogleCloudPlatform/cluster-toolkit (modules/internal/gpu-definition/main.tf and
 * modules/compute/gke-node-pool/disk_definitions.tf). vCPU and memory are
 * Compute Engine's published shapes. Prices are approximate us-central1 on-demand list prices in USD
 * per hour for the whole VM (GPUs included), as known on PRICES_READ_ON; they were not re-read from a
 * live price list on this machine, differ by region, and exclude spot/flex-start discounts and disks.
 */
export const PRICES_READ_ON = "2025-06 (public GCP price list, us-central1; approximate)";

export type GkeGpuType = "l4" | "h100" | "h200";

export interface GpuMachine {
  machineType: string;
  gpuType: GkeGpuType;
  /** `guestAccelerators[].type` and the value of the node label cloud.google.com/gke-accelerator. */
  accelerator: string;
  gpus: number;
  vcpu: number;
  memoryGb: number;
  /** Local SSDs (375 GB each) that come with the machine type and must be configured on the pool. */
  localSsds: number;
  usdPerHour: number;
  /** Boot disk type of a pool of this machine (BOOT_DISK_TYPES); omitted = pd-balanced. */
  bootDiskType?: GkeBootDiskType;
  /** How its capacity can be obtained; omitted = also plain on-demand (CAPACITY_ONLY_THROUGH). */
  capacity?: "reservation-flex-start-or-spot";
}

export type GkeBootDiskType = "pd-balanced" | "hyperdisk-balanced";

/**
 * A3 Ultra (a3-ultragpu-*) boots only from Hyperdisk: Compute Engine's machine-series disk support table
 * lists no Persistent Disk type for it (https://cloud.google.com/compute/docs/disks#disk-types, A3 Ultra row;
 * GoogleCloudPlatform/cluster-toolkit examples/gke-a3-ultragpu/gke-a3-ultragpu.yaml pairs it with
 * hyperdisk-balanced pools), and its capacity comes only through a reservation, flex-start (DWS) or Spot
 * (https://cloud.google.com/ai-hypercomputer/docs/consumption-models; the toolkit's A3 Ultra blueprint
 * consumes a SPECIFIC_RESERVATION or flex-start). Both read from Google's documentation, not re-checked here.
 */
const A3_ULTRA = { bootDiskType: "hyperdisk-balanced", capacity: "reservation-flex-start-or-spot" } as const;

export function bootDiskType(machine: Pick<GpuMachine, "bootDiskType">): GkeBootDiskType {
  return machine.bootDiskType ?? "pd-balanced";
}

export const GPU_MEMORY_GB: Record<GkeGpuType, number> = { l4: 24, h100: 80, h200: 141 };

const l4 = (machineType: string, gpus: number, vcpu: number, memoryGb: number, usdPerHour: number): GpuMachine => ({
  machineType, gpuType: "l4", accelerator: "nvidia-l4", gpus, vcpu, memoryGb, localSsds: 0, usdPerHour,
});

export const GKE_GPU_MACHINES: readonly GpuMachine[] = [
  l4("g2-standard-4", 1, 4, 16, 0.71),
  l4("g2-standard-8", 1, 8, 32, 0.85),
  l4("g2-standard-12", 1, 12, 48, 1.0),
  l4("g2-standard-16", 1, 16, 64, 1.15),
  l4("g2-standard-32", 1, 32, 128, 1.73),
  l4("g2-standard-24", 2, 24, 96, 2.0),
  l4("g2-standard-48", 4, 48, 192, 4.0),
  l4("g2-standard-96", 8, 96, 384, 8.0),
  { machineType: "a3-highgpu-1g", gpuType: "h100", accelerator: "nvidia-h100-80gb", gpus: 1, vcpu: 26, memoryGb: 234, localSsds: 2, usdPerHour: 11.06 },
  { machineType: "a3-highgpu-2g", gpuType: "h100", accelerator: "nvidia-h100-80gb", gpus: 2, vcpu: 52, memoryGb: 468, localSsds: 4, usdPerHour: 22.12 },
  { machineType: "a3-highgpu-4g", gpuType: "h100", accelerator: "nvidia-h100-80gb", gpus: 4, vcpu: 104, memoryGb: 936, localSsds: 8, usdPerHour: 44.25 },
  { machineType: "a3-highgpu-8g", gpuType: "h100", accelerator: "nvidia-h100-80gb", gpus: 8, vcpu: 208, memoryGb: 1872, localSsds: 16, usdPerHour: 88.49 },
  { machineType: "a3-megagpu-8g", gpuType: "h100", accelerator: "nvidia-h100-mega-80gb", gpus: 8, vcpu: 208, memoryGb: 1872, localSsds: 16, usdPerHour: 97.0 },
  { machineType: "a3-ultragpu-8g", gpuType: "h200", accelerator: "nvidia-h200-141gb", gpus: 8, vcpu: 224, memoryGb: 2952, localSsds: 32, usdPerHour: 84.81, ...A3_ULTRA },
];

/**
 * The machine a `(type, perNode)` pair selects when no machineType is given. For L4 with one GPU the
 * 8-vCPU shape is the default: g2-standard-4 (16 GB) cannot hold an 8B model's engine plus its host buffers.
 */
const DEFAULT_MACHINE: Record<string, string> = {
  "l4/1": "g2-standard-8",
  "l4/2": "g2-standard-24",
  "l4/4": "g2-standard-48",
  "l4/8": "g2-standard-96",
  "h100/1": "a3-highgpu-1g",
  "h100/2": "a3-highgpu-2g",
  "h100/4": "a3-highgpu-4g",
  "h100/8": "a3-highgpu-8g",
  "h200/8": "a3-ultragpu-8g",
};

export function findGpuMachine(machineType: string): GpuMachine | undefined {
  return GKE_GPU_MACHINES.find((m) => m.machineType === machineType);
}

export function defaultGpuMachine(type: GkeGpuType, perNode: number): GpuMachine | undefined {
  const name = DEFAULT_MACHINE[`${type}/${perNode}`];
  return name ? findGpuMachine(name) : undefined;
}

export function gpuCountsOffered(type: GkeGpuType): number[] {
  return [...new Set(GKE_GPU_MACHINES.filter((m) => m.gpuType === type).map((m) => m.gpus))].sort((a, b) => a - b);
}

/** CPU machines for the system pool (routers, gateways, benchmark clients). */
export interface CpuMachine {
  machineType: string;
  vcpu: number;
  memoryGb: number;
  usdPerHour: number;
}

export const GKE_CPU_MACHINES: readonly CpuMachine[] = [
  { machineType: "e2-standard-4", vcpu: 4, memoryGb: 16, usdPerHour: 0.134 },
  { machineType: "e2-standard-8", vcpu: 8, memoryGb: 32, usdPerHour: 0.268 },
  { machineType: "e2-standard-16", vcpu: 16, memoryGb: 64, usdPerHour: 0.536 },
  { machineType: "e2-standard-32", vcpu: 32, memoryGb: 128, usdPerHour: 1.072 },
  { machineType: "n2-standard-8", vcpu: 8, memoryGb: 32, usdPerHour: 0.388 },
  { machineType: "n2-standard-16", vcpu: 16, memoryGb: 64, usdPerHour: 0.777 },
  { machineType: "n2-standard-32", vcpu: 32, memoryGb: 128, usdPerHour: 1.554 },
  { machineType: "c3-standard-8", vcpu: 8, memoryGb: 32, usdPerHour: 0.419 },
  { machineType: "c3-standard-22", vcpu: 22, memoryGb: 88, usdPerHour: 1.153 },
];

export function findCpuMachine(machineType: string): CpuMachine | undefined {
  return GKE_CPU_MACHINES.find((m) => m.machineType === machineType);
}

/** GKE Standard cluster management fee, USD per hour per cluster. */
export const GKE_CLUSTER_FEE_USD_PER_HOUR = 0.1;

/**
 * Memory and CPU GKE keeps back from every node (kubelet, system daemons, eviction threshold), from
 * GKE's documented allocatable formula; plus a fixed headroom for the DaemonSets GKE runs on GPU nodes
 * (device plugin, logging, metrics, GCS FUSE, DCGM), which the formula does not include.
 */
/** Sum of share × amount over consecutive tiers ([size, share]), as GKE's reservation tables are written. */
function tieredReservation(amount: number, tiers: Array<[number, number]>): number {
  let rest = amount;
  let reserved = 0;
  for (const [size, share] of tiers) {
    const part = Math.min(rest, size);
    reserved += part * share;
    rest -= part;
    if (rest <= 0) break;
  }
  return reserved;
}

export function gkeAllocatable(vcpu: number, memoryGb: number): { cpu: number; memoryGb: number } {
  const reservedMem = tieredReservation(memoryGb, [[4, 0.25], [4, 0.2], [8, 0.1], [112, 0.06], [Infinity, 0.02]]);
  const reservedCpu = tieredReservation(vcpu, [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]]);
  const daemonSetHeadroom = { cpu: 1, memoryGb: 2 };
  const evictionThresholdGb = 0.1;
  return {
    cpu: vcpu - reservedCpu - daemonSetHeadroom.cpu,
    memoryGb: memoryGb - reservedMem - evictionThresholdGb - daemonSetHeadroom.memoryGb,
  };
}
