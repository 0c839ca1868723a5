/** Reads a stack file (stacks/Pulumi.<stack>.yaml) into the flat config map the Pulumi runtime uses. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const STACKS_DIR = resolve(__dirname, "../../stacks");
export const PROJECT = "servelab";

export interface StackConfig {
  /** "namespace:key" -> value as the Pulumi runtime holds it (structured values as JSON text). */
  values: Record<string, string>;
  /** Keys whose values are secrets (`secure:` in the file); their values are placeholders here. */
  secretKeys: string[];
}

export function stackFilePath(stack: string, dir = STACKS_DIR): string {
  return join(dir, `Pulumi.${stack}.yaml`);
}

export function listStacks(dir = STACKS_DIR): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export class StackFileError extends Error {}

/** Top-level keys of a Pulumi stack file (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/). */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

function closest(word: string, options: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  return options.find((o) => o === lower || (Math.abs(o.length - lower.length) <= 2 && [...o].filter((c, i) => lower[i] === c).length >= o.length - 2) || lower.includes(o) || o.includes(lower));
}

/** The `config:` map of a parsed stack file, or a StackFileError naming what is wrong with the file's shape. */
function stackConfigSection(doc: unknown, path: string): Record<string, unknown> {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${path}: the file must be a map with a config: key, got ${Array.isArray(doc) ? "a list" : `a ${typeof doc}`}`);
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!STACK_FILE_KEYS.includes(key)) {
      const near = closest(key, STACK_FILE_KEYS);
      throw new StackFileError(`${path}: unknown top-level key "${key}"${near ? `; did you mean ${near}:?` : ""} (a stack file has ${STACK_FILE_KEYS.join(", ")})`);
    }
  }
  const config = top.config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new StackFileError(`${path}: config: must be a map of "servelab:<key>: value" lines, got ${Array.isArray(config) ? "a list" : `a ${typeof config}`}`);
  }
  return config as Record<string, unknown>;
}

/** YAML's .inf and .nan have no JSON form (JSON.stringify writes null); keep them visible to the schema's message. */
function keepNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
  return value;
}

export function readStackConfig(stack: string, dir = STACKS_DIR): StackConfig {
  const path = stackFilePath(stack, dir);
  if (!existsSync(path)) {
    const known = existsSync(dir) ? listStacks(dir).join(", ") : "none";
    throw new StackFileError(`no stack file ${path}; stacks: ${known}`);
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new StackFileError(`${path} is not valid YAML: ${(err as Error).message}`);
  }
  const config = stackConfigSection(doc, path);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      secretKeys.push(key);
      values[key] = "[secret]";
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value, keepNonFinite);
    }
  }
  return { values, secretKeys };
}
