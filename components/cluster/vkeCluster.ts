import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isHpcInstanceType } from "../catalog/vkeMachines";
import { VkeClusterConfig } from "../config/schema";
import {
  EipAddress, EipAssociate, HpcCluster, NatGateway, SecurityGroup, SecurityGroupRule, SnatEntry, Subnet, VkeAddon,
  VkeClusterResource, VkeKubeconfig, VkeNodePool, VolcengineProvider, Vpc, getVkeKubeconfig,
} from "../volcengine/resources";
import { ClusterFacts } from "./facts";
import { clusterPlacement } from "./placement";
import { Cluster, Placement } from "./types";
import {
  decodeKubeconfig, devicePluginAddonArgs, subnetCidrs, vkeClusterArgs, vkeClusterName, vkeGpuPoolArgs, vkeSystemPoolArgs, vkeTags,
} from "./vkeSpec";

export interface VkeClusterArgs {
  config: VkeClusterConfig;
  facts: ClusterFacts;
  stack: string;
}

/**
 * A VKE cluster in its own VPC: one subnet a zone, a security group open inside the VPC, a NAT gateway
 * with an EIP for outbound traffic (image pulls, model downloads), the cluster, a CPU system pool, the
 * GPU pool (in an HPC cluster when its instance type is an HPC family, which all RDMA types are) and
 * VKE's NVIDIA device plugin. Destroyable.
 */
/** Validity of the kubeconfig credential servelab creates: the provider's default (26280 h; range 1-43800, terraform-provider-volcengine@v0.0.194 volcengine/vke/kubeconfig). */
export const VKE_KUBECONFIG_VALID_HOURS = 26280;

export class VkeCluster extends pulumi.ComponentResource implements Cluster {
  public readonly facts: ClusterFacts;
  public readonly cluster: VkeClusterResource;
  public readonly gpuPool: VkeNodePool;
  public readonly systemPool: VkeNodePool;
  public readonly devicePlugin: VkeAddon;
  public readonly provider: k8s.Provider;
  public readonly providerArgs: k8s.ProviderArgs;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly kubeconfigCredential: VkeKubeconfig;
  public readonly gpuPlacement: Placement;
  public readonly systemPlacement: Placement;

