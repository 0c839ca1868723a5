/**
 * The cluster a cluster stack declares (servelab:cluster of stacks/Pulumi.<cluster>.yaml), read offline for
 * `npm run plan -- --matrix <cluster> <rows…>`: the timeline (timeline/) takes it with its facts.
 */
import { resolveClusterFacts } from "../cluster/facts";
import { readStackInput } from "./rowStack";
import { STACKS_DIR, StackFileError, stackFilePath } from "./stackFile";
import { ClusterInput } from "./timeline/flows";

/** The cluster a cluster stack's file declares, with its facts; StackFileError or ConfigError when it cannot. */
export function readClusterStack(name: string, dir = STACKS_DIR): ClusterInput {
  const { config } = readStackInput(name, dir);
  if ("model" in config) {
    throw new StackFileError(`${stackFilePath(name, dir)} is an experiment row, not a cluster stack; a cluster stack holds servelab:cluster alone (the cluster rows run on)`);
  }
  return { name, cluster: config.cluster, facts: resolveClusterFacts(config.cluster).facts! };
}
