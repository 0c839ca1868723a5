/**
 * The Volcengine resources servelab creates, declared as typed `pulumi.CustomResource` classes because
 * `@volcengine/pulumi` cannot be installed from the registry servelab's CI reaches. Type tokens and
 * input names follow github.com/volcengine/pulumi-volcengine at tag v0.0.47 (sdk/nodejs/{vke,vpc,nat,
 * eip,ecs}/*.ts, bridged from terraform-provider-volcengine); only the inputs servelab sets are typed.
 * Every resource runs on an explicit `VolcengineProvider`, which pins the plugin version and where a
 * real `pulumi up` downloads it from (./provider.ts).
 *
 * Credentials: the plugin reads VOLCENGINE_ACCESS_KEY and VOLCENGINE_SECRET_KEY from the environment
 * (provider/resources.go maps access_key/secret_key/region/endpoint to VOLCENGINE_* variables). They
 * are never passed here, so they never reach a stack file, the state or a plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { VOLCENGINE_PROVIDER } from "./provider";

type In<T> = pulumi.Input<T>;
interface Tag { key: In<string>; value: In<string> }

const PLUGIN = { version: VOLCENGINE_PROVIDER.version, pluginDownloadURL: VOLCENGINE_PROVIDER.pluginDownloadURL };

/** The `volcengine` provider for one region (config keys of provider.ts in the SDK: region, accessKey, ...). */
export class VolcengineProvider extends pulumi.ProviderResource {
  constructor(name: string, args: { region: In<string> }, opts?: pulumi.ResourceOptions) {
    super("volcengine", name, { region: args.region }, { ...opts, ...PLUGIN });
  }
}

export interface VolcengineResourceOptions extends pulumi.CustomResourceOptions {
  provider: VolcengineProvider;
}

/** A Volcengine resource: its inputs, plus the computed outputs the program reads (registered as unknown inputs, as the SDK does). */
export abstract class VolcengineResource extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: object, outputs: string[], opts: VolcengineResourceOptions) {
    const props: pulumi.Inputs = { ...inputs };
    for (const key of outputs) props[key] = undefined;
    super(type, name, props, { ...opts, ...PLUGIN });
  }
}

export interface VpcArgs { vpcName?: In<string>; cidrBlock: In<string>; projectName?: In<string>; tags?: In<Tag[]> }
export class Vpc extends VolcengineResource {
  constructor(name: string, args: VpcArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vpc/vpc:Vpc", name, args, [], opts);
  }
}

export interface SubnetArgs { subnetName?: In<string>; cidrBlock: In<string>; zoneId: In<string>; vpcId: In<string>; tags?: In<Tag[]> }
export class Subnet extends VolcengineResource {
  constructor(name: string, args: SubnetArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vpc/subnet:Subnet", name, args, [], opts);
  }
}

export interface SecurityGroupArgs { securityGroupName?: In<string>; vpcId: In<string>; projectName?: In<string>; tags?: In<Tag[]> }
export class SecurityGroup extends VolcengineResource {
  constructor(name: string, args: SecurityGroupArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vpc/securityGroup:SecurityGroup", name, args, [], opts);
  }
}

export interface SecurityGroupRuleArgs {
  securityGroupId: In<string>;
  direction: In<"ingress" | "egress">;
  protocol: In<"tcp" | "udp" | "icmp" | "all" | "icmpv6">;
  /** -1 with protocol all. */
  portStart: In<number>;
  portEnd: In<number>;
  cidrIp?: In<string>;
  policy?: In<"accept" | "drop">;
  description?: In<string>;
}
export class SecurityGroupRule extends VolcengineResource {
  constructor(name: string, args: SecurityGroupRuleArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vpc/securityGroupRule:SecurityGroupRule", name, args, [], opts);
  }
}

export interface NatGatewayArgs {
  vpcId: In<string>;
  subnetId: In<string>;
  natGatewayName?: In<string>;
  spec?: In<"Small" | "Medium" | "Large">;
  billingType?: In<"PostPaid" | "PrePaid" | "PostPaidByUsage">;
  projectName?: In<string>;
  tags?: In<Tag[]>;
}
export class NatGateway extends VolcengineResource {
  constructor(name: string, args: NatGatewayArgs, opts: VolcengineResourceOptions) {
    super("volcengine:nat/gateway:Gateway", name, args, [], opts);
  }
}

