/**
 * `pulumi up` loads index.ts through @pulumi/pulumi's own cmd/run and its vendored ts-node, not through
 * vitest or our tools' runner: tools/pulumi-loader.cjs starts the program exactly that way (Pulumi.yaml's
 * runtime options, the tsconfig they name, a cold ts-node cache) under the mock monitor. A dependency or
 * tsconfig change that breaks `pulumi up` fails here.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planStack } from "../components/plan/planStack";

const ROOT = resolve(__dirname, "..");
const loadLikePulumi = (stack: string, cache: "cold" | "warm") =>
  spawnSync(process.execPath, [join(ROOT, "tools/pulumi-loader.cjs"), stack, "--json", ...(cache === "cold" ? ["--cold"] : [])], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

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

  it("transpiles only under Pulumi (npm test type-checks), without changing what tsconfig.json compiles", () => {
    const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"));
    const pulumiTsconfig = JSON.parse(readFileSync(join(ROOT, project.runtime.options.tsconfig), "utf8"));
    const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
    expect(pulumiTsconfig).toMatchObject({ extends: "./tsconfig.json", compilerOptions: { noCheck: true } });
    expect(Object.keys(pulumiTsconfig.compilerOptions)).toEqual(["noCheck"]);
    expect(tsconfig.compilerOptions.noCheck).toBeUndefined();
  });
});
