/**
 * What the rest of the program needs to know about the GPU and system pools, resolved from the
 * cluster config and the machine catalog without creating anything (pure).
 */
import {
  GPU_MEMORY_GB, GpuMachine, defaultGpuMachine, findCpuMachine, findGpuMachine, gkeAllocatable, gpuCountsOffered,
} from "../catalog/gkeMachines";
import { ConfigProblem } from "../config/problems";
import { ClusterConfig } from "../config/schema";

export interface NodeCapacity {
  cpu: number;
  memoryGb: number;
}

export interface GpuPoolFacts {
  type: string;
  perNode: number;
  nodes: number;
  total: number;
  machineType?: string;
  accelerator?: string;
  gpuMemoryGb?: number;
  /** What pods can request on one GPU node, when known. */
  allocatable?: NodeCapacity;
  localSsds: number;
  /** Disk for pods' ephemeral storage (emptyDirs, image layers) on one GPU node, in GB, when known. */
  nodeDiskGb?: number;
  usdPerHourPerNode?: number;
}

export interface SystemPoolFacts {
  machineType?: string;
  nodes?: number;
  allocatable?: NodeCapacity;
  usdPerHourPerNode?: number;
}

export interface ClusterFacts {
  cloud: ClusterConfig["provider"];
  gpu: GpuPoolFacts;
  system: SystemPoolFacts;
  rdma: boolean;
}

/** GKE local SSDs are 375 GB each (research/infra.md §1.2). */
const LOCAL_SSD_GB = 375;
const DEFAULT_PER_NODE = { l4: 1, h100: 8, h200: 8 } as const;

function gkeMachine(cluster: Extract<ClusterConfig, { provider: "gke" }>, problems: ConfigProblem[]): GpuMachine | undefined {
  const { type, perNode, machineType } = cluster.gpu;
  if (machineType) {
    const machine = findGpuMachine(machineType);
    if (!machine) {
      const known = ["g2-standard-*", "a3-highgpu-{1,2,4,8}g", "a3-megagpu-8g", "a3-ultragpu-8g"].join(", ");
      problems.push({ path: "servelab:cluster.gpu.machineType", message: `"${machineType}" is not a GKE GPU machine servelab knows; known: ${known}` });
      return undefined;
    }
    if (machine.gpuType !== type) {
      problems.push({ path: "servelab:cluster.gpu.machineType", message: `"${machineType}" has ${machine.gpuType} GPUs, but cluster.gpu.type is ${type}` });
      return undefined;
    }
    if (perNode !== undefined && perNode !== machine.gpus) {
      problems.push({ path: "servelab:cluster.gpu.perNode", message: `${perNode} does not match ${machineType}, which has ${machine.gpus} GPU${machine.gpus > 1 ? "s" : ""}` });
      return undefined;
    }
    return machine;
  }
  const wanted = perNode ?? DEFAULT_PER_NODE[type];
  const machine = defaultGpuMachine(type, wanted);
  if (!machine) {
    problems.push({
      path: "servelab:cluster.gpu.perNode",
      message: `GKE has no ${type} machine with ${wanted} GPUs; allowed for ${type}: ${gpuCountsOffered(type).join(", ")}`,
    });
  }
  return machine;
}

export function resolveClusterFacts(cluster: ClusterConfig): { facts?: ClusterFacts; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (cluster.provider === "kubeconfig") {
    const { gpu } = cluster;
    const allocatable = gpu.nodeCpu !== undefined && gpu.nodeMemoryGb !== undefined ? { cpu: gpu.nodeCpu, memoryGb: gpu.nodeMemoryGb } : undefined;
    return {
      problems,
      facts: {
        cloud: "kubeconfig",
        gpu: { type: gpu.type, perNode: gpu.perNode, nodes: gpu.nodes, total: gpu.perNode * gpu.nodes, gpuMemoryGb: gpu.gpuMemoryGb, allocatable, localSsds: 0 },
        system: {},
        rdma: cluster.rdma,
      },
    };
  }
  const machine = gkeMachine(cluster, problems);
  const system = findCpuMachine(cluster.system.machineType);
  if (!system) {
    problems.push({ path: "servelab:cluster.system.machineType", message: `"${cluster.system.machineType}" is not a CPU machine servelab knows the size of; use e.g. e2-standard-8, n2-standard-16, c3-standard-22` });
  }
  if (!machine || !system) return { problems };
  return {
    problems,
    facts: {
      cloud: "gke",
      gpu: {
        type: cluster.gpu.type,
        perNode: machine.gpus,
        nodes: cluster.gpu.nodes,
        total: machine.gpus * cluster.gpu.nodes,
        machineType: machine.machineType,
        accelerator: machine.accelerator,
        gpuMemoryGb: GPU_MEMORY_GB[machine.gpuType],
        allocatable: gkeAllocatable(machine.vcpu, machine.memoryGb),
        localSsds: machine.localSsds,
        nodeDiskGb: machine.localSsds > 0 ? machine.localSsds * LOCAL_SSD_GB : cluster.gpu.bootDiskGb,
        usdPerHourPerNode: machine.usdPerHour,
      },
      system: {
        machineType: system.machineType,
        nodes: cluster.system.nodes,
        allocatable: gkeAllocatable(system.vcpu, system.memoryGb),
        usdPerHourPerNode: system.usdPerHour,
      },
      rdma: false,
    },
  };
}
