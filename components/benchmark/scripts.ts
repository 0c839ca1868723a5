/**
 * The benchmark drivers (benchmarks/scripts/*.py) a run needs, and the third-party scripts it runs
 * (benchmarks/vendor/, carried unchanged at pinned commits), shipped to the Job in a ConfigMap: nothing
 * is downloaded from GitHub at run time.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const SCRIPTS_SOURCE_DIR = resolve(__dirname, "../../benchmarks/scripts");
export const VENDOR_SOURCE_DIR = resolve(__dirname, "../../benchmarks/vendor");
/** Imported by every driver. */
export const COMMON_SCRIPT = "servelab_common.py";
/** Imported by servelab_common.py: the per-point /metrics scraper. */
export const EVIDENCE_SCRIPT = "servelab_evidence.py";

export interface ScriptBundle {
  files: Record<string, string>;
  /** Changes whenever one of the shipped scripts changes, so the Job is re-run with the new scripts. */
  sha256: string;
}

/** `vendored`: ConfigMap key -> file under benchmarks/vendor/ (e.g. "multi-round-qa.py" -> "production-stack/multi-round-qa.py"). */
export function benchmarkScripts(names: readonly string[], vendored: Record<string, string> = {}): ScriptBundle {
  const files: Record<string, string> = {};
  const hash = createHash("sha256");
  const sources = new Map<string, string>();
  for (const name of new Set([COMMON_SCRIPT, EVIDENCE_SCRIPT, ...names])) sources.set(name, join(SCRIPTS_SOURCE_DIR, name));
  for (const [key, file] of Object.entries(vendored)) {
    if (sources.has(key)) throw new Error(`servelab: the scripts ConfigMap would hold two files named ${key}`);
    sources.set(key, join(VENDOR_SOURCE_DIR, file));
  }
  for (const name of [...sources.keys()].sort()) {
    files[name] = readFileSync(sources.get(name)!, "utf8");
    hash.update(name).update("\0").update(files[name]).update("\0");
  }
  return { files, sha256: hash.digest("hex") };
}
