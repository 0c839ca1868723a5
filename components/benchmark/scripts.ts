/** The benchmark drivers (benchmarks/scripts/*.py) a run needs, shipped to the Job in a ConfigMap. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const SCRIPTS_SOURCE_DIR = resolve(__dirname, "../../benchmarks/scripts");
/** Imported by every driver. */
export const COMMON_SCRIPT = "servelab_common.py";

export interface ScriptBundle {
  files: Record<string, string>;
  /** Changes whenever one of the shipped scripts changes, so the Job is re-run with the new scripts. */
  sha256: string;
}

export function benchmarkScripts(names: readonly string[]): ScriptBundle {
  const files: Record<string, string> = {};
  const hash = createHash("sha256");
  for (const name of [...new Set([COMMON_SCRIPT, ...names])].sort()) {
    files[name] = readFileSync(join(SCRIPTS_SOURCE_DIR, name), "utf8");
    hash.update(name).update("\0").update(files[name]).update("\0");
  }
  return { files, sha256: hash.digest("hex") };
}
