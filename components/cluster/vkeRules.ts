/** Config rules of VKE clusters (pure): zones in the region, the VPC range, RDMA on instance types that have it. */
import { VKE_GPU_INSTANCES, mayHaveRdma } from "../catalog/vkeMachines";
import { ClusterRule } from "./facts";
import { SERVICE_CIDR as VKE_SERVICE_CIDR } from "./vkeSpec";

const network: ClusterRule = ({ cluster }, _facts, out) => {
  if (cluster.provider !== "vke") return;
  cluster.zones.forEach((zone, i) => {
    if (!zone.startsWith(`${cluster.region}-`)) out.push({ path: `servelab:cluster.zones[${i}]`, message: `"${zone}" is not in region ${cluster.region}` });
  });
  if (new Set(cluster.zones).size !== cluster.zones.length) out.push({ path: "servelab:cluster.zones", message: "lists a zone twice" });
  if (cluster.zones.length > 16) out.push({ path: "servelab:cluster.zones", message: `${cluster.zones.length} zones: the /20 subnets of one /16 VPC cover at most 16` });
  if (cluster.vpcCidr.startsWith(`${VKE_SERVICE_CIDR.split(".").slice(0, 2).join(".")}.`)) {
    out.push({ path: "servelab:cluster.vpcCidr", message: `"${cluster.vpcCidr}" overlaps the cluster's Service range ${VKE_SERVICE_CIDR}, which VKE refuses; use another /16 such as "172.16.0.0/16"` });
  }
};

const rdma: ClusterRule = ({ cluster }, { gpu }, out) => {
  if (cluster.provider !== "vke") return;
  if (cluster.gpu.rdma && gpu.machineType && !mayHaveRdma(gpu.machineType)) {
    const rdmaTypes = VKE_GPU_INSTANCES.filter((m) => m.rdma).map((m) => m.instanceType).join(", ");
    out.push({
      path: "servelab:cluster.gpu.rdma",
      message: `true, but ${gpu.machineType} is not known to have RDMA NICs; use an HPC instance type (ecs.*hpc*, e.g. ${rdmaTypes}) or rdma: false`,
    });
  }
};

export const VKE_CLUSTER_RULES: readonly ClusterRule[] = [network, rdma];
