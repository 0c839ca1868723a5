import * as pulumi from "@pulumi/pulumi";
import { ClusterStackOutputs, clusterStackOutputs } from "./cluster/clusterStack";
import { createCluster } from "./cluster/createCluster";
import { resolveClusterFacts } from "./cluster/facts";
import { clusterPlacement } from "./cluster/placement";
import { ClusterStackConfig } from "./config/parse";

export interface ClusterStackArgs {
  /** The stack name: names the GKE or VKE cluster. */
  stack: string;
  config: ClusterStackConfig;
  /** The gcp:project a GKE cluster without cluster.project is created in. */
  gcpProject?: string;
}

/**
 * A cluster stack: the cluster and its pools, no experiment. Rows reference it (servelab:cluster: { provider: stack })
 * and read what it exports (components/cluster/clusterStack.ts names the outputs).
 */
export class ClusterStack extends pulumi.ComponentResource {
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly exported: ClusterStackOutputs;

  constructor(name: string, args: ClusterStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:index:ClusterStack", name, {}, opts);
    const { cluster } = args.config;
    const { facts } = resolveClusterFacts(cluster);
    if (!facts) throw new Error("servelab: cluster facts missing after the config was accepted");
    const created = createCluster(`${name}-cluster`, cluster, facts, args.stack, { parent: this });
    this.kubeconfig = created.kubeconfig;
    this.exported = clusterStackOutputs(cluster, facts, clusterPlacement(cluster, facts), args.gcpProject);
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
