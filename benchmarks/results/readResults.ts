/**
 * Turns the report's inputs into point records. Two kinds of folder:
 *
 * - a run folder (has manifest.json; the matrix runner's `results/<stack>/<run id>/` or a bucket copy):
 *   experiment, harness and load points come from the manifest; points without output are reported;
 * - a raw harness output folder (e.g. AIBrix's `<experiment>_output_<qps>.csv` files): every file is
 *   recognised by its name and content.
 *
 * Output that is recognised but broken (a truncated CSV, a result block without its end) is an error;
 * a file that is no harness output at all (a plot script, a README) is listed as skipped.
 */
import { deriveEvidence } from "../evidence/derive";
import { EVIDENCE_FILE, engineSummary, evidenceFromValue } from "../evidence/readEvidence";
import { PointEvidence } from "../evidence/types";
import { TextBlock, hasBenchmarkServingBlock, parseBenchmarkServingText } from "../parsers/benchmarkServing";
import { mrqaCountsName, mrqaOutputName, splitRepeat, stem, vllmPointName } from "../parsers/fileNames";
import { Slo, goodputUnknown } from "../parsers/goodput";
import { isRecord, parseJsonText } from "../parsers/jsonText";
import { hasK6TextSummary, parseK6Text } from "../parsers/k6Text";
import { k6RecordFromValue, looksLikeK6Summary } from "../parsers/k6Summary";
import { MrqaCounts, hasMrqaHeader, mrqaRecord, parseMrqaCounts, parseMrqaCsv } from "../parsers/multiRoundQa";
import { ParseError, PointRecord } from "../parsers/record";
import { looksLikeVllmBenchResult, vllmBenchRecordFromValue, vllmResultLoad } from "../parsers/vllmBench";
import { EngineRecord } from "./engineStartup";
import { InputFile, listInputFiles } from "./inputFiles";
import { loadKey, sameLoad } from "./loads";
import { RUN_FILES, RunInfo, isRunInfo } from "./runFolder";
import { RunManifest, parseRunManifest } from "./runManifest";

export interface ReadResult {
  records: PointRecord[];
  /** Things a reader of the report must know: failed points, older runs left out, duplicates. */
  notes: string[];
  /** Files that looked like candidates but hold no harness output, with the reason. */
  skipped: Array<{ path: string; reason: string }>;
  /** Files of other kinds (images, scripts), not looked at. */
  ignored: string[];
  /** What each run folder's engine reported at start-up (run.json), one entry per experiment read from a run folder. */
  engines?: ExperimentEngine[];
  /** The run folder each experiment's records come from: times, price, and what the plan deployed. */
  runs?: ExperimentRun[];
}

export interface ExperimentRun {
  experiment: string;
  dir: string;
  info: RunInfo | null;
  manifest: RunManifest;
  /** plan.json of the run, when the folder has one. */
  plan: RunPlan | null;
}

/** The parts of plan.json the report uses (components/plan/planFiles.ts Plan). */
export interface RunPlan {
  config: { model?: { name?: string }; engine?: Record<string, unknown>; router?: Record<string, unknown>; kvCache?: Record<string, unknown>; benchmark?: Record<string, unknown> };
  gpus?: { type: string; perNode: number; nodes: number; total: number };
  estimate?: { usdPerHour: number | null; priceSource: string; notes: string[] };
}

export interface ReadOptions {
  /** Objectives for raw harness output (a run folder's own benchmark.slo wins). */
  slo?: Slo;
}

export interface ExperimentEngine {
  experiment: string;
  /** null when the run predates the engine facts. */
  record: EngineRecord | null;
}

/** The first line of every report.md this tool writes, so a report folder can be read again. */
export const REPORT_MARK = "<!-- servelab report -->";
/** The key that marks the report's own report.json (records written by an earlier report). */
export const REPORT_JSON_KEY = "servelabReport";

