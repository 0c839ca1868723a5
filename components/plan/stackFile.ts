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
  const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      secretKeys.push(key);
      values[key] = "[secret]";
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}
