/** The report's engine facts from run folders (benchmarks/report/engineFacts.ts through buildReport). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineRecordFromLog } from "../benchmarks/results/engineStartup";
import { readResults } from "../benchmarks/results/readResults";
import { buildReport } from "../benchmarks/report/buildReport";
import { V0102_V0_FALLBACK, V0102_V1_FLASHINFER, V085_V1 } from "./fixtures/results/engineLogs";

const HEADER = "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time";

/** A run folder as the matrix runner leaves it: the Job's files and run.json (engine undefined = a run from before). */
function runFolder(root: string, stack: string, engine: unknown): void {
  const dir = join(root, stack, "20250920T100000Z");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ experiment: stack, harness: "multi-round-qa", points: [{ qps: 1 }], startedAt: "s", finishedAt: "f", failures: [] }));
  writeFileSync(join(dir, `${stack}_output_1.csv`), `${HEADER}\n1000,10,0.25,0.2,1,1,100,100.45\n`);
  const info: Record<string, unknown> = { stack, runId: "20250920T100000Z", status: "collected", startedAt: "s", finishedAt: "f", source: "pod-log", jobStatus: "ok", error: null, phases: {}, outputs: {} };
  if (engine !== undefined) info.engine = engine;
  writeFileSync(join(dir, "run.json"), JSON.stringify(info));
}

const section = (markdown: string, heading: string) => markdown.slice(markdown.indexOf(heading)).split(/\n## /)[0];

describe("engine facts in the report", () => {
  it("shows each experiment's engine and warns where the compared experiments ran different generations and backends", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-engines-"));
    runFolder(root, "kubeai_l4_v1", engineRecordFromLog("model-a", V0102_V1_FLASHINFER));
    runFolder(root, "kubeai_l4_v0", engineRecordFromLog("model-b", V0102_V0_FALLBACK));
    runFolder(root, "k8s_stack", undefined);
    runFolder(root, "unreadable", { pod: null, facts: null, reason: "engine log (app=model,model=m, container server): no engine pod matches app=model,model=m in bench" });
    const markdown = buildReport(readResults([root])).markdown;
    const engines = section(markdown, "## Engines");
    expect(engines).toContain("| kubeai_l4_v1 | 0.10.2 | V1 | FLASHINFER | fp8 |  |");
    expect(engines).toContain("| kubeai_l4_v0 | 0.10.2 | V0 | XFORMERS | fp8 | --kv-cache-dtype is not supported by the V1 Engine. Falling back to V0.; Cannot use FlashAttention backend for FP8 KV cache. |");
    expect(engines).toContain("| k8s_stack | – | – | – | – | not recorded (a run from before servelab read the engine's log) |");
    expect(engines).toContain("| unreadable | – | – | – | – | engine log (app=model,model=m, container server): no engine pod matches app=model,model=m in bench |");
    const group = section(markdown, "## Against QPS");
    expect(group).toContain("**Warning:** these experiments ran different engine generations: kubeai_l4_v0 V0, kubeai_l4_v1 V1 (see Engines).");
    expect(group).toContain("**Warning:** these experiments ran different attention backends: kubeai_l4_v0 XFORMERS, kubeai_l4_v1 FLASHINFER (see Engines).");
  });

  it("has no warning when the compared engines agree, and no Engines section without run folders", () => {
    const root = mkdtempSync(join(tmpdir(), "sl-engines-"));
    runFolder(root, "a", engineRecordFromLog("p", V085_V1));
    runFolder(root, "b", engineRecordFromLog("q", V085_V1));
    const markdown = buildReport(readResults([root])).markdown;
    expect(markdown).toContain("## Engines");
    expect(markdown).not.toContain("**Warning:**");
    expect(buildReport({ records: [], notes: [], skipped: [], ignored: [] }).markdown).not.toContain("## Engines");
  });
});
