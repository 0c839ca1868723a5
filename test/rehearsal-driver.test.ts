/**
 * A rehearsal's benchmark end to end on this machine: the rehearsal of vllm_405b_fp8_h100 (the sonnet harness) as the
 * Job would run it (offline_tokenizer.py, then the row's driver through its readiness gate) against the shared local
 * fake engine, with the stand-in `vllm` package (the real one cannot be installed here); the results come back
 * between the log markers and the report reads them (`npm run report`'s readResults and buildReport, in process: the
 * tool itself is tested as a command in report-cli.test.ts).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV, RESULTS_DIR, SCRIPTS_DIR } from "../components/benchmark/harness";
import { harnessRun } from "../components/benchmark/harnesses";
import { SONNET_DATASET } from "../components/catalog/versions";
import { composeRehearsal } from "../components/rehearsal/compose";
import { parseLogResults } from "../benchmarks/results/logMarkers";
import { startFakeEngine } from "./helpers/fakeEngine";
import { buildReport } from "../benchmarks/report/buildReport";
import { readResults } from "../benchmarks/results/readResults";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");
const FAKE_VLLM = resolve(__dirname, "fixtures/scripts/fake_vllm");
const KIND = { provider: "kubeconfig", kubeconfig: "~/.kube/config", context: "kind-servelab" };

function run(argv: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string; stdout: string }>((done) => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env } });
    let out = "";
    let stdout = "";
    child.stdout.on("data", (d) => {
      out += d;
      stdout += d;
    });
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (c) => done({ code: c ?? 1, out, stdout }));
  });
}

describe("a rehearsal's benchmark Job against the local fake engine", () => {
  it("writes the offline tokenizer, runs the row's sonnet load scaled down, and its results reach the report", async () => {
    const { config, row } = composeRehearsal({ rehearsal: { row: "vllm_405b_fp8_h100", loadScale: 0.01 }, cluster: KIND });
    const dir = mkdtempSync(join(tmpdir(), "sl-rehearsal-driver-"));
    const tokenizer = join(dir, "tokenizer");
    const job = harnessRun(config.benchmark!, { experiment: "rehearse-405b", tokenizer: "unused", offlineTokenizer: tokenizer });
    // What the image has: sonnet.txt at the chart's path (here a local copy of a few lines).
    const sonnet = join(dir, "sonnet.txt");
    writeFileSync(sonnet, "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\n");
    const engine = await startFakeEngine({ model: "meta-llama/Llama-3.1-405B-Instruct-FP8" });
    const values: Record<string, string> = { [ENV.baseUrl]: engine.baseUrl, [ENV.model]: "meta-llama/Llama-3.1-405B-Instruct-FP8", [ENV.experiment]: "rehearse-405b" };
    const local = (a: string) =>
      a.replace(/\$\((\w+)\)/g, (_m, name: string) => values[name]).replace(RESULTS_DIR, join(dir, "results")).replace(SCRIPTS_DIR, SCRIPTS).replace(SONNET_DATASET.path, sonnet);
    const calls = join(dir, "calls.jsonl");
    const result = await run([...job.command, ...job.args].map(local), { PYTHONPATH: FAKE_VLLM, FAKE_VLLM_CALLS: calls, SERVELAB_RESULTS_BUCKET: "" });
    await engine.close();
    expect(result.code, result.out).toBe(0);

    // The row ran 1000 prompts at rate 12; the rehearsal at loadScale 0.01 runs 10 at the same rate, with the offline tokenizer.
    expect((row.benchmark as { numPrompts?: number }).numPrompts ?? 1000).toBe(1000);
    const argvs = readFileSync(calls, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]);
    expect(argvs).toHaveLength(1);
    expect(argvs[0]).toEqual(expect.arrayContaining(["--tokenizer", tokenizer, "--num-prompts", "10", "--request-rate", "12", "--dataset-name", "sonnet"]));
    expect(engine.state.completions).toBe(10 + 1); // the readiness gate's one request, then the load

    const files = readdirSync(tokenizer).sort();
    expect(files).toEqual(["tokenizer.json", "tokenizer_config.json"]);
    const tok = JSON.parse(readFileSync(join(tokenizer, "tokenizer.json"), "utf8"));
    expect([Object.keys(tok.model.vocab).length, tok.model.merges, tok.pre_tokenizer.type]).toEqual([257, [], "ByteLevel"]);
    expect(JSON.parse(readFileSync(join(tokenizer, "tokenizer_config.json"), "utf8"))).toMatchObject({ tokenizer_class: "PreTrainedTokenizerFast", chat_template: expect.stringContaining("messages") });

    // The result markers carry the files; the report reads them as it reads a collected run.
    const logged = parseLogResults(result.stdout);
    expect(logged.status).toBe("ok");
    const folder = join(dir, "collected");
    mkdirSync(folder);
    for (const f of logged.files) writeFileSync(join(folder, f.name), f.content);
    expect(logged.files.map((f) => f.name).sort()).toEqual(["manifest.json", "rehearse-405b_rate-12.json"]);
    const results = readResults([folder]);
    expect(results.records.map((r) => [r.experiment, r.requests])).toEqual([["rehearse-405b", { completed: 10, failed: 0 }]]);
    expect(JSON.stringify(buildReport(results, { inputs: [folder] }))).toContain("rehearse-405b");
  });
});
