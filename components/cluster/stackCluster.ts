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
    // No deleteUnreachable: the cluster outlives the row, and with it a destroy during an API-server outage (a zonal
    // control plane's upgrade) would drop the engines from the state and leave them holding the GPUs. Left unset, not
    // false, so that after the cluster stack is gone `PULUMI_K8S_DELETE_UNREACHABLE=true pulumi destroy -s <row>` works
    // (the provider's own error names it; pulumi/pulumi-kubernetes provider/pkg/provider/provider.go deleteUnreachable).
    // An existing cluster's kubeconfig output is its path; the context it names is in the cluster's config.
    const context = config.provider === "kubeconfig" ? { context: config.context } : {};
    this.providerArgs = { kubeconfig: this.kubeconfig, ...context };
    this.provider = new k8s.Provider(`${name}-k8s`, this.providerArgs, { parent: this });
    const placement = clusterPlacement(config, facts);
    this.gpuPlacement = placement.gpu;
    this.systemPlacement = placement.system;
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