export interface EipAddressArgs {
  billingType: In<"PostPaidByBandwidth" | "PostPaidByTraffic" | "PrePaid">;
  bandwidth?: In<number>;
  isp?: In<string>;
  name?: In<string>;
  projectName?: In<string>;
  tags?: In<Tag[]>;
}
export class EipAddress extends VolcengineResource {
  declare readonly eipAddress: pulumi.Output<string>;
  constructor(name: string, args: EipAddressArgs, opts: VolcengineResourceOptions) {
    super("volcengine:eip/address:Address", name, args, ["eipAddress"], opts);
  }
}

export interface EipAssociateArgs { allocationId: In<string>; instanceId: In<string>; instanceType: In<"Nat" | "NetworkInterface" | "ClbInstance" | "EcsInstance" | "HaVip"> }
export class EipAssociate extends VolcengineResource {
  constructor(name: string, args: EipAssociateArgs, opts: VolcengineResourceOptions) {
    super("volcengine:eip/associate:Associate", name, args, [], opts);
  }
}

export interface SnatEntryArgs { natGatewayId: In<string>; eipId: In<string>; subnetId?: In<string>; sourceCidr?: In<string>; snatEntryName?: In<string> }
export class SnatEntry extends VolcengineResource {
  constructor(name: string, args: SnatEntryArgs, opts: VolcengineResourceOptions) {
    super("volcengine:nat/snatEntry:SnatEntry", name, args, [], opts);
  }
}

export interface HpcClusterArgs { zoneId: In<string>; name?: In<string>; description?: In<string>; projectName?: In<string>; tags?: In<Tag[]> }
export class HpcCluster extends VolcengineResource {
  constructor(name: string, args: HpcClusterArgs, opts: VolcengineResourceOptions) {
    super("volcengine:ecs/hpcCluster:HpcCluster", name, args, [], opts);
  }
}

export interface VkeClusterArgs {
  name?: In<string>;
  description?: In<string>;
  kubernetesVersion?: In<string>;
  deleteProtectionEnabled?: In<boolean>;
  projectName?: In<string>;
  clusterConfig: In<{
    subnetIds: In<In<string>[]>;
    apiServerPublicAccessEnabled?: In<boolean>;
    apiServerPublicAccessConfig?: In<{ publicAccessNetworkConfig?: In<{ billingType?: In<"PostPaidByBandwidth" | "PostPaidByTraffic">; bandwidth?: In<number> }> }>;
    resourcePublicAccessDefaultEnabled?: In<boolean>;
  }>;
  podsConfig: In<{
    podNetworkMode: In<"VpcCniShared" | "Flannel">;
    vpcCniConfig?: In<{ subnetIds?: In<In<string>[]>; vpcId?: In<string> }>;
    flannelConfig?: In<{ podCidrs?: In<In<string>[]>; maxPodsPerNode?: In<number> }>;
  }>;
  servicesConfig: In<{ serviceCidrsv4s: In<In<string>[]> }>;
  tags?: In<Tag[]>;
}
export class VkeClusterResource extends VolcengineResource {
  /**
   * Base64 kubeconfig for the public API server endpoint. The provider fills it only from a Public kubeconfig
   * that already exists (terraform-provider-volcengine@v0.0.194: volcengine/vke/cluster/service_volcengine_vke_cluster.go
   * lists the cluster's kubeconfigs of type Public); a fresh cluster has none, so servelab creates a `VkeKubeconfig`
   * and reads it with `getVkeKubeconfig` instead (the SDK's docs: "it is suggested to use vkeKubeconfig instead").
   */
  declare readonly kubeconfigPublic: pulumi.Output<string>;
  declare readonly kubeconfigPrivate: pulumi.Output<string>;
  constructor(name: string, args: VkeClusterArgs, opts: VolcengineResourceOptions) {
    // Admin credentials: kept encrypted in the state (the provider does not mark them secret itself).
    const secrets = [...(opts.additionalSecretOutputs ?? []), "kubeconfigPublic", "kubeconfigPrivate"];
    super("volcengine:vke/cluster:Cluster", name, args, ["kubeconfigPublic", "kubeconfigPrivate", "eipAllocationId"], { ...opts, additionalSecretOutputs: secrets });
  }
}

