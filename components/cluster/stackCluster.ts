import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "../config/schema";
import { CLUSTER_STACK_OUTPUTS } from "./clusterStack";
import { ClusterFacts } from "./facts";
import { clusterPlacement } from "./placement";
import { Cluster, Placement } from "./types";

/** Every output a cluster stack exports, as the StackReference reads it (undefined when the stack lacks it). */
export async function readClusterStackOutputs(reference: pulumi.StackReference): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  for (const name of CLUSTER_STACK_OUTPUTS) {
    const details = await reference.getOutputDetails(name);
    outputs[name] = details.value ?? details.secretValue;
  }
  return outputs;
}

export interface StackClusterArgs {
  /** The cluster stack's servelab:cluster, as the row resolved it (facts and placement come from it). */
  config: ClusterConfig;
  facts: ClusterFacts;
  reference: pulumi.StackReference;
}

/**
 * A cluster another stack created (a cluster stack): the row reaches it through the stack's kubeconfig output and
 * creates no nodes; destroying the row leaves the cluster up.
 */
export class StackCluster extends pulumi.ComponentResource implements Cluster {
  public readonly facts: ClusterFacts;
  public readonly provider: k8s.Provider;
  public readonly providerArgs: k8s.ProviderArgs;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly gpuPlacement: Placement;
  public readonly systemPlacement: Placement;

  constructor(name: string, args: StackClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:cluster:StackCluster", name, {}, opts);
    const { config, facts, reference } = args;
    this.facts = facts;
    this.kubeconfig = pulumi.secret(reference.getOutput("kubeconfig")) as pulumi.Output<string>;
    // deleteUnreachable: once the cluster stack is destroyed, destroying the row drops its objects from the state.
    // An existing cluster's kubeconfig output is its path; the context it names is in the cluster's config.
    const context = config.provider === "kubeconfig" ? { context: config.context } : {};
    this.providerArgs = { kubeconfig: this.kubeconfig, deleteUnreachable: true, ...context };
    this.provider = new k8s.Provider(`${name}-k8s`, this.providerArgs, { parent: this });
    const placement = clusterPlacement(config, facts);
    this.gpuPlacement = placement.gpu;
    this.systemPlacement = placement.system;
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
