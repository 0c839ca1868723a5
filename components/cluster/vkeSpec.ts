/**
 * VKE resource inputs as pure functions of the config (resource classes: ../volcengine/resources.ts),
 * so they are tested without Pulumi. Field names follow pulumi-volcengine v0.0.47.
 */
import type * as pulumi from "@pulumi/pulumi";
import { VKE_GPU_NAME_LABEL } from "../catalog/vkeMachines";
import { VkeClusterConfig } from "../config/schema";
import type { VkeAddonArgs, VkeClusterArgs, VkeNodePoolArgs } from "../volcengine/resources";
import { GpuPoolFacts } from "./facts";
import { GPU_POOL_NAME, GPU_TOLERATION, POOL_LABEL, Placement, SYSTEM_POOL_NAME } from "./types";

/** Service range of the cluster (the provider's own example; must not overlap the VPC). */
export const SERVICE_CIDR = "172.30.0.0/18";
/** VKE's device plugin addon; the provider lists it among the addons it can manage. Its default version is VKE's choice. */
export const NVIDIA_DEVICE_PLUGIN = "nvidia-device-plugin";

type Ref = pulumi.Input<string>;

export interface PoolNetwork {
  subnetIds: Ref[];
  securityGroupId: Ref;
}

export function vkeClusterName(stack: string, config: VkeClusterConfig): string {
  if (config.name) return config.name;
  return `servelab-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 64).replace(/-+$/, "");
}

export function vkeTags(stack: string): Array<{ key: string; value: string }> {
  return [{ key: "servelab-experiment", value: stack }];
}

/** One /20 a zone, carved from the VPC's /16 in order (172.16.0.0/20, 172.16.16.0/20, ...). */
export function subnetCidrs(vpcCidr: string, count: number): string[] {
  const [a, b] = vpcCidr.split(".");
  return Array.from({ length: count }, (_, i) => `${a}.${b}.${i * 16}.0/20`);
}

/**
 * The cluster: VPC-CNI pods on the node subnets, the API server reachable from outside (the public
 * kubeconfig needs it; VKE creates its EIP), nodes without public IPs (outbound goes through the NAT
 * gateway), and no delete protection so `pulumi destroy` can remove it.
 */
export function vkeClusterArgs(stack: string, config: VkeClusterConfig, subnetIds: Ref[]): VkeClusterArgs {
  const args: VkeClusterArgs = {
    name: vkeClusterName(stack, config),
    description: `servelab experiment ${stack}`,
    deleteProtectionEnabled: false,
    clusterConfig: {
      subnetIds,
      apiServerPublicAccessEnabled: true,
      apiServerPublicAccessConfig: { publicAccessNetworkConfig: { billingType: "PostPaidByBandwidth", bandwidth: 1 } },
      resourcePublicAccessDefaultEnabled: false,
    },
    podsConfig: { podNetworkMode: "VpcCniShared", vpcCniConfig: { subnetIds } },
    servicesConfig: { serviceCidrsv4s: [SERVICE_CIDR] },
    tags: vkeTags(stack),
  };
  if (config.kubernetesVersion) args.kubernetesVersion = config.kubernetesVersion;
  if (config.projectName) args.projectName = config.projectName;
  return args;
}

function security(config: VkeClusterConfig, network: PoolNetwork) {
  return {
    securityGroupIds: [network.securityGroupId],
    ...(config.sshKeyPairName ? { login: { sshKeyPairName: config.sshKeyPairName } } : {}),
  };
}

/**
 * A fixed number of nodes. VKE node pools have no node count; the pool's desired replicas with
 * autoscaling off holds that many (how VKE's manual scaling is expressed in the API; not tried on a
 * real account from here). desiredReplicas must lie within min..maxReplicas, and the provider sends
 * maxReplicas 10 when it is not set (terraform-provider-volcengine's schema default), so it is set to
 * the node count: an 11th node would otherwise be refused.
 */
function fixedSize(nodes: number) {
  return { enabled: false, maxReplicas: nodes, desiredReplicas: nodes, subnetPolicy: "ZoneBalance" as const };
}

export function vkeSystemPoolArgs(stack: string, config: VkeClusterConfig, network: PoolNetwork): Omit<VkeNodePoolArgs, "clusterId"> {
  return {
    name: SYSTEM_POOL_NAME,
    nodeConfig: {
      instanceTypeIds: [config.system.instanceType],
      subnetIds: network.subnetIds,
      security: security(config, network),
      systemVolume: { type: "ESSD_PL0", size: config.system.diskGb },
      instanceChargeType: "PostPaid",
      ...(config.projectName ? { projectName: config.projectName } : {}),
    },
    kubernetesConfig: { cordon: false, labels: [{ key: POOL_LABEL, value: "system" }] },
    autoScaling: fixedSize(config.system.nodes),
    tags: vkeTags(stack),
  };
}

/**
 * The GPU pool: tainted so only pods that tolerate nvidia.com/gpu land on it, labelled with servelab's
 * pool label, and (for an HPC instance type, rdma or not) inside an HPC cluster, which Volcengine's HPC
 * GPU families are created in (`hpcClusterIds`; volcengine/pulumi-volcengine v0.0.47 vke NodePool).
 */
export function vkeGpuPoolArgs(
  stack: string,
  config: VkeClusterConfig,
  gpu: GpuPoolFacts,
  network: PoolNetwork & { hpcClusterId?: Ref },
): Omit<VkeNodePoolArgs, "clusterId"> {
  const labels = [{ key: POOL_LABEL, value: "gpu" }];
  if (config.gpu.rdma) labels.push({ key: "servelab.dev/rdma", value: "true" });
  return {
    name: GPU_POOL_NAME,
    nodeConfig: {
      instanceTypeIds: [gpu.machineType!],
      subnetIds: network.subnetIds,
      security: security(config, network),
      systemVolume: { type: "ESSD_PL0", size: config.gpu.diskGb },
      instanceChargeType: "PostPaid",
      ...(network.hpcClusterId ? { hpcClusterIds: [network.hpcClusterId] } : {}),
      ...(config.projectName ? { projectName: config.projectName } : {}),
    },
    kubernetesConfig: {
      cordon: false,
      labels,
      taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
    },
    autoScaling: fixedSize(config.gpu.nodes),
    tags: vkeTags(stack),
  };
}

/** VKE's NVIDIA device plugin, so nodes advertise nvidia.com/gpu (deploy mode as in the provider's example). */
export function devicePluginAddonArgs(clusterId: Ref): VkeAddonArgs {
  return { clusterId, name: NVIDIA_DEVICE_PLUGIN, deployMode: "Unmanaged", deployNodeType: "Node" };
}

/** GPU pods: servelab's pool label, plus VKE's GPU model label where its value is known (catalog/vkeMachines.ts). */
export function vkeGpuPlacement(gpu: GpuPoolFacts): Placement {
  const nodeSelector: Record<string, string> = { [POOL_LABEL]: "gpu" };
  if (gpu.accelerator) nodeSelector[VKE_GPU_NAME_LABEL] = gpu.accelerator;
  return { nodeSelector, tolerations: [GPU_TOLERATION] };
}

export function vkeSystemPlacement(): Placement {
  return { nodeSelector: { [POOL_LABEL]: "system" }, tolerations: [] };
}

/** The cluster's kubeconfig outputs are base64; the Kubernetes provider wants the YAML. */
export function decodeKubeconfig(base64: string): string {
  const text = Buffer.from(base64, "base64").toString("utf8");
  if (!/\bapiVersion:|"apiVersion"/.test(text)) throw new Error("servelab: the VKE cluster's Public kubeconfig (vke.getKubeconfigs) is not a base64 kubeconfig (is the API server's public access on?)");
  return text;
}
