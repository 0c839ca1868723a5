/** GKE GPU capacity rules (pure): a machine whose capacity is not sold as plain on-demand. */
import { ConfigProblem } from "../config/problems";
import { ClusterConfig } from "../config/schema";
import { ClusterRule, GpuPoolFacts } from "./facts";

export function gkeCapacityProblems(cluster: ClusterConfig, gpu: GpuPoolFacts): ConfigProblem[] {
  if (cluster.provider !== "gke" || gpu.onDemand !== false || cluster.gpu.provisioning !== "on-demand") return [];
  return [{
    path: "servelab:cluster.gpu.provisioning",
    message: `"on-demand": ${gpu.machineType} has no plain on-demand capacity, so the GPU pool would never get a node; use reservation (with cluster.gpu.reservation: <name> for a specific one), flex-start (DWS, up to 7 days a node) or spot (can be preempted mid-run)`,
  }];
}

export const gkeCapacityRule: ClusterRule = ({ cluster }, facts, out) => {
  out.push(...gkeCapacityProblems(cluster, facts.gpu));
};
