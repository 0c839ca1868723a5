/** Reading evidence files back: one file's text, or every evidence file of a run folder (raw, and derived). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isRecord, parseJsonText } from "../parsers/jsonText";
import { ParseError } from "../parsers/record";
import { EngineStartup } from "../results/engineStartup";
import { RUN_FILES, isRunInfo } from "../results/runFolder";
import { deriveEvidence } from "./derive";
import { EvidenceFile, PointEvidence } from "./types";

/** `<experiment>[_repeat<k>]_evidence_<point label>.json`, as servelab_evidence.py names it. */
export const EVIDENCE_FILE = /^(.+)_evidence_(.+)\.json$/;
export const EVIDENCE_KEY = "servelabEvidence";

export function isEvidenceValue(value: unknown): boolean {
  return isRecord(value) && EVIDENCE_KEY in value;
}

export function evidenceFromValue(value: unknown, source: string): EvidenceFile {
  if (!isRecord(value) || value[EVIDENCE_KEY] !== 1) throw new ParseError(source, null, `not a servelab evidence file of format 1 (expected "${EVIDENCE_KEY}": 1)`);
  const v = value as Partial<EvidenceFile>;
  if (typeof v.experiment !== "string" || typeof v.label !== "string" || !isRecord(v.load)) throw new ParseError(source, null, '"experiment", "label" and "load" are required');
  if (!Array.isArray(v.targets) || !Array.isArray(v.snapshots) || !isRecord(v.client) || !isRecord(v.discovery)) {
    throw new ParseError(source, null, '"targets", "snapshots", "client" and "discovery" are required');
  }
  if (v.repeat !== undefined && !(Number.isInteger(v.repeat) && v.repeat >= 1)) throw new ParseError(source, null, `"repeat" must be a whole number >= 1, got ${JSON.stringify(v.repeat)}`);
  if (typeof v.startedAt !== "number" || typeof v.finishedAt !== "number") throw new ParseError(source, null, '"startedAt" and "finishedAt" must be Unix seconds');
  return value as unknown as EvidenceFile;
}

export function parseEvidenceFile(text: string, source: string): EvidenceFile {
  return evidenceFromValue(parseJsonText(text, source), source);
}

/** The raw evidence files of a run folder (`results/<stack>/<run id>/` or a bucket copy), in file-name order. */
export function readRunEvidenceFiles(dir: string): EvidenceFile[] {
  return readdirSync(dir)
    .filter((name) => EVIDENCE_FILE.test(name))
    .sort()
    .map((name) => parseEvidenceFile(readFileSync(join(dir, name), "utf8"), join(dir, name)));
}

/** The engine facts of PointEvidence.engine, from a run's start-up record. */
export function engineSummary(facts: EngineStartup | null | undefined): PointEvidence["engine"] {
  return facts ? { vllmVersion: facts.vllmVersion, engine: facts.engine, attentionBackend: facts.attentionBackend, kvCacheDtype: facts.kvCacheDtype } : null;
}

/** The derived evidence of every load point of a run folder, with the engine facts of its run.json when it has one. */
export function readRunEvidence(dir: string): PointEvidence[] {
  const runFile = join(dir, RUN_FILES.run);
  const info = existsSync(runFile) ? parseJsonText(readFileSync(runFile, "utf8"), runFile) : null;
  const engine = isRunInfo(info) ? engineSummary(info.engine?.facts) : undefined;
  return readRunEvidenceFiles(dir).map((file) => ({ ...deriveEvidence(file), ...(engine !== undefined ? { engine } : {}) }));
}
