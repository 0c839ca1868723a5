/**
 * What a cluster's location gives every row on it (servelab:cluster.mirrors), applied to the row's config once
 * its cluster is known, inline or from a cluster stack (pure). A row's own setting always wins.
 */
import { ExperimentConfig } from "./schema";

/** `hf://org/name` -> `org/name`. */
const repoOf = (source: string) => source.replace(/^hf:\/\//, "");

export function withClusterDefaults(config: ExperimentConfig): ExperimentConfig {
  const mirrors = config.cluster.mirrors;
  if (!mirrors) return config;
  let { model, benchmark } = config;
  const own = model.weights;
  if (!own?.from && !own?.hfEndpoint) {
    if (mirrors.weights) {
      const { from, ...settings } = mirrors.weights;
      const prefix = from.endsWith("/") ? from : `${from}/`;
      model = { ...model, weights: { ...settings, ...own, from: `${prefix}${repoOf(model.source)}/` } };
    } else if (mirrors.hfEndpoint) {
      model = { ...model, weights: { ...own, hfEndpoint: mirrors.hfEndpoint } };
    }
  }
  if (benchmark && benchmark.pipIndexUrl === undefined && mirrors.pipIndexUrl) benchmark = { ...benchmark, pipIndexUrl: mirrors.pipIndexUrl };
  return { ...config, model, benchmark };
}
