/**
 * Where a cluster's pods go (pure): node selectors and tolerations of the GPU and system pools. The cluster
 * components and a row on a cluster stack take it from here, so both place pods alike.
 */
import { ClusterConfig } from "../config/schema";
import { ClusterFacts } from "./facts";
import { GPU_POOL_NAME, GPU_TOLERATION, Placement, SYSTEM_POOL_NAME } from "./types";
import { vkeGpuPlacement, vkeSystemPlacement } from "./vkeSpec";

export interface ClusterPlacement {
  gpu: Placement;
  system: Placement;
}

export function clusterPlacement(config: ClusterConfig, facts: ClusterFacts): ClusterPlacement {
  switch (config.provider) {
    case "gke":
      return {
        gpu: {
          nodeSelector: { "cloud.google.com/gke-nodepool": GPU_POOL_NAME, "cloud.google.com/gke-accelerator": facts.gpu.accelerator! },
          tolerations: [GPU_TOLERATION],
        },
        system: { nodeSelector: { "cloud.google.com/gke-nodepool": SYSTEM_POOL_NAME }, tolerations: [] },
      };
    case "vke":
      return { gpu: vkeGpuPlacement(facts.gpu), system: vkeSystemPlacement() };
    case "kubeconfig":
      return {
        gpu: { nodeSelector: config.gpuNodeSelector, tolerations: config.gpuTolerations },
        system: { nodeSelector: config.systemNodeSelector, tolerations: config.systemTolerations },
      };
  }
}
