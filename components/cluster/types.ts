import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Toleration } from "../config/schema";
import { ClusterFacts } from "./facts";

/** How to put a pod on a pool: node selector and tolerations, rendered into pod specs as they are. */
export interface Placement {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

/** What every cluster component gives the rest of the program, whatever the cloud. */
export interface Cluster {
  readonly facts: ClusterFacts;
  /** Kubernetes provider for everything in the cluster; it depends on the node pools being ready. */
  readonly provider: k8s.Provider;
  /** The arguments `provider` was made with, for a component that needs a second provider to the same cluster. */
  readonly providerArgs: k8s.ProviderArgs;
  /** Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly gpuPlacement: Placement;
  readonly systemPlacement: Placement;
}

/** Node pool names and the node label servelab gives its pools, the same on every cloud it creates. */
export const GPU_POOL_NAME = "servelab-gpu";
export const SYSTEM_POOL_NAME = "servelab-system";
export const POOL_LABEL = "servelab.dev/pool";

export const GPU_TOLERATION: Toleration = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