const TEXT_EXTENSIONS = new Set(["txt", "log", "md", "out", ""]);
/** Pictures (published plots, this report's own charts) are not output and not worth listing. */
const PICTURES = new Set(["png", "svg", "jpg", "jpeg", "gif", "pdf"]);

const extension = (name: string) => (name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "");

interface FolderResult extends ReadResult {
  run: { manifest: RunManifest; info: RunInfo | null; dir: string; plan: RunPlan | null } | null;
}

function readPlan(file: InputFile | undefined): RunPlan | null {
  if (!file) return null;
  const value = parseJsonText(file.read().toString("utf8"), file.path);
  return isRecord(value) && isRecord(value.config) ? (value as unknown as RunPlan) : null;
}

function planSlo(plan: RunPlan | null): Slo | undefined {
  const slo = plan?.config.benchmark?.slo;
  return isRecord(slo) && typeof slo.ttftMs === "number" && typeof slo.tpotMs === "number" ? { ttftMs: slo.ttftMs, tpotMs: slo.tpotMs } : undefined;
}

/** `<experiment>_repeat<k>_...` names repeat k (servelab_common.py repeat_prefix); other names are repeat 1. */
function fileRepeat(name: string): number {
  const m = /_repeat(\d+)_/.exec(name);
  return m && Number(m[1]) >= 2 ? Number(m[1]) : 1;
}

function readRunInfo(file: InputFile | undefined): RunInfo | null {
  if (!file) return null;
  const value = parseJsonText(file.read().toString("utf8"), file.path);
  return isRunInfo(value) ? value : null;
}

function textBlocks(file: InputFile, text: string): TextBlock[] {
  const blocks = [
    ...(hasBenchmarkServingBlock(text) ? parseBenchmarkServingText(text, file.path) : []),
    ...(hasK6TextSummary(text) ? parseK6Text(text, file.path) : []),
  ];
  return blocks.sort((a, b) => a.line - b.line);
}

