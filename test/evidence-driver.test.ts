/**
 * The evidence end to end: the real vllm_bench_sweep.py (with the stand-in `vllm` of vllm-bench-driver.test.ts)
 * against two local fake engine replicas on 127.0.0.1 and 127.0.0.2 (same port, as pods of one Deployment), found
 * through a fake Kubernetes API as the Job's ServiceAccount would find them; then `npm run report` on the results.
 * The stand-in sends every prompt to one replica (no router), so the other finishes none: imbalance 2.00.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV, RESULTS_DIR, withDriverArgs } from "../components/benchmark/harness";
import { vllmBenchRun } from "../components/benchmark/vllmBench";
import { benchmarkSchema, VllmBenchConfig } from "../components/config/schema";
import { scrapeArgs } from "../components/serving/metricsTargets";
import { readRunEvidence } from "../benchmarks/evidence/readEvidence";
import { FakeEngine, startFakeEngine } from "./helpers/fakeEngine";
import { FakeKubeApi, startFakeKubeApi } from "./helpers/fakeKubeApi";
import { npmScript } from "./helpers/npmScript";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");
const FAKE_VLLM = resolve(__dirname, "fixtures/scripts/fake_vllm");
const SELECTOR = "app.kubernetes.io/name=vllm,app.kubernetes.io/instance=vllm";
const LABELS = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "vllm" };
const DIGEST = "docker.io/vllm/vllm-openai@sha256:0d8a11c0b4e6f0a1a7b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718";

let engines: FakeEngine[] = [];
let kube: FakeKubeApi;
let dir: string;
let run: { code: number; out: string };

function driverArgv(baseUrl: string, port: number, resultsDir: string): string[] {
  const b = benchmarkSchema.parse({ harness: "vllm-bench", numPrompts: 6, points: [{ requestRate: "inf", maxConcurrency: 2 }, { requestRate: "inf", maxConcurrency: 4 }] }) as VllmBenchConfig;
  const targets = {
    engineSelector: SELECTOR,
    enginePort: port,
    // A router whose /metrics cannot be reached: recorded as failed scrapes, never a failed point.
    routers: [{ name: "gone-router", url: "http://127.0.0.1:9/metrics" }],
    routerPods: [],
    unscraped: null,
    serving: { router: "k8s-service", kvTier: "none", engineImage: "vllm/vllm-openai:v0.10.2" },
  };
  const harness = withDriverArgs(vllmBenchRun(b, { experiment: "exp", tokenizer: "org/tok" }), scrapeArgs(targets, 0.2));
  const values: Record<string, string> = { [ENV.baseUrl]: baseUrl, [ENV.model]: "m", [ENV.experiment]: "exp" };
  const args = harness.args.map((a) => a.replace(/\$\((\w+)\)/g, (_m, name: string) => values[name]).replace(RESULTS_DIR, resultsDir));
  return [...harness.command.slice(1).map((p) => p.replace("/servelab", SCRIPTS)), ...args];
}

beforeAll(async () => {
  const first = await startFakeEngine({ delayMs: 40 });
  const port = Number(new URL(first.origin).port);
  engines = [first, await startFakeEngine({ host: "127.0.0.2", port })];
  dir = mkdtempSync(join(tmpdir(), "sl-evidence-"));
  const sa = join(dir, "serviceaccount");
  mkdirSync(sa);
  writeFileSync(join(sa, "token"), "sa-token\n");
  writeFileSync(join(sa, "namespace"), "exp-ns\n");
  kube = await startFakeKubeApi("exp-ns", "sa-token", [
    { name: "vllm-0", ip: "127.0.0.1", labels: LABELS, imageID: DIGEST },
    { name: "vllm-1", ip: "127.0.0.2", labels: LABELS, imageID: DIGEST },
    { name: "other", ip: "127.0.0.3", labels: { app: "other" } },
  ]);
  run = await new Promise((done) => {
    const child = spawn("python3", driverArgv(first.baseUrl, port, join(dir, "results")), {
      env: { ...process.env, PYTHONPATH: FAKE_VLLM, FAKE_VLLM_CALLS: join(dir, "calls.jsonl"), SERVELAB_RESULTS_BUCKET: "", SERVELAB_KUBE_API: kube.origin, SERVELAB_SA_DIR: sa },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (c) => done({ code: c ?? 1, out }));
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await kube?.close();
});

describe("evidence scraped by the real driver", () => {
  it("lists the engine pods read-only with the ServiceAccount token, and scrapes both replicas at each point", () => {
    expect(run.code, run.out).toBe(0);
    expect(kube.requests.length).toBeGreaterThan(0);
    for (const r of kube.requests) {
      expect(r.method).toBe("GET");
      expect(r.authorization).toBe("Bearer sa-token");
      expect(r.url).toBe(`/api/v1/namespaces/exp-ns/pods?labelSelector=${encodeURIComponent(SELECTOR)}`);
    }
    const files = readdirSync(join(dir, "results")).filter((f) => f.includes("_evidence_")).sort();
    expect(files).toEqual(["exp_evidence_rate-inf_conc-2.json", "exp_evidence_rate-inf_conc-4.json"]);
    // The evidence files travel with the results: they are printed between the log markers like every result.
    expect(run.out).toMatch(/::servelab-result-begin:: name=exp_evidence_rate-inf_conc-2\.json/);
    const raw = JSON.parse(readFileSync(join(dir, "results", files[0]), "utf8"));
    expect(raw.targets.map((t: { name: string }) => t.name)).toEqual(["vllm-0", "vllm-1", "gone-router"]);
    expect(raw.snapshots.filter((s: { target: string; phase: string }) => s.target === "vllm-1" && s.phase === "end")).toHaveLength(1);
    expect(raw.client.cpuSeconds).toBeGreaterThanOrEqual(0);
  });

  it("a ServiceAccount the API refuses (no Role) leaves a note and no targets, never a failed point", async () => {
    const sa = join(dir, "serviceaccount-without-role");
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, "token"), "other-token\n");
    writeFileSync(join(sa, "namespace"), "exp-ns\n");
    const code = "import argparse, json, servelab_evidence as e; p = argparse.ArgumentParser(); e.add_args(p); print(json.dumps(e.discover(p.parse_args(['--scrape-engine-pods', 'app=vllm']))))";
    // Asynchronous: the fake API answers from this process.
    const run = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
      const child = spawn("python3", ["-c", code], { cwd: SCRIPTS, env: { ...process.env, SERVELAB_KUBE_API: kube.origin, SERVELAB_SA_DIR: sa } });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (c) => done({ code: c, out, err }));
    });
    expect(run.code, run.err).toBe(0);
    const [targets, notes] = JSON.parse(run.out);
    expect(targets).toEqual([]);
    expect(notes).toEqual([expect.stringMatching(/^the Kubernetes API did not list pods: HTTPError: /)]);
  });

  it("derives hit rate, per-replica requests, imbalance and image digests per point", () => {
    const [cold, warm] = readRunEvidence(join(dir, "results"));
    expect(cold.load).toEqual({ requestRate: "inf", maxConcurrency: 2 });
    expect(cold.metricSet).toBe("vllm-v1");
    // The stand-in's prompts are new at the first point and repeated at the second: the fake cache misses, then hits.
    expect(cold.prefixCacheHitRate).toEqual({ value: 0, exact: true });
    expect(warm.prefixCacheHitRate).toEqual({ value: 1, exact: true });
    expect(cold.replicas.map((r) => [r.name, r.requests])).toEqual([["vllm-0", 6], ["vllm-1", 0]]);
    expect(cold.requestImbalance).toBe(2);
    expect(cold.replicas[0].imageIds).toEqual([DIGEST]);
    expect(cold.routers).toEqual([expect.objectContaining({ name: "gone-router", failed: expect.any(Number), error: expect.any(String) })]);
    expect(cold.serving).toEqual({ router: "k8s-service", kvTier: "none", engineImage: "vllm/vllm-openai:v0.10.2" });
  });

  it("`npm run report` on the results shows the hit rate, the imbalance and the new charts", () => {
    const out = join(dir, "report");
    const report = npmScript("report", [join(dir, "results"), "--out", out]);
    expect(report.status, report.stderr).toBe(0);
    const md = readFileSync(join(out, "report.md"), "utf8");
    expect(md).toMatch(/\| prefix hit % \|/);
    expect(md).toMatch(/\| request imbalance \|/);
    const row = md.split("\n").find((l) => l.startsWith("| 4 (inf) | 6 |"));
    expect(row, md).toBeDefined();
    expect(row).toContain("| 100.0 |");
    expect(row).toContain("| 2.00 |");
    expect(md).toContain("#### Prefix-cache hit rate (%, ≈ = approximation)");
    expect(md).toContain("![Prefix-cache hit rate vs max concurrency](prefix-hit-rate-vs-max-concurrency.svg)");
    expect(md).toContain("![Replicas' shares of finished requests vs max concurrency](replica-share-vs-max-concurrency.svg)");
    expect(md).toContain(DIGEST);
    expect(readFileSync(join(out, "replica-share-vs-max-concurrency.svg"), "utf8")).toContain("vllm-0 finished 6 requests (100.0 %)");
  }, 60_000);
});
