/**
 * Size limits of a created cluster (pure): GPUs always (VKE has no prices in the catalog), the hourly cost where
 * it is priced. Above either limit the stack must raise servelab:cluster.limits explicitly.
 */
import { GKE_CLUSTER_FEE_USD_PER_HOUR } from "../catalog/gkeMachines";
import { ClusterRule } from "./facts";

export const DEFAULT_MAX_GPUS = 64;
export const DEFAULT_MAX_USD_PER_HOUR = 1000;

const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;

export const clusterLimits: ClusterRule = ({ cluster }, { gpu, system }, out) => {
  if (cluster.provider === "kubeconfig") return;
  const maxGpus = cluster.limits?.maxGpus ?? DEFAULT_MAX_GPUS;
  const maxUsd = cluster.limits?.maxUsdPerHour ?? DEFAULT_MAX_USD_PER_HOUR;
  const perHour =
    gpu.usdPerHourPerNode === undefined ? undefined : gpu.usdPerHourPerNode * gpu.nodes + (system.usdPerHourPerNode ?? 0) * (system.nodes ?? 0) + GKE_CLUSTER_FEE_USD_PER_HOUR;
  const pool = `${gpu.nodes} node${gpu.nodes === 1 ? "" : "s"} × ${gpu.perNode} ${gpu.type} = ${gpu.total} GPUs${perHour === undefined ? "" : ` (about ${usd(perHour)}/hour)`}`;
  if (gpu.total > maxGpus) {
    out.push({
      path: "servelab:cluster.gpu.nodes",
      message: `${pool}, above the limit of ${maxGpus} GPUs; lower cluster.gpu.nodes, or set cluster.limits.maxGpus: ${gpu.total} to say you mean it`,
    });
  } else if (perHour !== undefined && perHour > maxUsd) {
    out.push({
      path: "servelab:cluster.gpu.nodes",
      message: `${pool}, above the limit of ${usd(maxUsd)}/hour; lower cluster.gpu.nodes, or set cluster.limits.maxUsdPerHour: ${Math.ceil(perHour)} to say you mean it`,
    });
  }
};
