/**
 * The config's composition root: the schema (config/), then the rules of every component, collected from the
 * registries the components own. Adding a component adds an entry to its registry, not a line here.
 *   - cluster providers: cluster/rules.ts CLUSTER_PROVIDER_RULES (the configured provider's)
 *   - the engine: engine/rules.ts ENGINE_RULES
 *   - routers: serving/index.ts ROUTER_MODULES (every router's; each checks router.kind)
 *   - KV-cache tiers: kvcache/tierRules.ts KV_TIER_RULES (every tier's; each checks kvCache.tier)
 *   - harnesses: benchmark/harnesses.ts HARNESSES (the configured harness's)
 *   - results: results/rules.ts RESULTS_RULES
 * A rehearsal's verdicts come from the same registries: ROUTER_MODULES[kind].rehearsal, KV_TIER_REHEARSAL and
 * HARNESSES[harness].rehearsal (rehearsalRefusals below).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { harnessRehearsalRefusal, harnessRules } from "./benchmark/harnesses";
import { ClusterFacts, ConfigRule, ConfigWarning, resolveClusterFacts } from "./cluster/facts";
import { CLUSTER_PROVIDER_RULES } from "./cluster/rules";
import { ClusterStackName, parseClusterStackName, readClusterStackSection } from "./cluster/clusterStack";
import { withClusterDefaults } from "./config/clusterDefaults";
import { NAMESPACE, servelabValues } from "./config/load";
import { ClusterStackConfig, ExperimentShape, isClusterStackValues, parseClusterSection, parseClusterStackShape, parseConfigShape } from "./config/parse";
import { ConfigError, ConfigProblem } from "./config/problems";
import { ClusterConfig, ExperimentConfig } from "./config/schema";
import { ENGINE_RULES, ENGINE_WARNINGS } from "./engine/rules";
import { KV_TIER_REHEARSAL, KV_TIER_RULES } from "./kvcache/tierRules";
import { RESULTS_RULES } from "./results/rules";
import { ROUTER_RULES, routerRehearsalRefusal } from "./serving";
import { WEIGHTS_CREDENTIALS_KEY, parseWeightsCredentials } from "./engine/weightsCredentials";

function rulesFor(config: ExperimentConfig): ConfigRule[] {
  const rules = [
    ...CLUSTER_PROVIDER_RULES[config.cluster.provider].clusterRules,
    ...CLUSTER_PROVIDER_RULES[config.cluster.provider].rules,
    ...ROUTER_RULES,
    ...Object.values(KV_TIER_RULES).flat(),
    ...ENGINE_RULES,
    harnessRules,
    ...RESULTS_RULES,
  ];
  return [...new Set(rules)];
}

function warningsFor(config: ExperimentConfig): ConfigWarning[] {
  return [...CLUSTER_PROVIDER_RULES[config.cluster.provider].warnings, ...ENGINE_WARNINGS];
}

/** Every problem of a config that passed the schema, each with the key path to fix (pure). */
export function checkRules(config: ExperimentConfig): ConfigProblem[] {
  const { facts, problems } = resolveClusterFacts(config.cluster);
  if (!facts) return problems;
  const out = [...problems];
  for (const rule of rulesFor(config)) rule(config, facts, out);
  return onePerKey(out);
}

/** One line per key: several findings for one key are joined (identical ones once), so they read as one answer. */
export function onePerKey(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const byPath = new Map<string, string[]>();
  for (const p of problems) {
    const messages = byPath.get(p.path) ?? [];
    if (!messages.includes(p.message)) messages.push(p.message);
    byPath.set(p.path, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join("; also ") }));
}

/** What is valid but worth saying before anything is created (pure). */
export function configWarnings(config: ExperimentConfig, facts: ClusterFacts): string[] {
  return warningsFor(config).flatMap((w) => w(config, facts));
}

/** Gives the servelab:cluster of a cluster stack (raw, as its file or outputs hold it), or throws a ConfigError. */
export type ClusterStackSource = (name: ClusterStackName) => unknown;

/** Offline: the cluster stack's file in stacks/. */
export const clusterStackFiles = (dir?: string): ClusterStackSource => (name) => readClusterStackSection(name, dir);

