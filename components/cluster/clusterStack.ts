/**
 * Cluster stacks (pure decisions and the offline reader): a stack whose only setting is servelab:cluster creates the
 * cluster and pools and exports what experiment rows need; a row says servelab:cluster: { provider: stack, stack: <name> }.
 * A row reads the cluster stack's servelab:cluster from one of two places and turns it into ClusterFacts with the same
 * resolveClusterFacts as an inline cluster: the stack's outputs at `pulumi up` (clusterSectionFromOutputs), its file in
 * stacks/ offline (readClusterStackSection).
 */
import { existsSync } from "node:fs";
import { servelabValues } from "../config/load";
import { ConfigError } from "../config/problems";
import { ClusterConfig } from "../config/schema";
import { STACKS_DIR, listStacks, readStackConfig, stackFilePath } from "../plan/stackFile";
import { ClusterFacts } from "./facts";
import { ClusterPlacement } from "./placement";

const KEY = "servelab:cluster.stack";

export interface ClusterStackName {
  /** As the row gives it: `<stack>` or `<org>/<project>/<stack>`. */
  ref: string;
  /** The stack's own name, whose file is stacks/Pulumi.<stack>.yaml. */
  stack: string;
  qualified: boolean;
}

export function parseClusterStackName(ref: string): ClusterStackName {
  const parts = ref.split("/");
  return { ref, stack: parts[parts.length - 1], qualified: parts.length === 3 };
}

/** What a cluster stack exports (besides `kubeconfig`, a secret): the names rows and people read. */
export const CLUSTER_STACK_OUTPUTS = ["kubeconfig", "provider", "region", "project", "gpuPool", "systemPool", "placement", "imageRegistry", "cluster"] as const;
/** The outputs a row cannot run without: the cluster's servelab:cluster (its facts come from it) and the kubeconfig. */
export const REQUIRED_CLUSTER_STACK_OUTPUTS = ["kubeconfig", "cluster"] as const;

export type ClusterStackOutputs = Record<Exclude<(typeof CLUSTER_STACK_OUTPUTS)[number], "kubeconfig">, unknown>;

/** Where the cluster is (region and project), by provider. */
function location(cluster: ClusterConfig, gcpProject: string | undefined): { region: string | null; project: string | null } {
  if (cluster.provider === "gke") return { region: cluster.region, project: cluster.project ?? gcpProject ?? null };
  if (cluster.provider === "vke") return { region: cluster.region, project: cluster.projectName ?? "default" };
  return { region: null, project: null };
}

/**
 * The outputs of a cluster stack, but the kubeconfig. `cluster` is the stack's servelab:cluster as parsed (defaults
 * applied; with the GKE project it was created in), carried whole so every key a cluster has reaches the rows.
 */
export function clusterStackOutputs(cluster: ClusterConfig, facts: ClusterFacts, placement: ClusterPlacement, gcpProject?: string): ClusterStackOutputs {
  const { region, project } = location(cluster, gcpProject);
  const section = cluster.provider === "gke" && project ? { ...cluster, project } : cluster;
  return {
    provider: cluster.provider,
    region,
    project,
    gpuPool: facts.gpu,
    systemPool: facts.system,
    placement,
    imageRegistry: cluster.imageRegistry ?? null,
    cluster: section,
  };
}

const upFirst = (name: ClusterStackName) => `run \`pulumi up -s ${name.ref}\` first`;

/**
 * The cluster stack's servelab:cluster from its outputs (at `pulumi up`), or a ConfigError: a stack with none of them
 * is not up; one that lacks a required output was not brought up by servelab's cluster program.
 */
export function clusterSectionFromOutputs(name: ClusterStackName, outputs: Record<string, unknown>): unknown {
  const present = REQUIRED_CLUSTER_STACK_OUTPUTS.filter((o) => outputs[o] !== undefined && outputs[o] !== null);
  if (present.length === 0) {
    throw new ConfigError([{ path: KEY, message: `"${name.ref}" is not up (the stack has no outputs ${REQUIRED_CLUSTER_STACK_OUTPUTS.join(", ")}): ${upFirst(name)}` }]);
  }
  const missing = REQUIRED_CLUSTER_STACK_OUTPUTS.filter((o) => !present.includes(o));
  if (missing.length > 0) {
    throw new ConfigError([{
      path: KEY,
      message: `"${name.ref}" lacks the output${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: it is not a servelab cluster stack, or servelab's cluster program did not finish its last update; ${upFirst(name)}`,
    }]);
  }
  return outputs.cluster;
}

/** The servelab:cluster of a cluster stack's file in `dir` (offline: plan and tests), or a ConfigError saying what is wrong. */
export function readClusterStackSection(name: ClusterStackName, dir = STACKS_DIR): unknown {
  const path = stackFilePath(name.stack, dir);
  if (!existsSync(path)) {
    const clusters = existsSync(dir) ? listStacks(dir).filter((s) => s.startsWith("cluster-")) : [];
    const where = name.qualified ? ` (offline, a fully qualified cluster stack is read from a copy of its file there)` : "";
    throw new ConfigError([{
      path: KEY,
      message: `"${name.ref}": no cluster stack file ${path}${where}; cluster stacks: ${clusters.length > 0 ? clusters.join(", ") : "none"}`,
    }]);
  }
  const values = servelabValues(readStackConfig(name.stack, dir).values);
  if (values.model !== undefined || values.cluster === undefined) {
    const why = values.model !== undefined ? "an experiment row (it has servelab:model)" : "a stack without servelab:cluster";
    throw new ConfigError([{ path: KEY, message: `"${name.ref}" is ${why}, not a cluster stack: point servelab:cluster.stack at a stack whose only setting is servelab:cluster` }]);
  }
  return values.cluster;
}

/** Keys a cluster stack fills in at `up` (so its output has them where the file may not). */
const FILLED_AT_UP = ["project"];

/**
 * A warning when the cluster stack's file in stacks/ no longer says what its `cluster` output says (the file was
 * edited after `pulumi up -s <stack>`): the row runs on what is up, and the offline plan showed the file.
 */
export function clusterStackDrift(name: ClusterStackName, file: ClusterConfig, up: ClusterConfig): string | undefined {
  const comparable = (c: ClusterConfig) => JSON.stringify(Object.fromEntries(Object.entries(c).filter(([k]) => !FILLED_AT_UP.includes(k)).sort(([a], [b]) => a.localeCompare(b))));
  if (comparable(file) === comparable(up)) return undefined;
  return `stacks/Pulumi.${name.stack}.yaml differs from what cluster stack ${name.ref} was brought up with; this row runs on what is up (its cluster output). Run \`pulumi up -s ${name.ref}\` to apply the file`;
}
