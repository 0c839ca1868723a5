/**
 * What the rest of the program needs to know about the GPU and system pools, resolved from the
 * cluster config and the machine catalog without creating anything (pure).
 */
import {
  GPU_MEMORY_GB, GkeBootDiskType, GpuMachine, bootDiskType, defaultGpuMachine, findCpuMachine, findGpuMachine, gkeAllocatable, gpuCountsOffered,
} from "../catalog/gkeMachines";
import {
  VKE_GPU_MEMORY_GB, VKE_GPU_NAME, VkeGpuInstance, defaultVkeGpuInstance, findVkeCpuInstance, findVkeGpuInstance,
  mayHaveRdma, vkeDefaultPerNode, vkeGpuCountsKnown,
} from "../catalog/vkeMachines";
import { ConfigProblem } from "../config/problems";
import { ConfigRuleOf, ConfigWarningOf } from "../config/rule";
import { ClusterConfig, VkeClusterConfig } from "../config/schema";

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
  /** VKE: units of the RDMA extended resource one node offers, when known. */
  rdmaUnits?: number;
  /** GKE: the boot disk type the machine series supports. */
  bootDiskType?: GkeBootDiskType;
  /** GKE: false when the machine has no plain on-demand capacity (reservation, flex-start or spot only). */
  onDemand?: boolean;
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

/** A config rule of any component: reads the config and these facts, appends problems. */
export type ConfigRule = ConfigRuleOf<ClusterFacts>;
/** A rule about the cluster alone: it runs for a cluster stack and for every row on a cluster. */
export type ClusterRule = (config: { cluster: ClusterConfig }, facts: ClusterFacts, out: ConfigProblem[]) => void;
export type ConfigWarning = ConfigWarningOf<ClusterFacts>;

/** GKE local SSDs are 375 GB each (Compute Engine local SSD; cluster-toolkit disk_definitions.tf). */
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

const HOW_TO_FIND_VKE_TYPE =
  "find the id on the VKE console's node pool page or with volcengine.ecs.getInstanceTypes() / vke.getSupportResourceTypes(), then set cluster.gpu.instanceType and cluster.gpu.perNode";

function vkeInstance(cluster: VkeClusterConfig, problems: ConfigProblem[]): VkeGpuInstance | undefined {
  const { type, perNode, instanceType } = cluster.gpu;
  if (instanceType) {
    const known = findVkeGpuInstance(instanceType);
    if (known && known.gpuType !== type) {
      problems.push({ path: "servelab:cluster.gpu.instanceType", message: `"${instanceType}" has ${known.gpuType} GPUs, but cluster.gpu.type is ${type}` });
      return undefined;
    }
    if (known && perNode !== undefined && perNode !== known.gpus) {
      problems.push({ path: "servelab:cluster.gpu.perNode", message: `${perNode} does not match ${instanceType}, which has ${known.gpus} GPU${known.gpus > 1 ? "s" : ""}` });
      return undefined;
    }
    if (known) return known;
    if (perNode === undefined) {
      problems.push({ path: "servelab:cluster.gpu.perNode", message: `is required with an instance type servelab's catalog does not have ("${instanceType}"): the number of ${type} GPUs one node has` });
      return undefined;
    }
    return { instanceType, gpuType: type, gpus: perNode, rdma: mayHaveRdma(instanceType), source: "stack config" };
  }
  const wanted = perNode ?? vkeDefaultPerNode(type);
  const instance = wanted === undefined ? undefined : defaultVkeGpuInstance(type, wanted);
  if (!instance) {
    const counts = vkeGpuCountsKnown(type);
    const known = counts.length > 0 ? `servelab knows ${type} nodes with ${counts.join(", ")} GPUs` : `servelab knows no VKE instance type id for ${type}`;
    problems.push({
      path: "servelab:cluster.gpu.instanceType",
      message: `is required for ${wanted ?? "this number of"} ${type} GPUs a node (${known}); ${HOW_TO_FIND_VKE_TYPE}`,
    });
  }
  return instance;
}

function resolveVkeFacts(cluster: VkeClusterConfig, problems: ConfigProblem[]): ClusterFacts | undefined {
  const instance = vkeInstance(cluster, problems);
  const system = findVkeCpuInstance(cluster.system.instanceType);
  if (!system) {
    problems.push({ path: "servelab:cluster.system.instanceType", message: `"${cluster.system.instanceType}" is not a CPU instance type servelab knows the size of; use e.g. ecs.g3il.2xlarge, ecs.g3il.4xlarge, ecs.g1ie.4xlarge` });
  }
  if (!instance || !system) return undefined;
  const { type, nodes } = cluster.gpu;
  return {
    cloud: "vke",
    gpu: {
      type,
      perNode: instance.gpus,
      nodes,
      total: instance.gpus * nodes,
      machineType: instance.instanceType,
      accelerator: VKE_GPU_NAME[type],
      gpuMemoryGb: VKE_GPU_MEMORY_GB[type],
      // VKE's own reservations are unverified; GKE's published formula stands in as an estimate.
      allocatable: instance.vcpu !== undefined && instance.memoryGb !== undefined ? gkeAllocatable(instance.vcpu, instance.memoryGb) : undefined,
      localSsds: 0,
      rdmaUnits: instance.rdmaUnits,
    },
    system: { machineType: system.instanceType, nodes: cluster.system.nodes, allocatable: gkeAllocatable(system.vcpu, system.memoryGb) },
    rdma: cluster.gpu.rdma,
  };
}

export function resolveClusterFacts(cluster: ClusterConfig): { facts?: ClusterFacts; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (cluster.provider === "vke") {
    const facts = resolveVkeFacts(cluster, problems);
    return facts ? { facts, problems } : { problems };
  }
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
        bootDiskType: bootDiskType(machine),
        onDemand: machine.capacity === undefined,
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
