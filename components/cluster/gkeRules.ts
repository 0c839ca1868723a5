/** Config rules of GKE clusters (pure): one zone in the region, capacity the machine is sold with, node disk. */
import { ephemeralStorageGb, modelSizeGb, replicasOnNode } from "../engine/sizing";
import { ClusterRule, ConfigRule } from "./facts";
import { gkeCapacityRule } from "./gkeCapacityRules";

/** Of a node's disk, what pods can fill: kubelet evicts below 10-15 % free, and images need room too (approximate). */
const DISK_USABLE_SHARE = 0.85;
const DISK_RESERVED_GB = 20;

const zones: ClusterRule = ({ cluster }, _facts, out) => {
  if (cluster.provider !== "gke") return;
  const zones = cluster.zones ?? [];
  if (zones.length !== 1) {
    out.push({
      path: "servelab:cluster.zones",
      message: `${zones.length === 0 ? "is required on GKE" : `lists ${zones.length} zones; give exactly one`}: the cluster and its pools live in one zone that offers ${cluster.gpu.type} GPUs (find one with \`gcloud compute accelerator-types list --filter="zone~${cluster.region}"\`)`,
    });
  } else if (!zones[0].startsWith(`${cluster.region}-`)) {
    out.push({ path: "servelab:cluster.zones[0]", message: `"${zones[0]}" is not in region ${cluster.region}` });
  }
};

const reservation: ClusterRule = ({ cluster }, _facts, out) => {
  if (cluster.provider !== "gke") return;
  const { provisioning, reservation } = cluster.gpu;
  if (reservation && provisioning !== "reservation") {
    out.push({ path: "servelab:cluster.gpu.reservation", message: `only applies with provisioning: reservation (provisioning is ${provisioning})` });
  }
};

/** The weight download must fit the node's disk (local SSDs or the boot disk). */
const nodeDiskFit: ConfigRule = (config, { gpu }, out) => {
  const size = modelSizeGb(config.model);
  if (size === undefined || gpu.nodeDiskGb === undefined || config.cluster.provider !== "gke") return;
  const perNode = Math.max(1, replicasOnNode(gpu, config.engine));
  const needed = perNode * ephemeralStorageGb(size);
  const usable = Math.floor(gpu.nodeDiskGb * DISK_USABLE_SHARE - DISK_RESERVED_GB);
  if (needed <= usable) return;
  const where = gpu.localSsds > 0 ? `the ${gpu.localSsds} local SSDs of a ${gpu.machineType} node (${gpu.nodeDiskGb} GB)` : `a ${config.cluster.gpu.bootDiskGb} GB boot disk`;
  out.push({
    path: "servelab:cluster.gpu.bootDiskGb",
    message:
      `${perNode} replica${perNode > 1 ? "s" : ""} a node download about ${Math.round(size)} GB of weights each and ask for ${needed} GB of ephemeral storage, ` +
      `but pods can fill about ${usable} GB of ${where}; ${gpu.localSsds > 0 ? "use fewer replicas a node" : `raise cluster.gpu.bootDiskGb to at least ${Math.ceil((needed + DISK_RESERVED_GB) / DISK_USABLE_SHARE)}`}`,
  });
};

export const GKE_CLUSTER_RULES: readonly ClusterRule[] = [zones, gkeCapacityRule, reservation];
export const GKE_RULES: readonly ConfigRule[] = [nodeDiskFit];
