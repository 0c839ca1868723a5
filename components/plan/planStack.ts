/** The offline plan of one stack: the real program under mocks, turned into plan files. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveClusterFacts } from "../cluster/facts";
import { ExperimentConfig } from "../config/schema";
import { ClusterStackConfig } from "../config/parse";
import { WEIGHTS_CREDENTIALS_KEY, weightsCopySecretName } from "../engine/weightsCredentials";
import { asOfflinePlan, machineWarnings } from "../validate";
import { withRowsDir } from "../rehearsal/compose";
import { servelab } from "../program";
import { estimateCost } from "./estimate";
import { RecordedResource, runUnderMocks } from "./mockRun";
import { ChartFile, Plan, buildPlan, chartFiles, manifestsYaml, remoteManifests, resourceTree } from "./planFiles";
import { plannedClusterStackOutputs, stackReferenceState } from "./clusterStackMock";
import { readStackInput } from "./rowStack";
import { STACKS_DIR } from "./stackFile";

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
  [WEIGHTS_CREDENTIALS_KEY]: JSON.stringify({ AWS_ACCESS_KEY_ID: "plan_placeholder", AWS_SECRET_ACCESS_KEY: "plan_placeholder" }),
};

/** The secrets a stack's program reads: the token for every row, the weights credentials where a copy names their Secret. */
function planSecrets(config: ExperimentConfig | ClusterStackConfig): string[] {
  if (!("model" in config)) return [];
  return weightsCopySecretName(config.model) ? ["servelab:hfToken", WEIGHTS_CREDENTIALS_KEY] : ["servelab:hfToken"];
}

export async function planStack(stack: string, stacksDir = STACKS_DIR): Promise<StackPlan> {
  // A rehearsal reads its row (and the row its cluster stack) from the same folder.
  return withRowsDir(stacksDir, () => planStackIn(stack, stacksDir));
}

async function planStackIn(stack: string, stacksDir: string): Promise<StackPlan> {
  const { values, secretKeys, config } = readStackInput(stack, stacksDir);
  const facts = resolveClusterFacts(config.cluster).facts!;
  const planDefaults: Record<string, string> = {};
  const secrets = planSecrets(config);
  const all = { ...values };
  for (const [key, value] of Object.entries(PLAN_DEFAULTS)) {
    // gcp:project: a row on a GKE cluster stack needs it too (a gs:// results bucket's project).
    if (key.startsWith("gcp:") && config.cluster.provider !== "gke") continue;
    const secret = key.startsWith("servelab:");
    // An encrypted value in the file cannot be read here: the placeholder stands in for it.
    const encrypted = secretKeys.includes(key);
    if (secret && !encrypted && !secrets.includes(key)) continue;
    if (all[key] === undefined || encrypted) {
      all[key] = value;
      if (!secret) planDefaults[key] = value;
    }
  }
  // A row's cluster stack answers its StackReference with what its file would export once up.
  const clusterStack = (name: string) => stackReferenceState(name, plannedClusterStackOutputs(name, stacksDir, PLAN_DEFAULTS["gcp:project"]));
  const { resources, outputs } = await asOfflinePlan(() =>
    runUnderMocks(stack, all, [...new Set([...secretKeys, ...secrets])], servelab, undefined, clusterStack),
  );
  const plan = buildPlan(stack, config, facts, resources, estimateCost(config.cluster, facts, (config as Partial<ExperimentConfig>).clusterStack), outputs, planDefaults);
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
