/**
 * `router.version` of a chart-installed router must be a chart version in the catalog (pure): servelab's
 * values are checked against that version's values.yaml and values.schema.json (test/data), and an
 * unknown version (a typo, or one never published) would fail at `pulumi up` after the cluster exists.
 */
import { RouterKind } from "../catalog/routers";
import { ConfigRule } from "../cluster/facts";
import { PinnedChart } from "./pinnedChart";

export function chartVersionRule(kind: RouterKind, chart: PinnedChart): ConfigRule {
  return ({ router }, _facts, out) => {
    if (router.kind !== kind || router.version === undefined || router.version === chart.version) return;
    out.push({
      path: "servelab:router.version",
      message: `"${router.version}" is not a ${chart.chart} chart version servelab has pinned; allowed: ${chart.version} (servelab's values are checked against that chart); remove router.version`,
    });
  };
}
