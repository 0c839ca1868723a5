import { z } from "zod";
import { ConfigError, ConfigProblem, joinPath, show } from "./problems";
import { ExperimentConfig, KEY_SCHEMAS, REQUIRED_KEYS, SECRET_KEYS } from "./schema";

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

function parseKey<K extends KeyName>(key: K, raw: unknown, problems: ConfigProblem[]): z.infer<(typeof KEY_SCHEMAS)[K]> | undefined {
  const schema = KEY_SCHEMAS[key] as z.ZodType;
  const result = schema.safeParse(raw, { reportInput: true, error: (issue) => describeIssue(issue) });
  if (result.success) return result.data as z.infer<(typeof KEY_SCHEMAS)[K]>;
  for (const issue of result.error.issues) problems.push({ path: joinPath(`servelab:${key}`, issue.path), message: issue.message });
  return undefined;
}

/** Parses one servelab:* value against a schema, adding its problems (with the key path and servelab's wording) to `problems`. */
export function parseValue<T extends z.ZodType>(schema: T, key: string, raw: unknown, problems: ConfigProblem[]): z.infer<T> | undefined {
  const result = schema.safeParse(raw, { reportInput: true, error: (issue) => describeIssue(issue) });
  if (result.success) return result.data as z.infer<T>;
  for (const issue of result.error.issues) problems.push({ path: joinPath(`servelab:${key}`, issue.path), message: issue.message });
  return undefined;
}

/**
 * Turns the raw servelab:* values (already decoded from the stack file) into the typed experiment config by
 * the schema alone, or throws one ConfigError listing every problem found. The rules that relate fields and
 * components run after this (components/validate.ts parseExperimentConfig).
 */
export function parseConfigShape(raw: Record<string, unknown>): ExperimentConfig {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      problems.push({ path: `servelab:${key}`, message: `unknown key; servelab reads ${KNOWN_KEYS.map((k) => `servelab:${k}`).join(", ")}` });
    }
  }
  for (const key of REQUIRED_KEYS) {
    if (raw[key] === undefined) problems.push({ path: `servelab:${key}`, message: "is required" });
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
  return parsed as ExperimentConfig;
}
