/** The offline plan of one stack: the real program under mocks, turned into plan files. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveClusterFacts } from "../cluster/facts";
import { servelabValues } from "../config/load";
import { ConfigError } from "../config/problems";
import { asOfflinePlan, machineWarnings, stackValueProblems } from "../validate";
import { parseStackValues, withRowsDir } from "../rehearsal/compose";
import { servelab } from "../program";
import { estimateCost } from "./estimate";
import { RecordedResource, runUnderMocks } from "./mockRun";
import { ChartFile, Plan, buildPlan, chartFiles, manifestsYaml, remoteManifests, resourceTree } from "./planFiles";
import { STACKS_DIR, readStackConfig } from "./stackFile";

export interface StackPlan {
  plan: Plan;
  resources: RecordedResource[];
  manifests: string;
  charts: ChartFile[];
  remote: string[];
  tree: string;
  /** Warnings about this machine (e.g. a kubeconfig path that does not exist here); runtime warnings are logged. */
  warnings: string[];
}

/**
 * Settings a real stack takes from the user's machine, given fixed values so plans are deterministic.
 * The placeholder token lets the plan show the Secret the program makes from it (as "[secret]").
 */
const PLAN_DEFAULTS: Record<string, string> = {
  "gcp:project": "your-gcp-project",
  "servelab:hfToken": "hf_plan_placeholder",
};

export async function planStack(stack: string, stacksDir = STACKS_DIR): Promise<StackPlan> {
  // A rehearsal reads its row from the same folder.
  return withRowsDir(stacksDir, () => planStackIn(stack, stacksDir));
}

async function planStackIn(stack: string, stacksDir: string): Promise<StackPlan> {
  const { values, secretKeys } = readStackConfig(stack, stacksDir);
  const early = stackValueProblems(values, (key) => secretKeys.includes(key));
  if (early.length > 0) throw new ConfigError(early);
  const config = parseStackValues(servelabValues(values));
  const facts = resolveClusterFacts(config.cluster).facts!;
  const planDefaults: Record<string, string> = {};
  const all = { ...values };
  for (const [key, value] of Object.entries(PLAN_DEFAULTS)) {
    if (key.startsWith("gcp:") && config.cluster.provider !== "gke") continue;
    if (all[key] === undefined || secretKeys.includes(key)) {
      all[key] = value;
      if (key !== "servelab:hfToken") planDefaults[key] = value;
    }
  }
  const { resources, outputs } = await asOfflinePlan(() => runUnderMocks(stack, all, [...new Set([...secretKeys, "servelab:hfToken"])], servelab));
  const plan = buildPlan(stack, config, facts, resources, estimateCost(config.cluster, facts), outputs, planDefaults);
  return { plan, resources, manifests: manifestsYaml(resources), charts: chartFiles(resources), remote: remoteManifests(resources), tree: resourceTree(resources), warnings: machineWarnings(config) };
}

export function writeStackPlan(outRoot: string, result: StackPlan): string {
  const dir = join(outRoot, result.plan.stack);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "charts"), { recursive: true });
  writeFileSync(join(dir, "plan.json"), `${JSON.stringify(result.plan, null, 2)}\n`);
  writeFileSync(join(dir, "manifests.yaml"), result.manifests);
  for (const chart of result.charts) writeFileSync(join(dir, "charts", `${chart.release}.yaml`), chart.content);
  writeFileSync(join(dir, "remote.txt"), result.remote.map((u) => `${u}\n`).join(""));
  return dir;
}
