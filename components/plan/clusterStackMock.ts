/**
 * Offline, a row's StackReference to its cluster stack is answered from the cluster stack's file: the outputs the
 * cluster program would export (clusterStackOutputs), with a placeholder for the secret kubeconfig.
 */
import { clusterStackOutputs, parseClusterStackName, readClusterStackSection } from "../cluster/clusterStack";
import { resolveClusterFacts } from "../cluster/facts";
import { clusterPlacement } from "../cluster/placement";
import { parseClusterStackConfig } from "../validate";
import { STACKS_DIR } from "./stackFile";

export const PLAN_KUBECONFIG = (stack: string) => `apiVersion: v1\nkind: Config\n# the kubeconfig cluster stack ${stack} exports (plan placeholder)\n`;

/** The outputs cluster stack `ref` would have once up, from its file in `dir`. */
export function plannedClusterStackOutputs(ref: string, dir = STACKS_DIR, gcpProject?: string): Record<string, unknown> {
  const name = parseClusterStackName(ref);
  const { cluster } = parseClusterStackConfig({ cluster: readClusterStackSection(name, dir) });
  const facts = resolveClusterFacts(cluster).facts!;
  return { kubeconfig: PLAN_KUBECONFIG(name.ref), ...clusterStackOutputs(cluster, facts, clusterPlacement(cluster, facts), gcpProject) };
}

/** The state of a `pulumi:pulumi:StackReference` under Pulumi's mocks, as the engine reads it for an up stack. */
export function stackReferenceState(ref: string, outputs: Record<string, unknown>): Record<string, unknown> {
  return { name: ref, outputs, secretOutputNames: ["kubeconfig"] };
}
