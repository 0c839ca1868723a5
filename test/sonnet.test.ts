/** The sonnet harness of the 405B rows (vllm-inference-benchmark) and its stress profile. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { harnessRun } from "../components/benchmark/harnesses";
import { parseExperimentConfig } from "../components/validate";
import { SONNET_DATASET } from "../components/catalog/versions";
import { benchmarkSchema } from "../components/config/schema";
import { rawStackValues } from "./helpers/configs";

const ctx = { experiment: "vllm_405b_fp8_h100", tokenizer: "meta-llama/Llama-3.1-405B-Instruct-FP8" };
const sonnet = (b: object = {}) => benchmarkSchema.parse({ harness: "sonnet", requestRate: 12, ...b });
const benchArgs = (args: string[]) => args.slice(args.indexOf("--") + 1);
const argOf = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe("sonnet harness", () => {
  it("runs vllm bench serve with the chart's load-generator payload", () => {
    const run = harnessRun(sonnet(), ctx);
    expect(run.harness).toBe("vllm-bench");
    expect(run.command).toEqual(["python3", "/servelab/vllm_bench_sweep.py"]);
    const bench = benchArgs(run.args);
    expect(argOf(bench, "--backend")).toBe("openai-chat");
    expect(argOf(bench, "--endpoint")).toBe("/v1/chat/completions");
    expect(argOf(bench, "--dataset-name")).toBe("sonnet");
    expect(argOf(bench, "--dataset-path")).toBe(SONNET_DATASET.path);
    expect([argOf(bench, "--sonnet-input-len"), argOf(bench, "--sonnet-prefix-len"), argOf(bench, "--sonnet-output-len")]).toEqual(["512", "128", "2"]);
    expect(argOf(bench, "--num-prompts")).toBe("1000");
    expect(argOf(bench, "--tokenizer")).toBe(ctx.tokenizer);
    expect(run.args).toContain("--point=rate-12:12:");
    expect(run.args).toContain(`--dataset-fallback-url=${SONNET_DATASET.fallbackUrl}`);
    expect(run.points).toEqual([{ requestRate: 12 }]);
  });

  it("the stress profile sends 500000 prompts and bounds the Job by their duration at the rate", () => {
    const standard = harnessRun(sonnet(), ctx);
    const stress = harnessRun(sonnet({ profile: "stress" }), ctx);
    expect(argOf(benchArgs(stress.args), "--num-prompts")).toBe("500000");
    expect(stress.timeoutSeconds).toBeGreaterThan(500000 / 12);
    expect(stress.timeoutSeconds).toBeLessThan((500000 / 12) * 1.5);
    expect(standard.timeoutSeconds).toBeLessThan(3600);
    expect(argOf(benchArgs(harnessRun(sonnet({ profile: "stress", numPrompts: 20000 }), ctx).args), "--num-prompts")).toBe("20000");
    expect(harnessRun(sonnet({ profile: "stress", timeoutMinutes: 60 }), ctx).timeoutSeconds).toBe(3600);
  });

  it("fetches the dataset only for the default in-image path", () => {
    const run = harnessRun(sonnet({ datasetPath: "/data/sonnet.txt" }), ctx);
    expect(argOf(benchArgs(run.args), "--dataset-path")).toBe("/data/sonnet.txt");
    expect(run.args.some((a) => a.startsWith("--dataset-fallback-url"))).toBe(false);
  });

  it("the two 405B rows differ in model, GPU and rate, and share the chart's engine flags", () => {
    const h100 = parseExperimentConfig(rawStackValues("vllm_405b_fp8_h100"));
    const h200 = parseExperimentConfig(rawStackValues("vllm_405b_h200"));
    expect(h100.model.source).toBe("hf://meta-llama/Llama-3.1-405B-Instruct-FP8");
    expect(h200.model.source).toBe("hf://meta-llama/Llama-3.1-405B-Instruct");
    expect([h100.cluster.provider === "gke" && h100.cluster.gpu.type, h200.cluster.provider === "gke" && h200.cluster.gpu.type]).toEqual(["h100", "h200"]);
    expect([h100.benchmark, h200.benchmark].map((b) => b?.harness === "sonnet" && b.requestRate)).toEqual([12, 10]);
    for (const c of [h100, h200]) {
      expect(c.engine).toMatchObject({ tensorParallel: 8, replicas: 1, maxModelLen: 16384, maxNumBatchedTokens: 16384, chunkedPrefill: false, seed: 42 });
      expect(c.engine.extraArgs).toEqual(["--num-scheduler-steps", "16"]);
    }
  });
});

describe("vllm_bench_sweep.py --dataset-fallback-url", () => {
  const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");
  const ensure = (code: string) =>
    new Promise<{ code: number; out: string }>((done) => {
      const child = spawn("python3", ["-c", code], { cwd: SCRIPTS, env: { ...process.env, PYTHONPATH: SCRIPTS } });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (c) => done({ code: c ?? 1, out }));
    });

  it("downloads the dataset when the image lacks it and points vllm bench at the copy; keeps a path that exists", async () => {
    const server = createServer((_req, res) => res.end("FROM fairest creatures we desire increase,\n"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sonnet.txt`;
    const dir = mkdtempSync(join(tmpdir(), "sl-sonnet-"));
    const { code, out } = await ensure(
      "import vllm_bench_sweep as v\n" +
        `print(v.ensure_dataset(['--dataset-path', '/nonexistent/sonnet.txt', '--num-prompts', '5'], '${url}', '${dir}'))\n` +
        `print(v.ensure_dataset(['--dataset-path', '${SCRIPTS}/servelab_common.py'], '${url}', '${dir}'))`,
    );
    server.close();
    expect(code, out).toBe(0);
    const lines = out.trim().split("\n").filter((l) => l.startsWith("['"));
    expect(lines[0]).toBe(`['--dataset-path', '${dir}/sonnet.txt', '--num-prompts', '5']`);
    expect(lines[1]).toBe(`['--dataset-path', '${SCRIPTS}/servelab_common.py']`);
    expect(readFileSync(join(dir, "sonnet.txt"), "utf8")).toMatch(/^FROM fairest/);
  });
});