function readFolder(dir: string, files: InputFile[], options: ReadOptions): FolderResult {
  const out: FolderResult = { records: [], notes: [], skipped: [], ignored: [], run: null };
  const byName = new Map(files.map((f) => [f.name, f]));
  const manifestFile = byName.get(RUN_FILES.manifest);
  const manifest = manifestFile ? parseRunManifest(manifestFile.read().toString("utf8"), manifestFile.path) : null;
  const info = readRunInfo(byName.get(RUN_FILES.run));
  const plan = manifest ? readPlan(byName.get(RUN_FILES.plan)) : null;
  const slo = planSlo(plan) ?? options.slo;
  if (manifest) out.run = { manifest, info, dir, plan };
  const runFolder = manifest !== null || info !== null;
  if (info && !manifest) out.notes.push(`${dir}: run ${info.runId} of ${info.stack} ended "${info.status}" without results${info.error ? `: ${info.error}` : ""}`);
  const consumed = new Set<string>(runFolder ? [RUN_FILES.manifest, RUN_FILES.run, RUN_FILES.plan, RUN_FILES.log] : []);
  const dirName = dir.slice(dir.replace(/[/!]+$/, "").lastIndexOf("/") + 1).replace(/!$/, "");
  const add = (record: PointRecord, fileName: string) => {
    const named = splitRepeat(record.experiment);
    const repeat = Math.max(fileRepeat(fileName), named.repeat);
    record.experiment = named.experiment;
    if (repeat > 1) record.repeat = repeat;
    if (manifest) {
      record.experiment = manifest.experiment;
      record.harness = manifest.harness;
      const index = manifest.points.findIndex((p) => sameLoad(p, record.load));
      if (index >= 0) {
        record.load = manifest.points[index];
        // The Job's own count, for harnesses whose output cannot show lost requests (KubeAI's benchmark_serving).
        const failed = repeat === 1 ? manifest.failedRequests?.[index] : manifest.repeatFailedRequests?.[repeat - 1]?.[index];
        if (record.requests.failed === null && failed !== undefined && failed !== null) record.requests.failed = failed;
      }
    }
    if (slo && record.goodput?.slo === null) record.goodput.slo = slo;
    if (slo && !record.goodput) record.goodput = goodputUnknown(slo, `${record.harness}'s output holds no per-request timings (k6 cannot measure time to first token)`);
    out.records.push(record);
  };

  const evidence: PointEvidence[] = [];
  for (const file of files) {
    const ext = extension(file.name);
    // In a run folder, logs are the pod's and Pulumi's: the results are the files the Job emitted.
    if (consumed.has(file.name) || (runFolder && ext === "log")) continue;
    if (ext === "csv") {
      const text = file.read().toString("utf8");
      const named = mrqaOutputName(file.name);
      if (!named && !hasMrqaHeader(text)) {
        out.skipped.push({ path: file.path, reason: "a CSV without multi-round-qa's columns" });
        continue;
      }
      if (!named) throw new ParseError(file.path, null, "cannot tell the load point: multi-round-qa CSVs must be named <experiment>_output_<qps>.csv");
      const rows = parseMrqaCsv(text, file.path);
      const countsFile = byName.get(`${named.experiment}_counts_${named.qps}.json`);
      let counts: MrqaCounts | undefined;
      if (countsFile) {
        counts = parseMrqaCounts(countsFile.read().toString("utf8"), countsFile.path);
        consumed.add(countsFile.name);
      }
      add(mrqaRecord(rows, { experiment: named.experiment, load: named.load, source: file.path, counts, slo }), file.name);
    } else if (ext === "json" && EVIDENCE_FILE.test(file.name)) {
      evidence.push(deriveEvidence(evidenceFromValue(parseJsonText(file.read().toString("utf8"), file.path), file.path)));
    } else if (ext === "json") {
      const counted = mrqaCountsName(file.name);
      if (counted && !byName.has(`${counted.experiment}_output_${counted.qps}.csv`)) {
        const counts = parseMrqaCounts(file.read().toString("utf8"), file.path);
        out.notes.push(`${counted.experiment} at QPS ${counted.qps}: no CSV, only request counts (${counts.completed} completed, ${counts.failed} failed, ${counts.cancelled} cancelled)`);
        continue;
      }
      if (counted) continue;
      // This report's own Benchmark Report exports (--format br), written into the input folder by default.
      if (file.name.endsWith(".br.json")) continue;
      const value = parseJsonText(file.read().toString("utf8"), file.path);
      if (isRecord(value) && REPORT_JSON_KEY in value) continue;
      if (looksLikeVllmBenchResult(value)) {
        const named = vllmPointName(file.name);
        const fromResult = vllmResultLoad(value);
        add(vllmBenchRecordFromValue(value, file.path, { experiment: named?.experiment, fallbackExperiment: dirName, load: "requestRate" in fromResult ? fromResult : named?.load, slo }), file.name);
      } else if (looksLikeK6Summary(value)) {
        add({ ...k6RecordFromValue(value, file.path), experiment: stem(file.name) }, file.name);
      } else {
        out.skipped.push({ path: file.path, reason: isRecord(value) ? "JSON that is neither a vllm bench result nor a k6 summary" : "JSON that is not an object" });
      }
    } else if (TEXT_EXTENSIONS.has(ext)) {
      const text = file.read().toString("utf8");
      if (text.startsWith(REPORT_MARK)) continue;
      const blocks = textBlocks(file, text);
      if (blocks.length === 0) {
        out.skipped.push({ path: file.path, reason: "no benchmark_serving result block or k6 summary in it" });
        continue;
      }
      blocks.forEach((block, i) => {
        const name = blocks.length === 1 ? stem(file.name) : (block.heading ?? `${stem(file.name)} #${i + 1}`);
        add({ ...block.record, experiment: name }, file.name);
      });
    } else if (!PICTURES.has(ext)) {
      out.ignored.push(file.path);
    }
  }

  // Evidence belongs to the result of the same point in the same repeat (servelab_evidence.py writes "repeat").
  for (const e of evidence) {
    const record = out.records.find((r) => sameLoad(r.load, e.load) && (r.repeat ?? 1) === (e.repeat ?? 1));
    if (info) e.engine = engineSummary(info.engine?.facts);
    if (record) record.evidence = e;
    else out.notes.push(`${e.experiment}: engine metrics for the point ${JSON.stringify(e.load)}${e.repeat ? ` of repeat ${e.repeat}` : ""} in ${dir} have no result beside them`);
  }
  if (manifest) {
    for (let repeat = 1; repeat <= manifest.repeats; repeat++) {
      const which = manifest.repeats > 1 ? ` of repeat ${repeat}` : "";
      for (const point of manifest.points) {
        if (!out.records.some((r) => sameLoad(r.load, point) && (r.repeat ?? 1) === repeat)) {
          out.notes.push(`${manifest.experiment}: no result for the point ${JSON.stringify(point)}${which} in ${dir}`);
        }
      }
    }
    for (const failure of manifest.failures) out.notes.push(`${manifest.experiment}: the Job reported: ${failure}`);
    const lost = (manifest.repeatFailedRequests ?? [manifest.failedRequests ?? []]).flat().reduce<number>((sum, n) => sum + (n ?? 0), 0);
    if (lost > 0 && manifest.failures.length === 0) {
      out.notes.push(`${manifest.experiment}: ${lost} requests failed across the points, within benchmark.maxFailedRequests ${manifest.maxFailedRequests} a point`);
    }
  }
  return out;
}

