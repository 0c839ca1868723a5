/**
 * `npm run plan -- --matrix <cluster> <rows…>` as a user runs it: both flows, totals, the GPU-time share, clear refusals
 * (a missing or malformed cluster stack: test/plan-timeline.test.ts).
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { npmScript } from "./helpers/npmScript";

const ROOT = resolve(__dirname, "..");
const REGRESSION_ROWS = ["k8s_stack", "ps_stack", "aibrix_naive", "aibrix_naive_prefix_cache", "aibrix_kvcache_dram"];

/** A stacks directory holding the fixture cluster stack and the committed rows named. */
function stacksDir(rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "sl-matrix-"));
  copyFileSync(join(ROOT, "test/fixtures/stacks/Pulumi.cluster-gke-h100x8.yaml"), join(dir, "Pulumi.cluster-gke-h100x8.yaml"));
  for (const row of rows) copyFileSync(join(ROOT, "stacks", `Pulumi.${row}.yaml`), join(dir, `Pulumi.${row}.yaml`));
  return dir;
}

describe("npm run plan -- --matrix", () => {
  it("prints the five regression rows on one shared 8 × H100 cluster beside one cluster per row", () => {
    const run = npmScript("plan", ["--matrix", "cluster-gke-h100x8", ...REGRESSION_ROWS, "--stacks-dir", stacksDir(REGRESSION_ROWS)]);
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain("== matrix: 5 rows on cluster-gke-h100x8 (1 × a3-highgpu-8g, 8 × h100 GPUs)");
    expect(out).toContain("inside = the benchmark Jobs' measured runs, the harness's own warm-up and pauses included");
    expect(out).toMatch(/phase\s+one cluster per row\s+shared cluster/);
    // Today's flow creates five clusters, the shared one a single cluster.
    expect(out).toMatch(/cluster control plane \(no GPU\)\s+30\.0 min \(5×\)\s+6\.0 min/);
    // The weights are downloaded once on the shared cluster.
    expect(out).toMatch(/weights download\s+\S+ min \(5×\)\s+\S+ min\s/);
    expect(out).toMatch(/benchmark run \(inside\)\s+116\.7 min \(5×\)\s+116\.7 min \(5×\)/);
    const share = /GPU time outside the Jobs\s+([\d.]+) %\s+([\d.]+) %/.exec(out);
    expect(share, out).not.toBeNull();
    expect(Number(share![2])).toBeLessThan(Number(share![1]));
    expect(out).toMatch(/GPU-hours\s+[\d.]+\s+[\d.]+/);
    expect(out).toMatch(/cost\s+\$\d+\s+\$\d+/);
    for (const row of REGRESSION_ROWS) expect(out).toMatch(new RegExp(`\\n  ${row}\\s+[\\d.]+ min\\s+23\\.3 min`));
    expect(out).toContain("run of k8s_stack, ps_stack, aibrix_naive, aibrix_naive_prefix_cache, aibrix_kvcache_dram: 23.3 min: multi-round-qa: 11 QPS points × 100 s");
    expect(out).toMatch(/goal for a shared cluster, at most 15\.0 % of GPU time outside the Jobs: (met|not met with these constants) \([\d.]+ %\); largest outside phase: /);
    expect(out).toMatch(/sources:\n\s+\[1\] /);
  });

  it("refuses a row of another GPU shape with exit 2, naming the row and the cluster", () => {
    const dir = stacksDir(["k8s_stack", "k8s_stack_vke"]);
    const mismatch = npmScript("plan", ["--matrix", "cluster-gke-h100x8", "k8s_stack", "k8s_stack_vke", "--stacks-dir", dir]);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/row k8s_stack_vke asks for vke .* but cluster stack cluster-gke-h100x8 has gke 1 × a3-highgpu-8g/);
    expect(mismatch.stderr).not.toContain("k8s_stack asks");
    expect(mismatch.stdout).toBe("");
    expect(mismatch.stderr).not.toMatch(/\n\s+at /);
  });
});