/** A problem about the cluster of a row on a cluster stack is fixed in the cluster stack: its path says so. */
function inClusterStack(problems: ConfigProblem[], clusterStack: string | undefined): ConfigProblem[] {
  if (!clusterStack) return problems;
  return problems.map((p) => (p.path === "servelab:cluster" || p.path.startsWith("servelab:cluster.") ? { ...p, path: `${p.path} (cluster stack ${clusterStack})` } : p));
}

/**
 * A row's cluster: its inline servelab:cluster, or the servelab:cluster of the cluster stack it names (from
 * `source`), parsed by the same schema, so the facts and every rule see the same cluster either way.
 */
export function resolveCluster(shape: ExperimentShape, source: ClusterStackSource = clusterStackFiles()): ExperimentConfig {
  if (shape.cluster.provider !== "stack") return withClusterDefaults(shape as ExperimentConfig);
  const name = parseClusterStackName(shape.cluster.stack);
  const problems: ConfigProblem[] = [];
  const cluster = parseClusterSection(source(name), `servelab:cluster (cluster stack ${name.ref})`, problems);
  if (!cluster) throw new ConfigError(problems);
  const { cluster: _ref, ...rest } = shape;
  return withClusterDefaults({ cluster, clusterStack: name.ref, ...rest });
}

/**
 * Turns the raw servelab:* values (already decoded from the stack file) into the typed experiment
 * config, or throws one ConfigError listing every problem found. A row on a cluster stack reads that stack's
 * cluster from `source` (default: its file in stacks/).
 */
export function parseExperimentConfig(raw: Record<string, unknown>, source?: ClusterStackSource): ExperimentConfig {
  const config = resolveCluster(parseConfigShape(raw), source);
  const ruleProblems = inClusterStack(checkRules(config), config.clusterStack);
  if (ruleProblems.length > 0) throw new ConfigError(ruleProblems);
  return config;
}

/** A cluster stack's config: the schema, then the cluster's own rules (those that need no experiment). */
export function parseClusterStackConfig(raw: Record<string, unknown>): ClusterStackConfig {
  const config = parseClusterStackShape(raw);
  const { facts, problems } = resolveClusterFacts(config.cluster);
  const out = [...problems];
  if (facts) for (const rule of CLUSTER_PROVIDER_RULES[config.cluster.provider].clusterRules) rule(config, facts, out);
  if (out.length > 0) throw new ConfigError(onePerKey(out));
  return config;
}

export { isClusterStackValues };

/**
 * Why a row (an accepted config) cannot be rehearsed with llm-d's simulator, one problem per component that refuses,
 * each under servelab:rehearsal.row (pure).
 */
export function rehearsalRefusals(row: ExperimentConfig, rowName: string): ConfigProblem[] {
  const path = "servelab:rehearsal.row";
  const out: ConfigProblem[] = [];
  const router = routerRehearsalRefusal(row.router);
  if (router) out.push({ path, message: `"${rowName}" cannot be rehearsed: its router (router.kind ${row.router.kind}) cannot run the simulator as its engine: ${router}` });
  const tier = KV_TIER_REHEARSAL[row.kvCache.tier].refused;
  if (tier) out.push({ path, message: `"${rowName}" cannot be rehearsed: its KV-cache tier (kvCache.tier ${row.kvCache.tier}) cannot be kept: ${tier}` });
  const harness = row.benchmark ? harnessRehearsalRefusal(row.benchmark) : undefined;
  if (harness) out.push({ path, message: `"${rowName}" cannot be rehearsed without downloads: ${harness}` });
  return onePerKey(out);
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * Problems of the flat stack config before the schema sees it: a misspelled servelab namespace (every setting under
 * it would be dropped silently) and a Hugging Face token that is not a Pulumi secret.
 */
export function stackValueProblems(
  values: Record<string, string>,
  isSecret: (key: string) => boolean,
  /** Offline, an encrypted value is a placeholder: only its being a secret can be checked. */
  readable: (key: string) => boolean = () => true,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const key of Object.keys(values)) {
    const [namespace, ...rest] = key.split(":");
    const name = rest.join(":");
    if (namespace !== NAMESPACE && (editDistance(namespace.toLowerCase(), NAMESPACE) <= 2 || namespace.toLowerCase() === NAMESPACE)) {
      out.push({ path: key, message: `unknown config namespace "${namespace}"; did you mean ${NAMESPACE}:${name}? Nothing under "${namespace}:" is read` });
    }
  }
  const token = `${NAMESPACE}:hfToken`;
  if (values[token] !== undefined && !isSecret(token)) {
    const kind = /^-?\d+(\.\d+)?$/.test(values[token]) ? "a number in plain text" : "plain text";
    out.push({
      path: token,
      message: `is ${kind} in the stack file; it must be a Pulumi secret string: remove the line and run \`pulumi config set --secret servelab:hfToken <token>\` (it is stored encrypted as secure: ...)`,
    });
  }
  const credentials = values[WEIGHTS_CREDENTIALS_KEY];
  if (credentials !== undefined) {
    if (!isSecret(WEIGHTS_CREDENTIALS_KEY)) {
      out.push({ path: WEIGHTS_CREDENTIALS_KEY, message: "is plain text in the stack file; it must be a Pulumi secret: remove the line and set it with `pulumi config set --secret`" });
    } else if (readable(WEIGHTS_CREDENTIALS_KEY)) {
      const { problem } = parseWeightsCredentials(credentials);
      if (problem) out.push({ path: WEIGHTS_CREDENTIALS_KEY, message: problem });
    }
  }
  return out;
}

