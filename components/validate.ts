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
import { NAMESPACE, servelabValues } from "./config/load";
import { parseConfigShape } from "./config/parse";
import { ConfigError, ConfigProblem } from "./config/problems";
import { ExperimentConfig } from "./config/schema";
import { ENGINE_RULES, ENGINE_WARNINGS } from "./engine/rules";
import { KV_TIER_REHEARSAL, KV_TIER_RULES } from "./kvcache/tierRules";
import { RESULTS_RULES } from "./results/rules";
import { ROUTER_RULES, routerRehearsalRefusal } from "./serving";

function rulesFor(config: ExperimentConfig): ConfigRule[] {
  const rules = [
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

/**
 * Turns the raw servelab:* values (already decoded from the stack file) into the typed experiment
 * config, or throws one ConfigError listing every problem found.
 */
export function parseExperimentConfig(raw: Record<string, unknown>): ExperimentConfig {
  const config = parseConfigShape(raw);
  const ruleProblems = checkRules(config);
  if (ruleProblems.length > 0) throw new ConfigError(ruleProblems);
  return config;
}

/**
 * Why a row (an accepted config) cannot be rehearsed with llm-d's simulator, one problem per component that refuses,
 * each under servelab:rehearsal.row (pure).
 */
export function rehearsalRefusals(row: ExperimentConfig, rowName: string): ConfigProblem[] {
  const path = "servelab:rehearsal.row";
  const out: ConfigProblem[] = [];
  const router = routerRehearsalRefusal(row.router.kind);
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
export function stackValueProblems(values: Record<string, string>, isSecret: (key: string) => boolean): ConfigProblem[] {
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
  return out;
}

/** "~/x" as the shell would read it. */
function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
}

function missingKubeconfig(config: ExperimentConfig): string | undefined {
  if (config.cluster.provider !== "kubeconfig") return undefined;
  const path = config.cluster.kubeconfig;
  // Inline kubeconfig contents (the Kubernetes provider takes a path or the file's text) are not a path.
  if (/\n|apiVersion:/.test(path) || existsSync(expandHome(path))) return undefined;
  return `"${path}" does not exist on this machine`;
}

/** Warnings that depend on this machine, not on the config alone: the offline plan prints them. */
export function machineWarnings(config: ExperimentConfig): string[] {
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

/** Reads every servelab:* key of the running stack (never the secret's value) and parses it. */
export function loadExperimentConfig(
  parse: (raw: Record<string, unknown>) => ExperimentConfig = parseExperimentConfig,
): { config: ExperimentConfig; hfToken?: pulumi.Output<string> } {
  const all = pulumi.runtime.allConfig();
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret: (k: string) => boolean }).isConfigSecret;
  const early = stackValueProblems(all, isSecret);
  if (early.length > 0) throw new ConfigError(early);
  const config = parse(servelabValues(all));
  if (offlinePlan === 0) {
    const missing = missingKubeconfig(config);
    if (missing) throw new ConfigError([{ path: "servelab:cluster.kubeconfig", message: `${missing}; give the path of a kubeconfig file that reaches the cluster` }]);
  }
  // A rehearsal downloads nothing from Hugging Face (its row's token, if any, is not read).
  const hfToken = config.rehearsal ? undefined : new pulumi.Config(NAMESPACE).getSecret("hfToken");
  return { config, hfToken };
}
