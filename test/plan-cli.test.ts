/** `npm run plan` as a user runs it: files written, deterministic, exit 2 with readable lines on a bad config. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npmScript } from "./helpers/npmScript";

const plan = (...args: string[]) => npmScript("plan", args);

describe("npm run plan", () => {
  it("writes the plan files, prints the tree, GPUs and cost, and gives identical files twice", () => {
    const outA = mkdtempSync(join(tmpdir(), "sl-plan-a-"));
    const outB = mkdtempSync(join(tmpdir(), "sl-plan-b-"));
    const a = plan("k8s_stack", "--out", outA);
    const b = plan("k8s_stack", "--out", outB, "--quiet");
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(a.stdout).toContain("servelab-serving-engines-deployment  (Deployment vllm)");
    expect(a.stdout).toMatch(/on cluster stack cluster-gke-h100x8 \(`pulumi up -s cluster-gke-h100x8` first; billed there\): GPUs: 8 × h100 \(1 node × 8\)\s+cost: about \$\d+\.\d\d\/hour/);
    // The modelled timeline: each phase with its source, GPU-hours, dollars and the share outside the Job's run.
    expect(a.stdout).toMatch(/\n  weights download\s+2\.7 min\s+\[\d+\]\s+16\.1 GB from Hugging Face at 0\.1 GB\/s/);
    expect(a.stdout).toMatch(/\n  benchmark run \(inside\)\s+23\.3 min\s+\[(\d+)\]/);
    // k8s_stack runs on its cluster stack: its own phases on the up cluster, then warm, then as a one-off.
    expect(a.stdout).toContain("timeline (modelled; k8s_stack on cluster stack cluster-gke-h100x8 once it is up");
    expect(a.stdout).not.toMatch(/\n  cluster control plane /);
    expect(a.stdout).toMatch(/total: [\d.]+ min, GPU time of the row [\d.]+ min = [\d.]+ GPU-hours \(8 × h100\), cost about \$\d+; outside the Job's run: [\d.]+ %/);
    expect(a.stdout).toMatch(/as a one-off with its own cluster of this shape \(today's flow\): [\d.]+ min, [\d.]+ GPU-hours, cost about \$\d+, [\d.]+ % outside/);
    expect(a.stdout).toMatch(/sources:\n\s+\[1\] servelab assumption: /);
    expect(b.stdout).not.toContain("timeline (modelled");
    expect(readdirSync(join(outA, "k8s_stack")).sort()).toEqual(["charts", "manifests.yaml", "plan.json", "remote.txt"]);
    for (const file of ["plan.json", "manifests.yaml", "remote.txt"]) {
      expect(readFileSync(join(outA, "k8s_stack", file), "utf8")).toBe(readFileSync(join(outB, "k8s_stack", file), "utf8"));
    }
    const planJson = JSON.parse(readFileSync(join(outA, "k8s_stack", "plan.json"), "utf8"));
    expect(Object.keys(planJson)).toEqual(expect.arrayContaining(["stack", "config", "resources", "gpus", "estimate"]));
    expect(planJson.resources.find((r: any) => r.name === "servelab-cluster-k8s").parent).toBe("servelab-cluster");
    expect(planJson.resources.find((r: any) => r.type === "pulumi:pulumi:StackReference").inputs).toEqual({ name: "cluster-gke-h100x8" });
    expect(planJson.resources.find((r: any) => r.name === "servelab").parent).toBeNull();
  });

  it("exits 2 with one line per problem naming the key, and no stack trace", () => {
    const stacks = mkdtempSync(join(tmpdir(), "sl-stacks-"));
    writeFileSync(
      join(stacks, "Pulumi.bad.yaml"),
      "config:\n  servelab:cluster:\n    provider: gke\n    region: us-central1\n    zones: [us-central1-a]\n    gpu: { type: h100, perNode: 8 }\n" +
        "  servelab:model:\n    source: hf://meta-llama/Llama-3.1-8B-Instruct\n  servelab:engine:\n    replicas: 9\n  servelab:router:\n    kind: k8s-service\n    routing: prefix-cache\n",
    );
    const run = plan("bad", "--stacks-dir", stacks, "--out", mkdtempSync(join(tmpdir(), "sl-out-")));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("servelab: the stack config has 2 problems:");
    expect(run.stderr).toContain("servelab:engine.replicas: 9 replicas × tensorParallel 1 = 9 GPUs, but the GPU pool has 8");
    expect(run.stderr).toContain('servelab:router.routing: "prefix-cache": k8s-service has no routing modes');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the known stacks when a stack does not exist", () => {
    const run = plan("no_such_stack", "--out", mkdtempSync(join(tmpdir(), "sl-out-")));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no stack file .*Pulumi\.no_such_stack\.yaml; stacks: .*k8s_stack/);
  });
});