/** "~/x" as the shell would read it. */
function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
}

function missingKubeconfig({ cluster }: { cluster: ClusterConfig }): string | undefined {
  if (cluster.provider !== "kubeconfig") return undefined;
  const path = cluster.kubeconfig;
  // Inline kubeconfig contents (the Kubernetes provider takes a path or the file's text) are not a path.
  if (/\n|apiVersion:/.test(path) || existsSync(expandHome(path))) return undefined;
  return `"${path}" does not exist on this machine`;
}

/** Warnings that depend on this machine, not on the config alone: the offline plan prints them. */
export function machineWarnings(config: { cluster: ClusterConfig }): string[] {
  const missing = missingKubeconfig(config);
  return missing ? [`servelab:cluster.kubeconfig: ${missing}; the offline plan goes on, \`pulumi preview\` and \`pulumi up\` will refuse it`] : [];
}

let offlinePlan = 0;

/** Runs `fn` as the offline plan: checks of this machine (the kubeconfig file) are warnings instead of errors. */
export async function asOfflinePlan<T>(fn: () => Promise<T>): Promise<T> {
  offlinePlan++;
  try {
    return await fn();
  } finally {
    offlinePlan--;
  }
}

/** Outside the offline plan, an existing cluster's kubeconfig file must exist on this machine. */
export function rejectMissingKubeconfig(cluster: ClusterConfig): void {
  if (offlinePlan > 0) return;
  const missing = missingKubeconfig({ cluster });
  if (missing) throw new ConfigError([{ path: "servelab:cluster.kubeconfig", message: `${missing}; give the path of a kubeconfig file that reaches the cluster` }]);
}

/**
 * Reads every servelab:* key of the running stack (never the secret's value), refusing a misspelled namespace or a
 * plain-text token; says whether the stack is a cluster stack. The caller parses it (program.ts).
 */
export function loadStackValues(): {
  raw: Record<string, unknown>;
  hfToken?: pulumi.Output<string>;
  weightsCredentials?: pulumi.Output<Record<string, string>>;
  clusterStack: boolean;
} {
  const all = pulumi.runtime.allConfig();
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret: (k: string) => boolean }).isConfigSecret;
  const early = stackValueProblems(all, isSecret);
  if (early.length > 0) throw new ConfigError(early);
  const raw = servelabValues(all);
  const hfToken = new pulumi.Config(NAMESPACE).getSecret("hfToken");
  // Checked above: a secret holding a JSON object of environment variables.
  const credentials = all[WEIGHTS_CREDENTIALS_KEY];
  const weightsCredentials = credentials === undefined ? undefined : pulumi.secret(parseWeightsCredentials(credentials).env!);
  return { raw, hfToken, weightsCredentials, clusterStack: isClusterStackValues(raw) };
}