  constructor(name: string, args: VkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:cluster:VkeCluster", name, {}, opts);
    const { config, facts, stack } = args;
    this.facts = facts;
    const clusterName = vkeClusterName(stack, config);
    const tags = vkeTags(stack);
    const project = config.projectName ? { projectName: config.projectName } : {};
    const volc = new VolcengineProvider(`${name}-volcengine`, { region: config.region }, { parent: this });
    const on = { parent: this, provider: volc };

    const vpc = new Vpc(`${name}-vpc`, { vpcName: clusterName, cidrBlock: config.vpcCidr, tags, ...project }, on);
    const cidrs = subnetCidrs(config.vpcCidr, config.zones.length);
    const subnets = config.zones.map(
      (zone, i) => new Subnet(`${name}-subnet-${zone}`, { subnetName: `${clusterName}-${zone}`, cidrBlock: cidrs[i], zoneId: zone, vpcId: vpc.id, tags }, on),
    );
    const subnetIds = subnets.map((s) => s.id);
    const securityGroup = new SecurityGroup(`${name}-sg`, { securityGroupName: clusterName, vpcId: vpc.id, tags, ...project }, on);
    const rules = [
      new SecurityGroupRule(
        `${name}-sg-in-vpc`,
        { securityGroupId: securityGroup.id, direction: "ingress", protocol: "all", portStart: -1, portEnd: -1, cidrIp: config.vpcCidr, description: "nodes and pods of the VPC" },
        on,
      ),
      new SecurityGroupRule(
        `${name}-sg-out`,
        { securityGroupId: securityGroup.id, direction: "egress", protocol: "all", portStart: -1, portEnd: -1, cidrIp: "0.0.0.0/0", description: "outbound (through the NAT gateway)" },
        on,
      ),
    ];

    // Outbound traffic for nodes without public IPs: NAT gateway in the first zone, one SNAT entry a subnet.
    const nat = new NatGateway(`${name}-nat`, { vpcId: vpc.id, subnetId: subnetIds[0], natGatewayName: clusterName, spec: "Small", billingType: "PostPaid", tags, ...project }, on);
    const eip = new EipAddress(`${name}-eip`, { name: clusterName, billingType: "PostPaidByTraffic", bandwidth: config.natBandwidthMbps, isp: "BGP", tags, ...project }, on);
    const associate = new EipAssociate(`${name}-eip-nat`, { allocationId: eip.id, instanceId: nat.id, instanceType: "Nat" }, on);
    const snat = subnets.map(
      (subnet, i) => new SnatEntry(`${name}-snat-${config.zones[i]}`, { natGatewayId: nat.id, eipId: eip.id, subnetId: subnet.id, snatEntryName: `${clusterName}-${config.zones[i]}` }, { ...on, dependsOn: [associate] }),
    );

    this.cluster = new VkeClusterResource(`${name}-vke`, vkeClusterArgs(stack, config, subnetIds), { ...on, dependsOn: [...snat, ...rules] });
    const network = { subnetIds, securityGroupId: securityGroup.id };
    const poolOpts = { ...on, deleteBeforeReplace: true };
    this.systemPool = new VkeNodePool(`${name}-system-pool`, { ...vkeSystemPoolArgs(stack, config, network), clusterId: this.cluster.id }, poolOpts);
    // HPC GPU types (all the RDMA ones) are created only inside an HPC cluster, which is zonal: the pool stays in the first zone.
    const hpc = config.gpu.rdma || isHpcInstanceType(facts.gpu.machineType!)
      ? new HpcCluster(`${name}-hpc`, { zoneId: config.zones[0], name: clusterName, description: `servelab ${stack}: RDMA GPU nodes`, tags, ...project }, on)
      : undefined;
    const gpuNetwork = hpc ? { subnetIds: [subnetIds[0]], securityGroupId: securityGroup.id, hpcClusterId: hpc.id } : network;
    this.gpuPool = new VkeNodePool(`${name}-gpu-pool`, { ...vkeGpuPoolArgs(stack, config, facts.gpu, gpuNetwork), clusterId: this.cluster.id }, poolOpts);
    // Some VKE addons refuse deletion (the provider's docs: a forbidden error on destroy). The addon lives inside
    // the cluster, which destroy deletes next, so destroy only drops it from the state instead of failing on it.
    this.devicePlugin = new VkeAddon(`${name}-nvidia-device-plugin`, devicePluginAddonArgs(this.cluster.id), { ...on, dependsOn: [this.systemPool], retainOnDelete: true });

    // A fresh cluster has no Public kubeconfig, and the cluster's kubeconfigPublic stays empty until one exists:
    // create the credential, then read it (resources.ts says where both facts come from).
    this.kubeconfigCredential = new VkeKubeconfig(
      `${name}-kubeconfig`,
      { clusterId: this.cluster.id, type: "Public", validDuration: VKE_KUBECONFIG_VALID_HOURS },
      { ...on, dependsOn: [this.cluster] },
    );
    this.kubeconfig = pulumi.secret(getVkeKubeconfig(this.kubeconfigCredential, this.cluster.id, volc).apply(decodeKubeconfig));
    // deleteUnreachable: if the cluster is already gone, destroy drops its objects from state instead of failing.
    this.providerArgs = { kubeconfig: this.kubeconfig, deleteUnreachable: true };
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      this.providerArgs,
      { parent: this, dependsOn: [this.systemPool, this.gpuPool, this.devicePlugin] },
    );
    const placement = clusterPlacement(config, facts);
    this.gpuPlacement = placement.gpu;
    this.systemPlacement = placement.system;
    this.registerOutputs({ kubeconfig: this.kubeconfig, clusterId: this.cluster.id, natIp: eip.eipAddress });
  }
}
