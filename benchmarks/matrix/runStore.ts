/**
 * results/<stack>/<run id>/: the raw result files of one run, the plan it ran with, the pod log, the start of
 * an engine's log, Pulumi's output, and run.json (status, phase times, the engine's start-up facts). A stack
 * whose latest run.json says "collected" is done, which is what makes the matrix resumable.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ResultFile } from "../results/logMarkers";
import { RUN_FILES, RunInfo, isRunInfo } from "../results/runFolder";

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const RESERVED = new Set<string>([RUN_FILES.run, RUN_FILES.plan, RUN_FILES.log, RUN_FILES.engineLog]);

export class RunFolder {
  constructor(
    readonly dir: string,
    private info: RunInfo,
  ) {}

  get current(): RunInfo {
    return this.info;
  }

  update(change: Partial<RunInfo>): void {
    this.info = { ...this.info, ...change };
    writeFileSync(join(this.dir, RUN_FILES.run), `${JSON.stringify(this.info, null, 2)}\n`);
  }

  /** Raw result files as the Job named them; a name that could escape the folder or shadow the runner's files is refused. */
  saveResults(files: readonly ResultFile[]): void {
    for (const f of files) {
      if (!SAFE_NAME.test(f.name) || RESERVED.has(f.name)) throw new Error(`refusing to store a result file named ${JSON.stringify(f.name)}`);
    }
    for (const f of files) writeFileSync(join(this.dir, f.name), f.content);
  }

  saveLog(log: string): void {
    writeFileSync(join(this.dir, RUN_FILES.log), log);
  }

  saveEngineLog(log: string): void {
    writeFileSync(join(this.dir, RUN_FILES.engineLog), log);
  }

  /** Appends Pulumi's output of one operation ("up", "destroy") to pulumi-<operation>.log. */
  appendOutput(operation: string, text: string): void {
    appendFileSync(join(this.dir, `pulumi-${operation}.log`), text);
  }
}

export class RunStore {
  constructor(readonly root: string) {}

  runDir(stack: string, runId: string): string {
    return join(this.root, stack, runId);
  }

  runs(stack: string): Array<{ runId: string; dir: string; info: RunInfo | null }> {
    const stackDir = join(this.root, stack);
    if (!existsSync(stackDir)) return [];
    return readdirSync(stackDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort()
      .map((runId) => {
        const dir = join(stackDir, runId);
        const file = join(dir, RUN_FILES.run);
        let info: RunInfo | null = null;
        try {
          const value: unknown = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
          info = isRunInfo(value) ? value : null;
        } catch {
          info = null;
        }
        return { runId, dir, info };
      });
  }

  /** The newest run whose results were collected completely, if any. */
  latestCollected(stack: string): { runId: string; dir: string; info: RunInfo } | null {
    const done = this.runs(stack).filter((r): r is { runId: string; dir: string; info: RunInfo } => r.info?.status === "collected");
    return done.length > 0 ? done[done.length - 1] : null;
  }

  begin(stack: string, runId: string, startedAt: Date, plan: unknown): RunFolder {
    let dir = this.runDir(stack, runId);
    for (let n = 2; existsSync(dir); n++) dir = this.runDir(stack, `${runId}-${n}`);
    mkdirSync(dir, { recursive: true });
    if (plan !== undefined) writeFileSync(join(dir, RUN_FILES.plan), `${JSON.stringify(plan, null, 2)}\n`);
    const folder = new RunFolder(dir, {
      stack,
      runId: basename(dir),
      status: "running",
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      source: null,
      jobStatus: null,
      error: null,
      phases: {},
      outputs: {},
    });
    folder.update({});
    return folder;
  }

  /** Where Pulumi's output of the shared cluster stack goes (hidden from the report's folder walk). */
  clusterLogDir(): string {
    const dir = join(this.root, ".cluster");
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}
