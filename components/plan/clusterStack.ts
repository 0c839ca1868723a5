/**
 * The cluster a cluster stack declares (servelab:cluster of stacks/Pulumi.<cluster>.yaml), read offline for
 * `npm run plan -- --matrix <cluster> <rows…>`, and whether a row has its GPU shape. The timeline (timeline/) takes
 * these resolved inputs, so a row that references its cluster stack instead of repeating it needs only its
 * resolved cluster here.
 */
import { ClusterFacts, resolveClusterFacts } from "../cluster/facts";
import { servelabValues } from "../config/load";
import { parseConfigKey } from "../config/parse";
import { ConfigError } from "../config/problems";
import { ClusterConfig } from "../config/schema";
import { STACKS_DIR, StackFileError, readStackConfig, stackFilePath } from "./stackFile";
import { ClusterInput } from "./timeline/flows";

/** The cluster a cluster stack's file declares, with its facts; StackFileError or ConfigError when it cannot. */
export function readClusterStack(name: string, dir = STACKS_DIR): ClusterInput {
  const { values } = readStackConfig(name, dir);
  const raw = servelabValues(values).cluster;
  if (raw === undefined) {
    throw new StackFileError(`${stackFilePath(name, dir)} has no servelab:cluster, so it is not a cluster stack; a cluster stack declares the cluster (provider, region, gpu, ...) rows run on`);
  }
  const cluster = parseConfigKey("cluster", raw);
  const { facts, problems } = resolveClusterFacts(cluster);
  if (!facts || problems.length > 0) throw new ConfigError(problems);
  return { name, cluster, facts };
}

function shape(cluster: ClusterConfig, facts: ClusterFacts): string {
  const gpu = facts.gpu;
  const machine = gpu.machineType ? ` ${gpu.machineType}` : "";
  return `${cluster.provider} ${gpu.nodes} ×${machine} (${gpu.perNode} × ${gpu.type} a node)`;
}

/** Why the row cannot run on the cluster stack, or undefined: same provider, GPU type, GPUs a node, nodes and machine. */
export function shapeMismatch(row: string, rowCluster: ClusterConfig, c: ClusterInput): string | undefined {
  const facts = resolveClusterFacts(rowCluster).facts;
  if (!facts) return `row ${row}: its servelab:cluster does not resolve to a GPU pool`;
  const a = facts.gpu;
  const b = c.facts.gpu;
  const same = rowCluster.provider === c.cluster.provider && a.type === b.type && a.perNode === b.perNode && a.nodes === b.nodes && a.machineType === b.machineType;
  if (same) return undefined;
  return `row ${row} asks for ${shape(rowCluster, facts)}, but cluster stack ${c.name} has ${shape(c.cluster, c.facts)}; a matrix runs rows of the cluster's GPU shape only`;
}
