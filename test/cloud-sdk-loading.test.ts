/**
 * A stack loads only the cloud SDKs it declares resources with (components/util/cloudSdk.ts), so
 * `npm run plan` and `pulumi up` of a GKE row do not pay for @pulumi/aws. Checked in a fresh process.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const SCRIPT = `
const { createJiti } = require(${JSON.stringify(join(ROOT, "node_modules/jiti/lib/jiti.cjs"))});
const jiti = createJiti(${JSON.stringify(join(ROOT, "index.ts"))});
const [stack, dir] = process.argv.slice(1);
jiti.import(${JSON.stringify(join(ROOT, "components/plan/planStack.ts"))}).then(async ({ planStack }) => {
  await planStack(stack, dir);
  const loaded = (sdk) => Object.keys(require.cache).some((f) => f.includes("/node_modules/@pulumi/" + sdk + "/"));
  console.log(JSON.stringify({ aws: loaded("aws"), gcp: loaded("gcp") }));
});`;

function sdksLoaded(stack: string, dir = join(ROOT, "stacks")): { aws: boolean; gcp: boolean } {
  const run = spawnSync(process.execPath, ["-e", SCRIPT, stack, dir], { cwd: ROOT, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

describe("cloud SDKs are loaded by the stacks that use them", () => {
  it("a GKE row loads @pulumi/gcp only", () => {
    expect(sdksLoaded("vllm_405b_fp8_h100")).toEqual({ aws: false, gcp: true });
  });

  it("a row on a GKE cluster stack creates no GCP resource and loads neither", () => {
    expect(sdksLoaded("k8s_stack")).toEqual({ aws: false, gcp: false });
  });

  it("a VKE row loads neither", () => {
    expect(sdksLoaded("k8s_stack_vke")).toEqual({ aws: false, gcp: false });
  });

  it("a row with an S3 results bucket loads @pulumi/aws", () => {
    expect(sdksLoaded("results_s3", join(ROOT, "test/fixtures/stacks")).aws).toBe(true);
  });
});
