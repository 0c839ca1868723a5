/**
 * The config's composition root: the schema (config/), then the rules of every component, collected from the
 * registries the components own. Adding a component adds an entry to its registry, not a line here.
 *   - cluster providers: cluster/rules.ts CLUSTER_PROVIDER_RULES (the configured provider's)
 *   - the engine: engine/rules.ts ENGINE_RULES
 *   - routers: serving/index.ts ROUTER_MODULES (every router's; each checks router.kind)
 *   - KV-cache tiers: kvcache/tierRules.ts KV_TIER_RULES (every tier's; each checks kvCache.tier)
 *   - harnesses: benchmark/harnesses.ts HARNESSES (the configured harness's)
 *   - results: results/rules.ts RESULTS_RULES
 */
import * as pulumi from "@pulumi/pulumi";
import { harnessRules } from "./benchmark/harnesses";
import { ClusterFacts, ConfigRule, ConfigWarning, resolveClusterFacts } from "./cluster/facts";
import { CLUSTER_PROVIDER_RULES } from "./cluster/rules";
import { NAMESPACE, servelabValues } from "./config/load";
import { parseConfigShape } from "./config/parse";
import { ConfigError, ConfigProblem } from "./config/problems";
import { ExperimentConfig } from "./config/schema";
import { ENGINE_RULES, ENGINE_WARNINGS } from "./engine/rules";
import { KV_TIER_RULES } from "./kvcache/tierRules";
import { RESULTS_RULES } from "./results/rules";
import { ROUTER_RULES } from "./serving";

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
  return out;
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

/** Reads every servelab:* key of the running stack (never the secret's value) and parses it. */
export function loadExperimentConfig(): { config: ExperimentConfig; hfToken?: pulumi.Output<string> } {
  const config = parseExperimentConfig(servelabValues(pulumi.runtime.allConfig()));
  const hfToken = new pulumi.Config(NAMESPACE).getSecret("hfToken");
  return { config, hfToken };
}
