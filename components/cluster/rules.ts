/**
 * Registry of the cluster providers' config rules: one entry per `servelab:cluster.provider` (the type makes a
 * missing one a compile error). Only the entry of the configured provider runs. `clusterRules` need the cluster
 * alone: they run for a cluster stack and for every row on a cluster; `rules` relate the cluster to the experiment.
 */
import { ClusterConfig } from "../config/schema";
import { ClusterRule, ConfigRule, ConfigWarning } from "./facts";
import { GKE_CLUSTER_RULES, GKE_RULES } from "./gkeRules";
import { KUBECONFIG_CLUSTER_RULES, KUBECONFIG_WARNINGS } from "./kubeconfigRules";
import { clusterLimits } from "./limitRules";
import { VKE_CLUSTER_RULES } from "./vkeRules";

export interface ClusterProviderRules {
  clusterRules: readonly ClusterRule[];
  rules: readonly ConfigRule[];
  warnings: readonly ConfigWarning[];
}

export const CLUSTER_PROVIDER_RULES: Record<ClusterConfig["provider"], ClusterProviderRules> = {
  gke: { clusterRules: [...GKE_CLUSTER_RULES, clusterLimits], rules: GKE_RULES, warnings: [] },
  vke: { clusterRules: [...VKE_CLUSTER_RULES, clusterLimits], rules: [], warnings: [] },
  kubeconfig: { clusterRules: KUBECONFIG_CLUSTER_RULES, rules: [], warnings: KUBECONFIG_WARNINGS },
};
