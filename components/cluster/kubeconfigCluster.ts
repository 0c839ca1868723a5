import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubeconfigClusterConfig } from "../config/schema";
import { ClusterFacts } from "./facts";
import { clusterPlacement } from "./placement";
import { Cluster, Placement } from "./types";

export interface KubeconfigClusterArgs {
  config: KubeconfigClusterConfig;
  facts: ClusterFacts;
}

/** An existing cluster reached through a kubeconfig file; servelab creates no nodes and destroys none. */
export class KubeconfigCluster extends pulumi.ComponentResource implements Cluster {
  public readonly facts: ClusterFacts;
  public readonly provider: k8s.Provider;
  public readonly providerArgs: k8s.ProviderArgs;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly gpuPlacement: Placement;
  public readonly systemPlacement: Placement;

  constructor(name: string, args: KubeconfigClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:cluster:KubeconfigCluster", name, {}, opts);
    const { config, facts } = args;
    this.facts = facts;
    this.kubeconfig = pulumi.secret(config.kubeconfig);
    this.providerArgs = { kubeconfig: config.kubeconfig, context: config.context };
    this.provider = new k8s.Provider(`${name}-k8s`, this.providerArgs, { parent: this });
    const placement = clusterPlacement(config, facts);
    this.gpuPlacement = placement.gpu;
    this.systemPlacement = placement.system;
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
