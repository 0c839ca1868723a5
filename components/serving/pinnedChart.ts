import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** A chart pinned in the catalog (components/catalog/versions.ts CHARTS). */
export interface PinnedChart {
  chart: string;
  version: string;
  repo: string;
}

/** helm.v4.Chart inputs for a catalog chart; `version` (servelab:router.version) overrides the pin. */
export function pinnedChartArgs(
  pinned: PinnedChart,
  release: pulumi.Input<string>,
  namespace: pulumi.Input<string>,
  values: pulumi.Inputs,
  version?: string,
): k8s.helm.v4.ChartArgs {
  return { name: release, chart: pinned.chart, version: version ?? pinned.version, namespace, repositoryOpts: { repo: pinned.repo }, values };
}
