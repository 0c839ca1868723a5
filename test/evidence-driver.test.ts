/**
 * The evidence end to end: the real vllm_bench_sweep.py (with the stand-in `vllm` of vllm-bench-driver.test.ts)
 * against two local fake engine replicas on 127.0.0.1 and 127.0.0.2 (same port, as pods of one Deployment), found
 * through a fake Kubernetes API as the Job's ServiceAccount would find them; then `npm run report` on the results.
 * The stand-in sends every prompt to one replica (no router), so the other finishes none: imbalance 2.00.
 * With benchmark.repeats, each repeat keeps its own evidence beside its own results; the report's mean row carries
 * the repeats' evidence combined, and every repeat's Benchmark Report export carries its own in observability.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV, RESULTS_DIR, withDriverArgs } from "../components/benchmark/harness";
import { vllmBenchRun } from "../components/benchmark/vllmBench";
import { benchmarkSchema, VllmBenchConfig } from "../components/config/schema";
import { scrapeArgs } from "../components/serving/metricsTargets";
import { readRunEvidence } from "../benchmarks/evidence/readEvidence";
import { benchmarkReports } from "../benchmarks/report/benchmarkReport";
import { buildReport } from "../benchmarks/report/buildReport";
import { readResults } from "../benchmarks/results/readResults";
import { FakeEngine, startFakeEngine } from "./helpers/fakeEngine";
import { expectValidBr } from "./helpers/brSchema";
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

const POINTS = [{ requestRate: "inf", maxConcurrency: 2 }, { requestRate: "inf", maxConcurrency: 4 }];

function driverArgv(benchmark: object, baseUrl: string, port: number, resultsDir: string): string[] {
  const b = benchmarkSchema.parse({ harness: "vllm-bench", numPrompts: 6, points: POINTS, ...benchmark }) as VllmBenchConfig;
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

/** Two fake engine replicas on 127.0.0.1 and 127.0.0.2 at one port, as pods of one Deployment. */
async function startReplicas(): Promise<{ replicas: FakeEngine[]; port: number }> {
  const first = await startFakeEngine({ delayMs: 40 });
  const port = Number(new URL(first.origin).port);
  return { replicas: [first, await startFakeEngine({ host: "127.0.0.2", port })], port };
}

/** The driver as the Job runs it, with the pod's ServiceAccount folder and the fake Kubernetes API. */
function runDriver(argv: string[], sa: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    const child = spawn("python3", argv, {
      env: { ...process.env, PYTHONPATH: FAKE_VLLM, FAKE_VLLM_CALLS: join(dir, "calls.jsonl"), SERVELAB_RESULTS_BUCKET: "", SERVELAB_KUBE_API: kube.origin, SERVELAB_SA_DIR: sa },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (c) => done({ code: c ?? 1, out }));
  });
}

