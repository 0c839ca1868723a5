import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig } from "../config/schema";
import { ClusterFacts } from "./facts";
import { GkeCluster } from "./gkeCluster";
import { KubeconfigCluster } from "./kubeconfigCluster";
import { Cluster } from "./types";
import { VkeCluster } from "./vkeCluster";

/** The cluster component of a provider: what an experiment with an inline cluster and a cluster stack create alike. */
export function createCluster(name: string, config: ClusterConfig, facts: ClusterFacts, stack: string, opts: pulumi.ComponentResourceOptions): Cluster {
  switch (config.provider) {
    case "gke":
      return new GkeCluster(name, { config, facts, stack }, opts);
    case "vke":
      return new VkeCluster(name, { config, facts, stack }, opts);
    case "kubeconfig":
      return new KubeconfigCluster(name, { config, facts }, opts);
  }
}
