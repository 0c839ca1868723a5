/** `npm run matrix` without Pulumi: the dry run shows what would run and what resumes; bad arguments exit 2. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npmScript } from "./helpers/npmScript";

const matrix = (...args: string[]) => npmScript("matrix", args);

describe("npm run matrix", () => {
  it("--dry-run lists the rows, skipping those collected before", () => {
    const results = mkdtempSync(join(tmpdir(), "sl-matrix-cli-"));
    mkdirSync(join(results, "k8s_stack", "20250323T100000Z"), { recursive: true });
    writeFileSync(
      join(results, "k8s_stack", "20250323T100000Z", "run.json"),
      JSON.stringify({ stack: "k8s_stack", runId: "20250323T100000Z", status: "collected", startedAt: "", finishedAt: "", source: "pod-log", jobStatus: "ok", error: null, phases: {}, outputs: {} }),
    );
    const skip = matrix("k8s_stack", "--results", results, "--dry-run");
    expect(skip.status, skip.stderr).toBe(0);
    expect(skip.stdout).toMatch(/ 1\. k8s_stack: skip \(collected in .*k8s_stack\/20250323T100000Z\)/);
    const forced = matrix("k8s_stack", "--results", results, "--dry-run", "--force");
    expect(forced.stdout).toContain(" 1. k8s_stack: up, collect, destroy");
  });

  it("--cluster: plans the cluster stack too and refuses a row that does not run on it, before anything starts", () => {
    const run = matrix("--cluster", "cluster-gke-h100x8", "--keep-cluster", "k8s_stack", "vllm_405b_fp8_h100", "--dry-run", "--results", mkdtempSync(join(tmpdir(), "sl-matrix-cli-")));
    expect(run.status).toBe(2);
    expect(run.stdout).toContain("cluster  cluster-gke-h100x8: up before the first row (a no-op when it is up), left up after the last (--keep-cluster)");
    expect(run.stdout).toContain(" 1. k8s_stack: up, collect, destroy");
    expect(run.stdout).toContain(" 2. vllm_405b_fp8_h100: refused (see below)");
    expect(run.stderr).toMatch(/== vllm_405b_fp8_h100 \(refused\)\nvllm_405b_fp8_h100 creates its own cluster \(servelab:cluster is inline\), so it cannot run on cluster stack cluster-gke-h100x8/);
  });

  it("exits 2 naming the missing stack file and the known stacks", () => {
    const run = matrix("k8s_stack", "no_such_stack", "--dry-run");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/servelab matrix: no stack file for no_such_stack \(looked for stacks\/Pulumi\.no_such_stack\.yaml\); stacks: .*k8s_stack/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
