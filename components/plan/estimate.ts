/** Hourly cost of what a stack creates, from the machine catalog (list prices; see catalog/gkeMachines.ts). */
import { GKE_CLUSTER_FEE_USD_PER_HOUR, PRICES_READ_ON } from "../catalog/gkeMachines";
import { VKE_PRICES_NOTE } from "../catalog/vkeMachines";
import { ClusterFacts } from "../cluster/facts";
import { ClusterConfig } from "../config/schema";

export interface CostLine {
  item: string;
  count: number;
  usdPerHour: number;
}

export interface Estimate {
  usdPerHour: number | null;
  lines: CostLine[];
  priceSource: string;
  notes: string[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The hourly cost of the cluster; for a row on a cluster stack, of the cluster stack it occupies (billed there). */
export function estimateCost(cluster: ClusterConfig, facts: ClusterFacts, clusterStack?: string): Estimate {
  const estimate = clusterCost(cluster, facts);
  if (clusterStack) {
    estimate.notes.push(`the cluster is cluster stack ${clusterStack}'s: billed there from its \`pulumi up\` to its \`pulumi destroy\`, whether or not a row runs on it; this row creates no machines`);
  }
  return estimate;
}

function clusterCost(cluster: ClusterConfig, facts: ClusterFacts): Estimate {
  if (cluster.provider === "vke") {
    return {
      usdPerHour: null,
      lines: [],
      priceSource: VKE_PRICES_NOTE,
      notes: [`${facts.gpu.nodes} × ${facts.gpu.machineType} GPU node(s), ${facts.system.nodes} × ${facts.system.machineType} system node(s), a NAT gateway and two EIPs; not priced`],
    };
  }
  if (cluster.provider !== "gke") {
    return { usdPerHour: null, lines: [], priceSource: PRICES_READ_ON, notes: ["existing cluster: servelab creates no machines, so it adds no machine cost"] };
  }
  const { provisioning } = cluster.gpu;
  const lines: CostLine[] = [
    { item: `GPU node ${facts.gpu.machineType} (${provisioning})`, count: facts.gpu.nodes, usdPerHour: round2(facts.gpu.usdPerHourPerNode! * facts.gpu.nodes) },
    { item: `system node ${facts.system.machineType}`, count: facts.system.nodes!, usdPerHour: round2(facts.system.usdPerHourPerNode! * facts.system.nodes!) },
    { item: "GKE cluster management fee", count: 1, usdPerHour: GKE_CLUSTER_FEE_USD_PER_HOUR },
  ];
  const notes = [`list prices in us-central1 (the GPU node at its ${facts.gpu.onDemand === false ? "list price, though it is not sold on-demand" : "on-demand price"}); other regions differ; disks, network egress and load balancers are not included`];
  if (provisioning === "spot" || provisioning === "flex-start") {
    notes.push(`${provisioning} capacity is billed below the list price shown for the GPU node (an upper bound; the discount is not in servelab's catalog)`);
  }
  if (provisioning === "flex-start") notes.push("flex-start: the GPU pool scales from zero, so GPU hours start when the engines are scheduled, not at `pulumi up`");
  if (provisioning === "reservation") notes.push("reserved capacity is billed by the reservation whether or not this stack uses it; the GPU line is the reservation's list price");
  return { usdPerHour: round2(lines.reduce((sum, l) => sum + l.usdPerHour, 0)), lines, priceSource: PRICES_READ_ON, notes };
}
