import { z } from "zod";
import { ConfigError, ConfigProblem, joinPath, show } from "./problems";
import { ClusterConfig, ExperimentConfig, KEY_SCHEMAS, REQUIRED_KEYS, SECRET_KEYS, StackClusterConfig, clusterSchema } from "./schema";

type KeyName = keyof typeof KEY_SCHEMAS;
const KNOWN_KEYS = [...Object.keys(KEY_SCHEMAS), ...SECRET_KEYS];

function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? `is required (${article(issue.expected)})` : `must be ${article(issue.expected)}, got ${show(issue.input)}`;
    case "invalid_value":
      return `${show(issue.input)} is not allowed; allowed: ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys": {
      const shape = (issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape;
      const allowed = shape ? `; allowed keys: ${Object.keys(shape).join(", ")}` : "";
      const keys = issue.keys as string[];
      return `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}${allowed}`;
    }
    case "invalid_union":
      if (issue.discriminator) {
        const options = ((issue.options ?? []) as unknown[]).map(String).join(", ");
        const discriminator = issue.discriminator as string;
        if (!issue.input || typeof issue.input !== "object" || Array.isArray(issue.input)) return `must be a map with "${discriminator}": one of ${options}, got ${show(issue.input)}`;
        const value = (issue.input as Record<string, unknown>)[discriminator];
        return value === undefined ? `needs "${discriminator}": one of ${options} (it is missing)` : `needs "${discriminator}": one of ${options}, got ${show(value)}`;
      }
      if (issue.input === undefined) return `is required${forms(issue) ? `: ${forms(issue)}` : ""}`;
      return `got ${show(issue.input)}, which matches none of the allowed forms${forms(issue) ? `: ${forms(issue)}` : ""}`;
    case "too_small":
      if (issue.origin === "array") return `needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`;
      return `must be ${issue.inclusive === false ? "greater than" : "at least"} ${issue.minimum}, got ${show(issue.input)}`;
    case "too_big":
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}, got ${show(issue.input)}`;
    case "invalid_format":
      return `${show(issue.input)} ${issue.message && !issue.message.startsWith("Invalid") ? issue.message : `is not a valid ${issue.format}`}`;
    default:
      return `${issue.message ?? "is invalid"} (got ${show(issue.input)})`;
  }
}

/** The forms a union accepts, from the schema's description (e.g. `[0.5, 1, 2]` or `{ from, to, step }`). */
function forms(issue: z.core.$ZodRawIssue): string | undefined {
  const inst = issue.inst as { description?: string } | undefined;
  return inst?.description;
}

function article(expected: string): string {
  if (expected === "int") return "a whole number";
  if (expected === "array") return "a list";
  if (expected === "object" || expected === "record") return "a map of keys to values";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function parseWith<T>(schema: z.ZodType, root: string, raw: unknown, problems: ConfigProblem[]): T | undefined {
  const result = schema.safeParse(raw, { reportInput: true, error: (issue) => describeIssue(issue) });
  if (result.success) return result.data as T;
  for (const issue of result.error.issues) problems.push({ path: joinPath(root, issue.path), message: issue.message });
  return undefined;
}

function parseKey<K extends KeyName>(key: K, raw: unknown, problems: ConfigProblem[]): z.infer<(typeof KEY_SCHEMAS)[K]> | undefined {
  return parseWith(KEY_SCHEMAS[key] as z.ZodType, `servelab:${key}`, raw, problems);
}

/**
 * A cluster itself (not a reference to a cluster stack), e.g. what a cluster stack's file or outputs hold; problems
 * are reported under `root` (the key path a user fixes).
 */
export function parseClusterSection(raw: unknown, root: string, problems: ConfigProblem[]): ClusterConfig | undefined {
  const provider = raw && typeof raw === "object" ? (raw as Record<string, unknown>).provider : undefined;
  if (provider === "stack") {
    problems.push({ path: `${root}.provider`, message: '"stack": a cluster stack holds a cluster itself (provider gke, vke or kubeconfig), not a reference to another cluster stack' });
    return undefined;
  }
  return parseWith<ClusterConfig>(clusterSchema, root, raw, problems);
}

/** The config as the schema reads it: servelab:cluster may still be a reference to a cluster stack. */
export type ExperimentShape = Omit<ExperimentConfig, "cluster" | "clusterStack"> & { cluster: ClusterConfig | StackClusterConfig };

/** The parsed config of a cluster stack: servelab:cluster alone. */
export interface ClusterStackConfig {
  cluster: ClusterConfig;
}

/**
 * A stack file without servelab:model whose only key is servelab:cluster is a cluster stack: it creates the cluster
 * and pools that experiment rows reference (servelab:cluster: { provider: stack, stack: <name> }).
 */
export function isClusterStackValues(raw: Record<string, unknown>): boolean {
  return raw.model === undefined && raw.cluster !== undefined && Object.keys(raw).every((key) => key === "cluster");
}

/** A cluster stack's config by the schema, or one ConfigError listing every problem. */
export function parseClusterStackShape(raw: Record<string, unknown>): ClusterStackConfig {
  const problems: ConfigProblem[] = [];
  const cluster = parseClusterSection(raw.cluster, "servelab:cluster", problems);
  if (problems.length > 0 || !cluster) throw new ConfigError(problems);
  return { cluster };
}

/** Parses one servelab:* value against a schema, adding its problems (with the key path and servelab's wording) to `problems`. */
export function parseValue<T extends z.ZodType>(schema: T, key: string, raw: unknown, problems: ConfigProblem[]): z.infer<T> | undefined {
  return parseWith<z.infer<T>>(schema, `servelab:${key}`, raw, problems);
}

/**
 * Turns the raw servelab:* values (already decoded from the stack file) into the typed experiment config by
 * the schema alone, or throws one ConfigError listing every problem found. The rules that relate fields and
 * components run after this (components/validate.ts parseExperimentConfig).
 */
export function parseConfigShape(raw: Record<string, unknown>): ExperimentShape {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      problems.push({ path: `servelab:${key}`, message: `unknown key; servelab reads ${KNOWN_KEYS.map((k) => `servelab:${k}`).join(", ")}` });
    }
  }
  for (const key of REQUIRED_KEYS) {
    if (raw[key] !== undefined) continue;
    const clusterStackHint = key === "model" && raw.cluster !== undefined ? " (a cluster stack, which has no model, holds servelab:cluster alone)" : "";
    problems.push({ path: `servelab:${key}`, message: `is required${clusterStackHint}` });
  }
  const parsed = {
    cluster: raw.cluster === undefined ? undefined : parseKey("cluster", raw.cluster, problems),
    model: raw.model === undefined ? undefined : parseKey("model", raw.model, problems),
    engine: parseKey("engine", raw.engine ?? {}, problems),
    router: parseKey("router", raw.router ?? {}, problems),
    kvCache: parseKey("kvCache", raw.kvCache ?? {}, problems),
    benchmark: raw.benchmark === undefined ? undefined : parseKey("benchmark", raw.benchmark, problems),
    results: parseKey("results", raw.results ?? {}, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed as ExperimentShape;
}

/** One servelab:* key's value parsed by its schema alone (e.g. a cluster stack's servelab:cluster), or a ConfigError. */
export function parseConfigKey<K extends KeyName>(key: K, raw: unknown): z.infer<(typeof KEY_SCHEMAS)[K]> {
  const problems: ConfigProblem[] = [];
  const value = parseKey(key, raw, problems);
  if (problems.length > 0 || value === undefined) throw new ConfigError(problems);
  return value;
}
