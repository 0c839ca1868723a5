import type * as Gcp from "@pulumi/gcp";
import { gcpSdk } from "../util/cloudSdk";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/problems";
import { GkeClusterConfig } from "../config/schema";
import { ClusterFacts } from "./facts";
import { gkeClusterName, gkeKubeconfig, gpuPoolArgs, maintenancePolicy, systemPoolArgs } from "./gkeSpec";
import { CONTAINER_FILESYSTEM_API, imageStreamingEnabled } from "./imageStreaming";
import { clusterPlacement } from "./placement";
import { Cluster, Placement } from "./types";

export interface GkeClusterArgs {
  config: GkeClusterConfig;
  facts: ClusterFacts;
  stack: string;
}

/**
 * A zonal GKE Standard cluster without its default pool: a CPU system pool for routers, gateways and
 * benchmark clients, and the GPU pool from the machine catalog. Destroyable (no deletion protection).
 */
export class GkeCluster extends pulumi.ComponentResource implements Cluster {
  public readonly facts: ClusterFacts;
  public readonly cluster: Gcp.container.Cluster;
  public readonly gpuPool: Gcp.container.NodePool;
  public readonly systemPool: Gcp.container.NodePool;
  public readonly provider: k8s.Provider;
  public readonly providerArgs: k8s.ProviderArgs;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly gpuPlacement: Placement;
  public readonly systemPlacement: Placement;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:cluster:GkeCluster", name, {}, opts);
    const gcp = gcpSdk();
    const { config, facts, stack } = args;
    this.facts = facts;
    const project = config.project ?? gcp.config.project;
    if (!project) {
      throw new ConfigError([{ path: "servelab:cluster.project", message: "is not set and neither is gcp:project; run `pulumi config set gcp:project <your-project>`" }]);
    }
    const zone = config.zones![0];

    this.cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        name: gkeClusterName(stack, config),
        project,
        location: zone,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: false,
        releaseChannel: { channel: config.releaseChannel },
        maintenancePolicy: maintenancePolicy(),
        minMasterVersion: config.kubernetesVersion,
        workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
        addonsConfig: {
          gcsFuseCsiDriverConfig: { enabled: true },
          gcePersistentDiskCsiDriverConfig: { enabled: true },
        },
        resourceLabels: { "servelab-experiment": stack.toLowerCase().replace(/[^a-z0-9_-]/g, "-") },
      },
      { parent: this },
    );
    // Image streaming needs the Container File System API; it stays enabled on destroy (the project may share it).
    const streamingApi = imageStreamingEnabled(config)
      ? new gcp.projects.Service(`${name}-containerfilesystem-api`, { project, service: CONTAINER_FILESYSTEM_API, disableOnDestroy: false }, { parent: this, retainOnDelete: true })
      : undefined;
    const poolOpts: pulumi.CustomResourceOptions = { parent: this, deleteBeforeReplace: true };
    this.systemPool = new gcp.container.NodePool(`${name}-system-pool`, { ...systemPoolArgs(config), project, cluster: this.cluster.name, location: zone }, poolOpts);
    this.gpuPool = new gcp.container.NodePool(
      `${name}-gpu-pool`,
      { ...gpuPoolArgs(config, facts.gpu), project, cluster: this.cluster.name, location: zone },
      { ...poolOpts, dependsOn: streamingApi ? [streamingApi] : [] },
    );

    this.kubeconfig = pulumi.secret(
      pulumi
        .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) => gkeKubeconfig(`gke_${project}_${zone}_${clusterName}`, endpoint, auth.clusterCaCertificate)),
    );
    // deleteUnreachable: if the cluster is already gone, destroy drops its objects from state instead of failing.
    this.providerArgs = { kubeconfig: this.kubeconfig, deleteUnreachable: true };
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      this.providerArgs,
      { parent: this, dependsOn: [this.systemPool, this.gpuPool] },
    );
    const placement = clusterPlacement(config, facts);
    this.gpuPlacement = placement.gpu;
    this.systemPlacement = placement.system;
    this.registerOutputs({ kubeconfig: this.kubeconfig, clusterName: this.cluster.name });
  }
}
