/**
 * `npm run plan -- --matrix <cluster> <rows…>` as a user runs it: both flows, totals, the GPU-time share, clear refusals
 * (a missing or malformed cluster stack: test/plan-timeline.test.ts).
 */
import { describe, expect, it } from "vitest";
import { npmScript } from "./helpers/npmScript";

const REGRESSION_ROWS = ["k8s_stack", "ps_stack", "aibrix_naive", "aibrix_naive_prefix_cache", "aibrix_kvcache_dram"];

describe("npm run plan -- --matrix", () => {
  it("prints the five regression rows on one shared 8 × H100 cluster beside one cluster per row", () => {
    const run = npmScript("plan", ["--matrix", "cluster-gke-h100x8", ...REGRESSION_ROWS]);
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

  it("refuses a row that does not run on the cluster stack with exit 2, naming the row and where it runs", () => {
    const mismatch = npmScript("plan", ["--matrix", "cluster-gke-h100x8", "k8s_stack", "k8s_stack_vke", "vllm_405b_h200"]);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/k8s_stack_vke runs on cluster stack cluster-vke-h20x16-rdma, not cluster-gke-h100x8/);
    expect(mismatch.stderr).toMatch(/vllm_405b_h200 creates its own cluster/);
    expect(mismatch.stderr).not.toMatch(/k8s_stack (runs|creates)/);
    expect(mismatch.stdout).toBe("");
    expect(mismatch.stderr).not.toMatch(/\n\s+at /);
  });
});
