/**
 * vllm_bench_sweep.py end to end on a machine without a GPU: the driver, as the harness builds its
 * arguments, against a local fake OpenAI server, with a stand-in `vllm` package (the real one cannot be
 * installed here) that fails like vLLM 0.10.2's CLI when the platform has no device type.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV, RESULTS_DIR } from "../components/benchmark/harness";
import { vllmBenchRun } from "../components/benchmark/vllmBench";
import { benchmarkSchema, VllmBenchConfig } from "../components/config/schema";
import { parseVllmBenchResult } from "../benchmarks/parsers/vllmBench";
import { readResults } from "../benchmarks/results/readResults";
import { startFakeEngine } from "./helpers/fakeEngine";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");
const FAKE_VLLM = resolve(__dirname, "fixtures/scripts/fake_vllm");

/** The Job's command and arguments from the harness, with the Job's $(VAR)s and results folder filled in. */
function jobCommand(b: VllmBenchConfig, baseUrl: string, resultsDir: string): string[] {
  const run = vllmBenchRun(b, { experiment: "exp", tokenizer: "org/tok" });
  const values: Record<string, string> = { [ENV.baseUrl]: baseUrl, [ENV.model]: "m", [ENV.experiment]: "exp" };
  const args = run.args.map((a) => a.replace(/\$\((\w+)\)/g, (_m, name: string) => values[name]).replace(RESULTS_DIR, resultsDir));
  return [...run.command.slice(1).map((p) => p.replace("/servelab", SCRIPTS)), ...args];
}

function runDriver(argv: string[], calls: string) {
  return new Promise<{ code: number; out: string }>((done) => {
    const child = spawn("python3", argv, { env: { ...process.env, PYTHONPATH: FAKE_VLLM, FAKE_VLLM_CALLS: calls, SERVELAB_RESULTS_BUCKET: "" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (c) => done({ code: c ?? 1, out }));
  });
}

const config = (extra: object = {}) =>
  benchmarkSchema.parse({ harness: "vllm-bench", numPrompts: 4, points: [{ requestRate: 2 }, { requestRate: "inf", maxConcurrency: 2 }], ...extra }) as VllmBenchConfig;

describe("vllm_bench_sweep.py on a node without a GPU", () => {
  it("the stand-in fails like vLLM 0.10.2 when started as `vllm bench serve` on an unspecified platform", () => {
    const run = spawnSync("python3", ["-c", "import sys; sys.argv = ['vllm', 'bench', 'serve']; from vllm.entrypoints.cli.main import main; main()"], {
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: FAKE_VLLM },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Failed to infer device type/);
  });

  it("runs every point through vllm_cli_on_cpu.py, saves one result per point that the vllm-bench parser reads", async () => {
    const engine = await startFakeEngine();
    const { baseUrl } = engine;
    const dir = mkdtempSync(join(tmpdir(), "sl-vllm-bench-"));
    const calls = join(dir, "calls.jsonl");
    const { code, out } = await runDriver(jobCommand(config(), baseUrl, join(dir, "results")), calls);
    await engine.close();
    expect(code, out).toBe(0);
    expect(out).toMatch(/vLLM's CLI runs on its CPU platform/);
    const argvs = readFileSync(calls, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]);
    expect(argvs.map((a) => a.slice(0, 2))).toEqual([["bench", "serve"], ["bench", "serve"]]);
    expect(argvs[0]).toEqual(expect.arrayContaining(["--base-url", baseUrl.replace(/\/v1$/, ""), "--endpoint", "/v1/chat/completions", "--tokenizer", "org/tok", "--request-rate", "2"]));
    expect(argvs[1]).toEqual(expect.arrayContaining(["--request-rate", "inf", "--max-concurrency", "2"]));
    const files = readdirSync(join(dir, "results")).filter((f) => f.startsWith("exp_")).sort();
    expect(files).toEqual(["exp_rate-2.json", "exp_rate-inf_conc-2.json"]);
    const records = files.map((f) => parseVllmBenchResult(readFileSync(join(dir, "results", f), "utf8"), f, { fallbackExperiment: "exp" }));
    expect(records.map((r) => [r.load, r.requests])).toEqual([
      [{ requestRate: 2 }, { completed: 4, failed: 0 }],
      [{ requestRate: "inf", maxConcurrency: 2 }, { completed: 4, failed: 0 }],
    ]);
    expect(records[0].ttftMs.mean).toBeGreaterThan(0);
  });

  it("fails the Job when a point lost requests beyond benchmark.maxFailedRequests", async () => {
    const engine = await startFakeEngine({ failEvery: 2 });
    const { baseUrl } = engine;
    const dir = mkdtempSync(join(tmpdir(), "sl-vllm-bench-"));
    const { code, out } = await runDriver(jobCommand(config({ points: [{ requestRate: "inf" }] }), baseUrl, join(dir, "results")), join(dir, "calls.jsonl"));
    await engine.close();
    expect(code, out).not.toBe(0);
    expect(out).toMatch(/rate-inf: 2 of 4 requests failed/);
  });

  it("with benchmark.repeats and benchmark.slo: runs the sweep again on the next seed, keeps the per-request lists without the answers, and the report counts goodput per repeat", async () => {
    const engine = await startFakeEngine();
    const dir = mkdtempSync(join(tmpdir(), "sl-vllm-bench-"));
    const calls = join(dir, "calls.jsonl");
    const results = join(dir, "results");
    const { code, out } = await runDriver(jobCommand(config({ points: [{ requestRate: 2 }], seed: 7, repeats: 2, slo: { ttftMs: 60000, tpotMs: 1000 } }), engine.baseUrl, results), calls);
    await engine.close();
    expect(code, out).toBe(0);
    const argvs = readFileSync(calls, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]);
    const seedOf = (a: string[]) => a[a.indexOf("--seed") + 1];
    expect(argvs.map(seedOf)).toEqual(["7", "8"]);
    expect(argvs[0]).toEqual(expect.arrayContaining(["--save-detailed", "--goodput", "ttft:60000", "tpot:1000"]));
    expect(readdirSync(results).filter((f) => f.startsWith("exp_")).sort()).toEqual(["exp_rate-2.json", "exp_repeat2_rate-2.json"]);
    const saved = JSON.parse(readFileSync(join(results, "exp_repeat2_rate-2.json"), "utf8"));
    expect(saved.ttfts).toHaveLength(4);
    expect(saved.generated_texts).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(results, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ points: [{ requestRate: 2 }], repeats: 2, failedRequests: [0], repeatFailedRequests: [[0], [0]] });
    // The matrix runner stores plan.json (with benchmark.slo) beside these files; here the report is told the SLO.
    const read = readResults([results], { slo: { ttftMs: 60000, tpotMs: 1000 } });
    expect(read.records.map((r) => [r.repeat ?? 1, r.goodput?.met])).toEqual([[1, 4], [2, 4]]);
    expect(read.notes).toEqual([]);
  });
});
