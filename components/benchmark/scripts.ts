/** The benchmark drivers (benchmarks/scripts/*.py), shipped to the Job in a ConfigMap. */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const SCRIPTS_SOURCE_DIR = resolve(__dirname, "../../benchmarks/scripts");

export interface ScriptBundle {
  files: Record<string, string>;
  /** Changes whenever a script changes, so the Job is re-run with the new scripts. */
  sha256: string;
}

let cached: ScriptBundle | undefined;

export function benchmarkScripts(): ScriptBundle {
  if (cached) return cached;
  const files: Record<string, string> = {};
  const hash = createHash("sha256");
  for (const name of readdirSync(SCRIPTS_SOURCE_DIR).filter((f) => f.endsWith(".py")).sort()) {
    files[name] = readFileSync(join(SCRIPTS_SOURCE_DIR, name), "utf8");
    hash.update(name).update("\0").update(files[name]).update("\0");
  }
  cached = { files, sha256: hash.digest("hex") };
  return cached;
}
