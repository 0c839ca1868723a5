/**
 * `pulumi up` loads index.ts through @pulumi/pulumi's own cmd/run and its vendored ts-node, not through
 * vitest or our tools' runner: tools/pulumi-loader.cjs starts the program exactly that way (Pulumi.yaml's
 * runtime options, the tsconfig they name, a cold ts-node cache) under the mock monitor. A dependency or
 * tsconfig change that breaks `pulumi up` fails here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planStack } from "../components/plan/planStack";

const ROOT = resolve(__dirname, "..");
const loadLikePulumi = (stack: string, cache: "cold" | "warm", extra: string[] = []) =>
  spawnSync(process.execPath, [join(ROOT, "tools/pulumi-loader.cjs"), stack, "--json", ...(cache === "cold" ? ["--cold"] : []), ...extra], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe("the program under Pulumi's own loader", () => {
  it.each([
    ["k8s_stack", "cold"],
    ["cluster-vke-h20x16-rdma", "warm"],
  ] as const)("%s: loads (%s ts-node cache) and declares what the offline plan declares", async (stack, cache) => {
    const run = loadLikePulumi(stack, cache);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split("\n").pop()!);
    const { resources } = await planStack(stack);
    // The plan records every resource but the root Stack, which cmd/run registers itself.
    expect(result.resources).toBe(resources.length + 1);
    expect(result.outputs).toEqual(expect.arrayContaining(stack.startsWith("cluster-") ? ["kubeconfig", "cluster", "gpuPool", "placement"] : ["kubeconfig", "namespace", "baseUrl", "servedModel"]));
    expect(run.stderr).not.toMatch(/TSError|error TS\d+/);
  }, 60_000);

  /** A folder of stack files: `rows` are copies of committed stack files with a replacement applied. */
  function brokenStacks(rows: Record<string, { from: string; replace: [RegExp, string] }>, extra: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), "sl-loader-stacks-"));
    for (const [name, { from, replace }] of Object.entries(rows)) {
      const text = readFileSync(join(ROOT, `stacks/Pulumi.${from}.yaml`), "utf8");
      expect(text).toMatch(replace[0]);
      writeFileSync(join(dir, `Pulumi.${name}.yaml`), text.replace(replace[0], replace[1]));
    }
    for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, `Pulumi.${name}.yaml`), text);
    return dir;
  }

  it.each([
    ["an inline row's config error (thrown while index.ts loads)", "bad_replicas", () => brokenStacks({ bad_replicas: { from: "vllm_405b_fp8_h100", replace: [/\n    replicas: \d+\n/, "\n    replicas: -3\n"] } }), "servelab:engine.replicas: must be at least 1, got -3"],
    [
      "a row on a cluster stack that lacks its outputs (thrown after the StackReference is read)",
      "on_bare_stack",
      () => brokenStacks({ on_bare_stack: { from: "k8s_stack", replace: [/stack: cluster-gke-h100x8/, "stack: cluster-bare"] } }, { "cluster-bare": "config: {}\n" }),
      '"cluster-bare" lacks the output cluster',
    ],
  ])("%s fails with the problem alone: no stack trace, no warning about a rejection handled late", (_, stack, dir, problem) => {
    const run = loadLikePulumi(stack, "warm", ["--stacks", dir()]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(problem);
    expect(run.stderr).not.toMatch(/PromiseRejection|unhandled exception|\n\s+at /);
  }, 60_000);

  it("transpiles only under Pulumi (npm test type-checks), without changing what tsconfig.json compiles", () => {
    const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"));
    const pulumiTsconfig = JSON.parse(readFileSync(join(ROOT, project.runtime.options.tsconfig), "utf8"));
    const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
    expect(pulumiTsconfig).toMatchObject({ extends: "./tsconfig.json", compilerOptions: { noCheck: true } });
    expect(Object.keys(pulumiTsconfig.compilerOptions)).toEqual(["noCheck"]);
    expect(tsconfig.compilerOptions.noCheck).toBeUndefined();
  });
});