beforeAll(async () => {
  const { replicas, port } = await startReplicas();
  engines = replicas;
  dir = mkdtempSync(join(tmpdir(), "sl-evidence-"));
  const sa = join(dir, "serviceaccount");
  mkdirSync(sa);
  writeFileSync(join(sa, "token"), "sa-token\n");
  writeFileSync(join(sa, "namespace"), "exp-ns\n");
  kube = await startFakeKubeApi("exp-ns", "sa-token", [
    { name: "vllm-0", ip: "127.0.0.1", labels: LABELS, imageID: DIGEST },
    { name: "vllm-1", ip: "127.0.0.2", labels: LABELS, imageID: DIGEST },
    { name: "other", ip: "127.0.0.3", labels: { app: "other" } },
    // Still listed by the API but not serving: an evicted replica (Failed, kept until garbage-collected) whose old
    // IP now answers for vllm-0, and an old pod of a rollout being deleted.
    { name: "vllm-evicted", ip: "127.0.0.1", labels: LABELS, phase: "Failed" },
    { name: "vllm-old", ip: "127.0.0.2", labels: LABELS, deleting: true },
  ]);
  run = await runDriver(driverArgv({}, replicas[0].baseUrl, port, join(dir, "results")), sa);
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
    expect(raw.discovery.notes).toEqual(["not scraped, finished or being deleted: vllm-evicted (Failed), vllm-old (Running, deleting)"]);
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

describe("evidence with benchmark.repeats: 2 (and an SLO), by the real driver", () => {
  let results: string;
  let repeated: { code: number; out: string };
  let replicas: FakeEngine[] = [];

  beforeAll(async () => {
    // Fresh replicas, so repeat 1 starts from an empty cache; the stand-in ignores --seed and sends the same prompts
    // in every repeat, so repeat 2 finds them all cached.
    const started = await startReplicas();
    replicas = started.replicas;
    results = join(dir, "results-repeats");
    const benchmark = { repeats: 2, slo: { ttftMs: 60000, tpotMs: 1000 } };
    repeated = await runDriver(driverArgv(benchmark, replicas[0].baseUrl, started.port, results), join(dir, "serviceaccount"));
    // What the matrix runner adds beside the Job's files: plan.json (with benchmark.slo) and run.json with the stack's recorded price.
    writeFileSync(join(results, "plan.json"), JSON.stringify({ stack: "exp", config: { benchmark: { harness: "vllm-bench", ...benchmark } }, resources: [] }));
    writeFileSync(
      join(results, "run.json"),
      JSON.stringify({
        stack: "exp", runId: "20260101T000000Z", status: "collected", startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "2026-01-01T00:30:00.000Z",
        source: "pod-log", jobStatus: "ok", error: null, phases: {}, outputs: {},
        cost: { usdPerHour: 1.4, priceSource: "test price", notes: [], gpus: { type: "l4", total: 2 } },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((e) => e.close()));
  });

  it("writes each repeat's evidence under the repeat's prefix, so repeat 2 does not overwrite repeat 1", () => {
    expect(repeated.code, repeated.out).toBe(0);
    const files = readdirSync(results).filter((f) => f.includes("_evidence_")).sort();
    expect(files).toEqual([
      "exp_evidence_rate-inf_conc-2.json",
      "exp_evidence_rate-inf_conc-4.json",
      "exp_repeat2_evidence_rate-inf_conc-2.json",
      "exp_repeat2_evidence_rate-inf_conc-4.json",
    ]);
    expect(repeated.out).toMatch(/::servelab-result-begin:: name=exp_repeat2_evidence_rate-inf_conc-2\.json/);
    expect(JSON.parse(readFileSync(join(results, files[2]), "utf8"))).toMatchObject({ experiment: "exp", label: "rate-inf_conc-2", repeat: 2 });
  });

  it("matches every repeat's evidence to the result of the same repeat and point", () => {
    const { records, notes } = readResults([results]);
    expect(notes.filter((n) => n.includes("engine metrics"))).toEqual([]);
    const hit = (repeat: number, conc: number) => {
      const r = records.find((x) => (x.repeat ?? 1) === repeat && x.load.maxConcurrency === conc)!;
      expect(r.evidence?.repeat).toBe(repeat === 1 ? undefined : repeat);
      return r.evidence?.prefixCacheHitRate?.value;
    };
    expect([hit(1, 2), hit(1, 4), hit(2, 2), hit(2, 4)]).toEqual([0, 1, 1, 1]);
    expect(records.every((r) => r.goodput?.requestsPerS !== null && r.goodput?.met === 6)).toBe(true);
    // Without repeat 2's result, its evidence is not given to repeat 1's record of the same point: a note says so.
    const partial = join(dir, "results-repeats-partial");
    cpSync(results, partial, { recursive: true });
    rmSync(join(partial, "exp_repeat2_rate-inf_conc-4.json"));
    const read = readResults([partial]);
    expect(read.records.find((r) => r.repeat === undefined && r.load.maxConcurrency === 4)!.evidence?.repeat).toBeUndefined();
    expect(read.notes).toContain(`exp: engine metrics for the point {"maxConcurrency":4,"requestRate":"inf"} of repeat 2 in ${partial} have no result beside them`);
  });

  it("the report's mean row carries the repeats' evidence combined, the Repeats part the hit rate's spread; goodput and cost beside them", () => {
    const md = buildReport(readResults([results])).markdown;
    // Mean hit rate of the repeats (0 % and 100 %), requests summed over them (12 on vllm-0, none on vllm-1).
    const row = md.split("\n").find((l) => l.startsWith("| 2 (inf) | 12 |"));
    expect(row, md).toBeDefined();
    expect(row).toContain("| 50.0 |");
    expect(row).toContain("| 2.00 |");
    expect(md).toContain("#### Prefix-cache hit rate (%, from the engines' metrics)");
    expect(md).toMatch(/\| 2 \(inf\) \| 50\.00 \(0\.00–100\.00; n=2\) \|/);
    expect(md).toContain("| goodput (req/s) |");
    expect(md).toMatch(/## Cost[\s\S]*\| exp \| 20260101T000000Z \| 0\.500 \| 1\.40 \| \$0\.70 \| 1\.00 l4 \|/);
  });

  it("every repeat's Benchmark Report export carries its own evidence in observability and validates against v0.2.1", () => {
    const reports = benchmarkReports(readResults([results]));
    expect(reports.map((r) => r.name).sort()).toEqual([
      "exp_maxConcurrency-2_requestRate-inf.br.json",
      "exp_maxConcurrency-4_requestRate-inf.br.json",
      "exp_repeat2_maxConcurrency-2_requestRate-inf.br.json",
      "exp_repeat2_maxConcurrency-4_requestRate-inf.br.json",
    ]);
    for (const r of reports) expectValidBr(r.report, r.name);
    const obs = (name: string) => (reports.find((r) => r.name === name)!.report as any).results.observability;
    expect(obs("exp_maxConcurrency-2_requestRate-inf.br.json").components[0].aggregate.cache_hit_rate).toEqual({ units: "percent", mean: 0 });
    expect(obs("exp_repeat2_maxConcurrency-2_requestRate-inf.br.json").components[0].aggregate.cache_hit_rate).toEqual({ units: "percent", mean: 100 });
    expect(obs("exp_repeat2_maxConcurrency-2_requestRate-inf.br.json").servelab_request_distribution.components.map((c: any) => [c.component_id, c.statistics.count])).toEqual([["vllm-0", 6], ["vllm-1", 0]]);
    expect(obs("exp_repeat2_maxConcurrency-2_requestRate-inf.br.json").servelab_goodput).toMatchObject({ requests_met: 6 });
  });
});