/** Several runs of one experiment: the newest complete run wins. */
function runRank(run: NonNullable<FolderResult["run"]>): string {
  const complete = run.info === null || run.info.status === "collected" ? "1" : "0";
  return `${complete} ${run.manifest.finishedAt ?? run.manifest.startedAt ?? ""} ${run.dir}`;
}

export function readFiles(files: readonly InputFile[], options: ReadOptions = {}): ReadResult {
  const folders = new Map<string, InputFile[]>();
  for (const file of files) folders.set(file.dir, [...(folders.get(file.dir) ?? []), file]);
  const results = [...folders].map(([dir, list]) => readFolder(dir, list, options));

  const newestRun = new Map<string, FolderResult>();
  for (const r of results) {
    if (!r.run) continue;
    const current = newestRun.get(r.run.manifest.experiment);
    if (!current || runRank(r.run) > runRank(current.run!)) newestRun.set(r.run.manifest.experiment, r);
  }

  const engines: ExperimentEngine[] = [];
  const runs: ExperimentRun[] = [];
  const out: ReadResult = { records: [], notes: [], skipped: [], ignored: [], engines, runs };
  const seen = new Map<string, string>();
  for (const r of results) {
    if (r.run && newestRun.get(r.run.manifest.experiment) !== r) {
      out.notes.push(`${r.run.manifest.experiment}: left out the older run in ${r.run.dir}`);
      continue;
    }
    if (r.run?.info) engines.push({ experiment: r.run.manifest.experiment, record: r.run.info.engine ?? null });
    if (r.run) runs.push({ experiment: r.run.manifest.experiment, dir: r.run.dir, info: r.run.info, manifest: r.run.manifest, plan: r.run.plan });
    out.notes.push(...r.notes);
    out.skipped.push(...r.skipped);
    out.ignored.push(...r.ignored);
    for (const record of r.records) {
      const key = `${record.experiment}\n${loadKey(record.load)}\n${record.repeat ?? 1}`;
      const first = seen.get(key);
      if (first !== undefined) {
        out.notes.push(`${record.experiment} ${JSON.stringify(record.load)}${record.repeat ? ` (repeat ${record.repeat})` : ""}: ${record.source} repeats a point already read from ${first}; kept the first`);
        continue;
      }
      seen.set(key, record.source);
      out.records.push(record);
    }
  }
  return out;
}

export function readResults(inputs: readonly string[], options: ReadOptions = {}): ReadResult {
  return readFiles(listInputFiles(inputs), options);
}
