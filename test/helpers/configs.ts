import { expect } from "vitest";
import { servelabValues } from "../../components/config/load";
import { parseExperimentConfig } from "../../components/validate";
import { ConfigError } from "../../components/config/problems";
import { readStackConfig } from "../../components/plan/stackFile";
import { parseClusterStackName, readClusterStackSection } from "../../components/cluster/clusterStack";

/** The raw servelab:* values of a committed stack file as written (a row's cluster may be a cluster stack reference). */
export function rawStackFileValues(stack: string): Record<string, any> {
  return structuredClone(servelabValues(readStackConfig(stack).values)) as Record<string, any>;
}

/**
 * The raw servelab:* values of a committed stack file, as a fresh object to mutate. A row on a cluster stack gets
 * that stack's servelab:cluster inline, so a test can change the cluster of one row.
 */
export function rawStackValues(stack: string): Record<string, any> {
  const raw = rawStackFileValues(stack);
  if (raw.cluster?.provider === "stack") raw.cluster = structuredClone(readClusterStackSection(parseClusterStackName(raw.cluster.stack)));
  return raw;
}

/** A small valid config: one L4 node, one replica, no benchmark. */
export function minimalRaw(): Record<string, any> {
  return {
    cluster: { provider: "gke", region: "us-central1", zones: ["us-central1-a"], gpu: { type: "l4" } },
    model: { source: "hf://Qwen/Qwen2.5-0.5B-Instruct" },
  };
}

/** The problems a config is refused with, as "path: message" lines; [] when it is accepted. */
export function configProblems(raw: Record<string, unknown>): string[] {
  try {
    parseExperimentConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}
