/**
 * Registry of the cluster providers' config rules: one entry per `servelab:cluster.provider` (the type makes a
 * missing one a compile error). Only the entry of the configured provider runs.
 */
import { ClusterConfig } from "../config/schema";
import { ConfigRule, ConfigWarning } from "./facts";
import { GKE_RULES } from "./gkeRules";
import { KUBECONFIG_RULES, KUBECONFIG_WARNINGS } from "./kubeconfigRules";
import { clusterLimits } from "./limitRules";
import { VKE_RULES } from "./vkeRules";

export interface ClusterProviderRules {
  rules: readonly ConfigRule[];
  warnings: readonly ConfigWarning[];
}

export const CLUSTER_PROVIDER_RULES: Record<ClusterConfig["provider"], ClusterProviderRules> = {
  gke: { rules: [...GKE_RULES, clusterLimits], warnings: [] },
  vke: { rules: [...VKE_RULES, clusterLimits], warnings: [] },
  kubeconfig: { rules: KUBECONFIG_RULES, warnings: KUBECONFIG_WARNINGS },
};