/** A kubeconfig credential of a VKE cluster (`vke.Kubeconfig`); the resource has no kubeconfig output, only its id. */
export interface VkeKubeconfigArgs { clusterId: In<string>; type: In<"Public" | "Private">; validDuration?: In<number> }
export class VkeKubeconfig extends VolcengineResource {
  constructor(name: string, args: VkeKubeconfigArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vke/kubeconfig:Kubeconfig", name, args, [], opts);
  }
}

export const GET_VKE_KUBECONFIGS = "volcengine:vke/getKubeconfigs:getKubeconfigs";

/**
 * The base64 kubeconfig of one `VkeKubeconfig`, read through the `vke.getKubeconfigs` invoke (filter by the
 * credential's id; result `kubeconfigs[].kubeconfig`, sdk/nodejs/vke/getKubeconfigs.ts at v0.0.47) after the
 * credential exists. Secret: it holds the cluster's admin credentials.
 */
export function getVkeKubeconfig(credential: VkeKubeconfig, clusterId: In<string>, provider: VolcengineProvider): pulumi.Output<string> {
  const result = pulumi.runtime.invokeOutput<{ kubeconfigs?: Array<{ id?: string; kubeconfigId?: string; kubeconfig?: string }> }>(
    GET_VKE_KUBECONFIGS,
    { clusterIds: [clusterId], ids: [credential.id], types: ["Public"] },
    { provider, dependsOn: [credential], ...PLUGIN },
  );
  return pulumi.secret(pulumi.all([result, credential.id]).apply(([r, id]) => {
    const found = (r.kubeconfigs ?? []).find((k) => k.id === id || k.kubeconfigId === id) ?? r.kubeconfigs?.[0];
    return found?.kubeconfig ?? "";
  }));
}

export interface KeyValue { key: In<string>; value: In<string> }
export interface Taint extends KeyValue { effect: In<"NoSchedule" | "NoExecute" | "PreferNoSchedule"> }

export interface VkeNodePoolArgs {
  clusterId: In<string>;
  name?: In<string>;
  nodeConfig: In<{
    instanceTypeIds: In<In<string>[]>;
    subnetIds: In<In<string>[]>;
    security: In<{ securityGroupIds?: In<In<string>[]>; securityStrategies?: In<In<string>[]>; login?: In<{ sshKeyPairName?: In<string>; password?: In<string> }> }>;
    systemVolume?: In<{ type?: In<"ESSD_PL0" | "ESSD_FlexPL" | "PTSSD">; size?: In<number> }>;
    dataVolumes?: In<In<{ type?: In<string>; size?: In<number>; mountPoint?: In<string> }>[]>;
    instanceChargeType?: In<"PostPaid" | "PrePaid">;
    hpcClusterIds?: In<In<string>[]>;
    namePrefix?: In<string>;
    projectName?: In<string>;
    ecsTags?: In<Tag[]>;
  }>;
  kubernetesConfig: In<{ cordon: In<boolean>; labels?: In<KeyValue[]>; taints?: In<Taint[]>; namePrefix?: In<string> }>;
  autoScaling?: In<{ enabled?: In<boolean>; minReplicas?: In<number>; maxReplicas?: In<number>; desiredReplicas?: In<number>; subnetPolicy?: In<"ZoneBalance" | "Priority"> }>;
  tags?: In<Tag[]>;
}
export class VkeNodePool extends VolcengineResource {
  constructor(name: string, args: VkeNodePoolArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vke/nodePool:NodePool", name, args, [], opts);
  }
}

export interface VkeAddonArgs { clusterId: In<string>; name: In<string>; version?: In<string>; config?: In<string>; deployMode?: In<string>; deployNodeType?: In<string> }
export class VkeAddon extends VolcengineResource {
  constructor(name: string, args: VkeAddonArgs, opts: VolcengineResourceOptions) {
    super("volcengine:vke/addon:Addon", name, args, [], opts);
  }
}
