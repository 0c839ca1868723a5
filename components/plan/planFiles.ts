/** Turns the recorded resources of one stack into the offline plan's files (README.md §Quick start lists them). */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { ClusterStackConfig } from "../config/parse";
import { ExperimentConfig } from "../config/schema";
import { ClusterFacts } from "../cluster/facts";
import { weightsCachePlan } from "../engine/weightsCache";
import { Estimate } from "./estimate";
import { RecordedResource } from "./mockRun";

export interface Plan {
  stack: string;
  /** "cluster" for a cluster stack (servelab:cluster alone), "experiment" for a row. */
  kind: "cluster" | "experiment";
  config: ExperimentConfig | ClusterStackConfig;
  resources: Array<{ type: string; name: string; parent: string | null; inputs: Record<string, unknown> }>;
  gpus: { type: string; perNode: number; nodes: number; total: number };
  estimate: Estimate;
  outputs: Record<string, unknown>;
  /** Settings the plan supplied because the stack file leaves them to the user's machine (e.g. gcp:project). */
  planDefaults: Record<string, string>;
  /** With the cluster's weights cache: what a hit and a miss each do (engine/weightsCache.ts). */
  weightsCache?: ReturnType<typeof weightsCachePlan>;
}

const NOT_MANIFESTS = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release", "kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup"]);
const CLUSTER_SCOPED = new Set([
  "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass",
  "PersistentVolume", "Node", "GatewayClass", "RuntimeClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
]);

export function isManifest(r: RecordedResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && !NOT_MANIFESTS.has(r.type);
}

/** The object as it would be applied: apiVersion, kind, metadata.name and (for namespaced kinds) metadata.namespace. */
export function toManifest(r: RecordedResource): Record<string, unknown> {
  const obj = structuredClone(r.inputs) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  const metadata = { ...(obj.metadata ?? {}) };
  if (!CLUSTER_SCOPED.has(String(obj.kind)) && metadata.namespace === undefined) metadata.namespace = "default";
  const { apiVersion, kind, ...rest } = obj;
  return { apiVersion, kind, ...rest, metadata };
}

export function manifestsYaml(resources: RecordedResource[]): string {
  return resources
    .filter(isManifest)
    .map((r) => stringify(toManifest(r), { lineWidth: 0 }))
    .join("---\n");
}

export interface ChartFile {
  release: string;
  content: string;
}

export function chartFiles(resources: RecordedResource[]): ChartFile[] {
  return resources
    .filter((r) => r.type === "kubernetes:helm.sh/v4:Chart" || r.type === "kubernetes:helm.sh/v3:Release")
    .map((r) => {
      const i = r.inputs as { name?: string; chart?: string; version?: string; namespace?: string; values?: unknown; repositoryOpts?: { repo?: string } };
      const release = i.name ?? r.name;
      return { release, content: stringify({ chart: i.chart, version: i.version, repo: i.repositoryOpts?.repo, namespace: i.namespace, values: i.values ?? {} }, { lineWidth: 0 }) };
    });
}

export function remoteManifests(resources: RecordedResource[]): string[] {
  return resources.filter((r) => r.type === "kubernetes:yaml/v2:ConfigFile").map((r) => String((r.inputs as { file?: string }).file));
}

/** Every `image` string an object names, in order of appearance. */
export function imagesOf(value: unknown, key = "", out: string[] = []): string[] {
  if (key === "image" && typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => imagesOf(v, "", out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) imagesOf(v, k, out);
  return out;
}

/** The objects of a ConfigGroup given as a JSON stream (one object per line, as AibrixStack writes them). */
export function configGroupObjects(inputs: Record<string, unknown>): Record<string, unknown>[] {
  return String(inputs.yaml).split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * A resource's inputs as plan.json shows them. A ConfigGroup's objects (AIBrix's release: megabytes of CRDs)
 * become a summary: each object's kind and name, the images they pull, and the sha256 of the objects as applied.
 */
export function planInputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type !== "kubernetes:yaml/v2:ConfigGroup" || typeof inputs.yaml !== "string") return inputs;
  const objs = configGroupObjects(inputs) as Array<{ kind?: string; metadata?: { name?: string; namespace?: string } }>;
  return {
    ...inputs,
    yaml: {
      count: objs.length,
      sha256: createHash("sha256").update(JSON.stringify(objs)).digest("hex"),
      objects: objs.map((o) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`),
      images: [...new Set(objs.filter((o) => o.kind !== "CustomResourceDefinition").flatMap((o) => imagesOf(o)))].sort(),
    },
  };
}

export function buildPlan(
  stack: string,
  config: ExperimentConfig | ClusterStackConfig,
  facts: ClusterFacts,
  resources: RecordedResource[],
  estimate: Estimate,
  outputs: Record<string, unknown>,
  planDefaults: Record<string, string>,
): Plan {
  const weightsCache = "model" in config ? weightsCachePlan(config) : undefined;
  return {
    stack,
    kind: "model" in config ? "experiment" : "cluster",
    config,
    resources: resources.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs: planInputs(type, inputs) })),
    gpus: { type: facts.gpu.type, perNode: facts.gpu.perNode, nodes: facts.gpu.nodes, total: facts.gpu.total },
    estimate,
    outputs,
    planDefaults,
    ...(weightsCache ? { weightsCache } : {}),
  };
}

/** An indented tree of the resources, for the terminal. */
export function resourceTree(resources: RecordedResource[]): string {
  const children = new Map<string | null, RecordedResource[]>();
  for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const kind = r.type.startsWith("kubernetes:") && r.custom ? `${(r.inputs as { kind?: string }).kind ?? r.type} ${(r.inputs as { metadata?: { name?: string } }).metadata?.name ?? ""}` : r.type;
      lines.push(`${"  ".repeat(depth)}${r.name}  (${kind.trim()})`);
      walk(r.name, depth + 1);
    }
  };
  walk(null, 0);
  return lines.join("\n");
}
