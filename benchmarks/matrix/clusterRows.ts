/**
 * Rows on a shared cluster stack (pure): with `--cluster <stack>`, every row must say servelab:cluster: { provider: stack,
 * stack: <that stack> }; a row with its own cluster or on another cluster stack would not run where the matrix put it.
 */

/** The cluster stack a planned row runs on (plan.json config.clusterStack), if the plan says. */
export function plannedClusterStack(plan: unknown): string | undefined {
  const config = (plan as { config?: { clusterStack?: unknown } } | null)?.config;
  return typeof config?.clusterStack === "string" ? config.clusterStack : undefined;
}

/** Why `row` cannot run on the matrix's cluster stack `cluster`, or null when it references it. */
export function clusterMismatch(cluster: string, row: string, rowClusterStack: string | undefined): string | null {
  if (rowClusterStack === undefined) {
    return `${row} creates its own cluster (servelab:cluster is inline), so it cannot run on cluster stack ${cluster}; set servelab:cluster: { provider: stack, stack: ${cluster} } in its stack file, or run it without --cluster`;
  }
  // A fully qualified reference (<org>/<project>/<stack>) names the same stack by its last part.
  const referenced = rowClusterStack.split("/").pop();
  if (referenced === cluster) return null;
  return `${row} runs on cluster stack ${rowClusterStack}, not ${cluster} (--cluster); run it with --cluster ${referenced}, or point its servelab:cluster.stack at ${cluster}`;
}
