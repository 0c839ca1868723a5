/**
 * The matrix runner against a fake Pulumi driver: ordering, teardown after failures and Ctrl-C, resume,
 * what lands in results/<stack>/<run id>/, and the report over all rows.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Collected, CollectError, ResultsCollector } from "../benchmarks/matrix/collect";
import { engineRecordFromLog } from "../benchmarks/results/engineStartup";
import { V085_V1 } from "./fixtures/results/engineLogs";
import { OperationIO, StackDriver, StackOutputs } from "../benchmarks/matrix/driver";
import { writeMatrixReport } from "../benchmarks/matrix/matrixReport";
import { MatrixResult, Row, lastLine, runMatrix } from "../benchmarks/matrix/runner";
import { RunStore } from "../benchmarks/matrix/runStore";

type UpBehaviour = "ok" | "fail" | "hang" | "fail-no-outputs";
type DestroyBehaviour = "ok" | "fail-once" | "fail";

class FakeDriver implements StackDriver {
  readonly events: string[] = [];
  private destroyFailures = new Map<string, number>();
  constructor(
    private readonly up_: Record<string, UpBehaviour> = {},
    private readonly destroy_: Record<string, DestroyBehaviour> = {},
  ) {}

  static outputs(stack: string): StackOutputs {
    return { kubeconfig: "apiVersion: v1 # secret", namespace: `ns-${stack}`, benchmarkJobName: "benchmark", baseUrl: "http://router/v1", servedModel: "llama3-1-8b" };
  }

  async up(stack: string, io: OperationIO): Promise<StackOutputs> {
    this.events.push(`up ${stack}`);
    io.onOutput(`Updating (${stack}):\n +  kubernetes:batch/v1:Job benchmark creating (12s)\n`);
    const behaviour = this.up_[stack] ?? "ok";
    if (behaviour === "fail" || behaviour === "fail-no-outputs") throw new Error("kubernetes:batch/v1:Job benchmark: Job failed: BackoffLimitExceeded");
    if (behaviour === "hang") {
      await new Promise((_, reject) => {
        if (io.signal!.aborted) reject(new Error("update canceled"));
        io.signal!.addEventListener("abort", () => reject(new Error("update canceled")), { once: true });
      });
    }
    return FakeDriver.outputs(stack);
  }

  async outputs(stack: string): Promise<StackOutputs> {
    this.events.push(`outputs ${stack}`);
    // A stack whose outputs waited on the failed Job records none (Pulumi's Stack.initialize is all-or-nothing).
    if (this.up_[stack] === "fail-no-outputs") return {};
    return FakeDriver.outputs(stack);
  }

  async destroy(stack: string, io: OperationIO & { refresh?: boolean }): Promise<void> {
    this.events.push(`destroy ${stack}${io.refresh ? " --refresh" : ""}`);
    io.onOutput("Destroying\n");
    const behaviour = this.destroy_[stack] ?? "ok";
    const failures = this.destroyFailures.get(stack) ?? 0;
    if (behaviour === "fail" || (behaviour === "fail-once" && failures === 0)) {
      this.destroyFailures.set(stack, failures + 1);
      throw new Error("error: the cluster is unreachable");
    }
  }
}

const HEADER = "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time";

function results(stack: string, failures: string[] = []): Collected["files"] {
  return [
    { name: "manifest.json", content: Buffer.from(JSON.stringify({ experiment: stack, harness: "multi-round-qa", points: [{ qps: 1 }], startedAt: "s", finishedAt: "f", failures })) },
    { name: `${stack}_output_1.csv`, content: Buffer.from(`${HEADER}\n1000,10,0.25,0.2,1,1,100,100.45\n`) },
    { name: `${stack}_counts_1.json`, content: Buffer.from('{"launched": 1, "completed": 1, "failed": 0, "cancelled": 0}') },
  ];
}

class FakeCollector implements ResultsCollector {
  readonly seen: Array<{ stack: string; outputs: StackOutputs }> = [];
  constructor(private readonly failing: Record<string, "job-failed" | "unreadable"> = {}) {}
  async collect(stack: string, outputs: StackOutputs): Promise<Collected> {
    this.seen.push({ stack, outputs });
    if (this.failing[stack] === "unreadable") throw new CollectError(`no results for ${stack}: pod log has no run-end marker`, "partial log\n");
    const jobFailed = this.failing[stack] === "job-failed";
    const engine = stack === "with_engine" ? { engine: engineRecordFromLog("vllm-0", V085_V1), engineLog: V085_V1 } : {};
    return { files: results(stack, jobFailed ? ["qps 1: 3 of 9 requests failed"] : []), status: jobFailed ? "failed" : "ok", source: "pod-log", log: `log of ${stack}\n`, ...engine };
  }
}

interface Setup {
  up?: Record<string, UpBehaviour>;
  destroy?: Record<string, DestroyBehaviour>;
  collect?: Record<string, "job-failed" | "unreadable">;
  badConfig?: string[];
  root?: string;
  /** The cluster stack a row's plan says it runs on; default: the matrix's --cluster. */
  clusterOf?: Record<string, string | undefined>;
  /** The plans' estimates, by stack (the default plan has none). */
  estimates?: Record<string, unknown>;
}

async function run(stacks: string[], setup: Setup = {}, options: { cluster?: string; keepCluster?: boolean; force?: boolean; abortWhen?: (rows: readonly Row[]) => boolean } = {}) {
  const root = setup.root ?? mkdtempSync(join(tmpdir(), "sl-matrix-"));
  const driver = new FakeDriver(setup.up, setup.destroy);
  const collector = new FakeCollector(setup.collect);
  const controller = new AbortController();
  let t = Date.parse("2025-03-23T10:00:00Z");
  const snapshots: string[] = [];
  const result: MatrixResult = await runMatrix(
    {
      driver,
      collector,
      store: new RunStore(root),
      plan: async (stack) => {
        driver.events.push(`plan ${stack}`);
        if (setup.badConfig?.includes(stack)) throw new Error("servelab:engine.replicas: 9 replicas need 9 GPUs, the pool has 8");
        const clusterStack = setup.clusterOf && stack in setup.clusterOf ? setup.clusterOf[stack] : options.cluster;
        const estimate = setup.estimates?.[stack] ? { estimate: setup.estimates[stack], gpus: { type: "l4", perNode: 1, nodes: 4, total: 4 } } : {};
        return { stack, ...(clusterStack ? { config: { clusterStack } } : {}), resources: [], ...estimate };
      },
      ...(setup.estimates ? { clusterPlan: async (stack: string) => ({ stack, estimate: setup.estimates![stack], gpus: { type: "l4", perNode: 1, nodes: 8, total: 8 } }) } : {}),
      now: () => new Date((t += 1000)),
    },
    {
      stacks,
      cluster: options.cluster,
      keepCluster: options.keepCluster,
      force: options.force,
      signal: controller.signal,
      onChange: (rows) => {
        snapshots.push(rows.map((r) => `${r.stack}:${r.phase}`).join(" "));
        if (options.abortWhen?.(rows)) controller.abort();
      },
    },
  );
  return { root, driver, collector, result, snapshots };
}

const runInfo = (dir: string) => JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
const phases = (result: MatrixResult) => Object.fromEntries(result.rows.map((r) => [r.stack, r.phase]));

describe("runMatrix", () => {
  it("plans every row first, brings the cluster up, runs each row up → collect → destroy in order, destroys the cluster last", async () => {
    const { driver, collector, result } = await run(["k8s_stack", "ps_stack"], {}, { cluster: "gke_h100" });
    expect(driver.events).toEqual(["plan k8s_stack", "plan ps_stack", "up gke_h100", "up k8s_stack", "destroy k8s_stack", "up ps_stack", "destroy ps_stack", "destroy gke_h100"]);
    expect(collector.seen.map((s) => s.stack)).toEqual(["k8s_stack", "ps_stack"]);
    expect(collector.seen[0].outputs.namespace).toBe("ns-k8s_stack");
    expect(phases(result)).toEqual({ gke_h100: "destroyed", k8s_stack: "collected", ps_stack: "collected" });
    expect(result).toMatchObject({ ok: true, interrupted: false });
  });

  it("stores the raw results, the plan, the pod log, Pulumi's output and run.json under results/<stack>/<run id>/", async () => {
    const { root, result } = await run(["k8s_stack"]);
    const row = result.rows[0];
    expect(row.dir).toBe(join(root, "k8s_stack", row.runId!));
    expect(row.runId).toMatch(/^20250323T1000\d\dZ$/);
    expect(readdirSync(row.dir!).sort()).toEqual(["job.log", "k8s_stack_counts_1.json", "k8s_stack_output_1.csv", "manifest.json", "plan.json", "pulumi-destroy.log", "pulumi-up.log", "run.json"]);
    expect(JSON.parse(readFileSync(join(row.dir!, "plan.json"), "utf8"))).toEqual({ stack: "k8s_stack", resources: [] });
    expect(readFileSync(join(row.dir!, "pulumi-up.log"), "utf8")).toContain("kubernetes:batch/v1:Job benchmark creating");
    const info = runInfo(row.dir!);
    expect(info).toMatchObject({ stack: "k8s_stack", status: "collected", source: "pod-log", jobStatus: "ok", error: null });
    expect(info.outputs).toEqual({ namespace: "ns-k8s_stack", benchmarkJobName: "benchmark", baseUrl: "http://router/v1", servedModel: "llama3-1-8b" });
    expect(JSON.stringify(info)).not.toContain("secret");
    expect(Object.keys(info.phases).sort()).toEqual(["collecting", "destroying", "planning", "up"]);
  });

  it("keeps the engine's start-up facts in run.json and the start of its log in engine.log", async () => {
    const { result } = await run(["with_engine", "k8s_stack"]);
    const [withEngine, without] = result.rows;
    expect(runInfo(withEngine.dir!).engine).toMatchObject({ pod: "vllm-0", reason: null, facts: { vllmVersion: "0.8.5", engine: "V1", attentionBackend: "FLASH_ATTN", kvCacheDtype: "auto" } });
    expect(readFileSync(join(withEngine.dir!, "engine.log"), "utf8")).toBe(V085_V1);
    expect(runInfo(without.dir!).engine).toBeNull();
  });

  it("after a failed up still collects what the Job logged, destroys, and goes on with the next row", async () => {
    const { driver, root, result } = await run(["a", "b"], { up: { a: "fail" }, collect: { a: "job-failed" } });
    expect(driver.events).toEqual(["plan a", "plan b", "up a", "outputs a", "destroy a", "up b", "destroy b"]);
    expect(phases(result)).toEqual({ a: "failed", b: "collected" });
    const a = result.rows[0];
    expect(a.error).toBe("up: kubernetes:batch/v1:Job benchmark: Job failed: BackoffLimitExceeded; the benchmark Job reported failed points (see manifest.json failures)");
    expect(runInfo(a.dir!)).toMatchObject({ status: "failed", jobStatus: "failed" });
    expect(existsSync(join(root, "a", a.runId!, "a_output_1.csv"))).toBe(true);
    expect(result.ok).toBe(false);
  });

  it("after a failed up that left no stack outputs: says so, collects nothing, still destroys and goes on", async () => {
    const { driver, collector, result } = await run(["a", "b"], { up: { a: "fail-no-outputs" } });
    expect(driver.events).toEqual(["plan a", "plan b", "up a", "outputs a", "destroy a", "up b", "destroy b"]);
    expect(collector.seen.map((s) => s.stack)).toEqual(["b"]);
    expect(phases(result)).toEqual({ a: "failed", b: "collected" });
    expect(result.rows[0].error).toBe("up: kubernetes:batch/v1:Job benchmark: Job failed: BackoffLimitExceeded; collect: the stack recorded no outputs (kubeconfig, namespace, benchmarkJobName), so the Job's log cannot be read");
    expect(runInfo(result.rows[0].dir!)).toMatchObject({ status: "failed", outputs: {} });
  });

  it("destroys a row whose results cannot be collected, keeping the partial log", async () => {
    const { driver, result } = await run(["a"], { collect: { a: "unreadable" } });
    expect(driver.events).toEqual(["plan a", "up a", "destroy a"]);
    expect(result.rows[0].phase).toBe("failed");
    expect(result.rows[0].error).toBe("collect: no results for a: pod log has no run-end marker");
    expect(readFileSync(join(result.rows[0].dir!, "job.log"), "utf8")).toBe("partial log\n");
  });

  it("on Ctrl-C during an up: cancels it, destroys that row and the cluster, starts no further row", async () => {
    const { driver, result } = await run(["a", "b"], { up: { a: "hang" } }, { cluster: "shared", abortWhen: (rows) => rows.some((r) => r.stack === "a" && r.phase === "up" && r.detail.includes("creating")) });
    expect(driver.events).toEqual(["plan a", "plan b", "up shared", "up a", "destroy a", "destroy shared"]);
    expect(phases(result)).toEqual({ shared: "interrupted", a: "interrupted", b: "not run" });
    expect(result.interrupted).toBe(true);
    expect(runInfo(result.rows[1].dir!)).toMatchObject({ status: "interrupted", error: "up: update canceled" });
    expect(result.rows[2].error).toBe("not run: interrupted");
  });

  it("on Ctrl-C between rows: the next row does not start and nothing is destroyed that was not created", async () => {
    const { driver, result } = await run(["a", "b"], {}, { abortWhen: (rows) => rows[1].phase === "up" });
    expect(driver.events).toEqual(["plan a", "plan b", "up a", "destroy a"]);
    expect(phases(result)).toEqual({ a: "collected", b: "interrupted" });
    expect(runInfo(result.rows[1].dir!)).toMatchObject({ status: "interrupted", error: "interrupted before the up started" });
  });

  it("on Ctrl-C while collecting a finished run: keeps its results, then tears down", async () => {
    const { driver, result } = await run(["a", "b"], {}, { abortWhen: (rows) => rows[0].phase === "collecting" });
    expect(driver.events).toEqual(["plan a", "plan b", "up a", "destroy a"]);
    expect(phases(result)).toEqual({ a: "collected", b: "not run" });
  });

  it("resumes: rows collected before are skipped, failed ones run again; --force runs everything", async () => {
    const first = await run(["a", "b"], { up: { b: "fail" } });
    expect(phases(first.result)).toEqual({ a: "collected", b: "failed" });

    const second = await run(["a", "b"], { root: first.root }, { cluster: "shared" });
    expect(second.driver.events).toEqual(["plan b", "up shared", "up b", "destroy b", "destroy shared"]);
    expect(phases(second.result)).toEqual({ shared: "destroyed", a: "skipped", b: "collected" });
    expect(second.result.rows[1]).toMatchObject({ runId: first.result.rows[0].runId, detail: `collected in run ${first.result.rows[0].runId}` });
    expect(second.result.ok).toBe(true);

    const third = await run(["a", "b"], { root: first.root }, { cluster: "shared" });
    expect(third.driver.events).toEqual([]);
    expect(phases(third.result)).toEqual({ shared: "pending", a: "skipped", b: "skipped" });

    const forced = await run(["a"], { root: first.root }, { force: true });
    expect(forced.driver.events).toEqual(["plan a", "up a", "destroy a"]);
    expect(readdirSync(join(first.root, "a"))).toHaveLength(2);
  });

  it("retries a failed destroy with --refresh, and says loudly what may be left up when that fails too", async () => {
    const once = await run(["a"], { destroy: { a: "fail-once" } });
    expect(once.driver.events).toEqual(["plan a", "up a", "destroy a", "destroy a --refresh"]);
    expect(once.result.ok).toBe(true);

    const twice = await run(["a", "b"], { destroy: { a: "fail" } });
    expect(twice.driver.events).toEqual(["plan a", "plan b", "up a", "destroy a", "destroy a --refresh", "up b", "destroy b"]);
    expect(twice.result.rows[0].leftUp).toBe("destroy failed twice (error: the cluster is unreachable); resources may still be running: pulumi destroy -s a");
    // The results are good; the row is done, but the matrix is not ok while something may still be billed.
    expect(twice.result.rows[0].phase).toBe("collected");
    expect(twice.result.ok).toBe(false);
  });

  it("on a shared cluster, starts no row after one whose destroy failed twice (its engines may still hold the GPUs), and still destroys the cluster", async () => {
    const { driver, result } = await run(["kubeai_least_load_8b_l4", "llmd_8b_l4", "kubeai_prefix_hash_8b_l4"], { destroy: { kubeai_least_load_8b_l4: "fail" } }, { cluster: "cluster-gke-l4x8" });
    expect(driver.events.filter((e) => !e.startsWith("plan "))).toEqual([
      "up cluster-gke-l4x8",
      "up kubeai_least_load_8b_l4",
      "destroy kubeai_least_load_8b_l4",
      "destroy kubeai_least_load_8b_l4 --refresh",
      "destroy cluster-gke-l4x8",
    ]);
    expect(phases(result)).toEqual({ "cluster-gke-l4x8": "destroyed", kubeai_least_load_8b_l4: "collected", llmd_8b_l4: "not run", kubeai_prefix_hash_8b_l4: "not run" });
    expect(result.rows[2].error).toBe(
      "not run: the destroy of kubeai_least_load_8b_l4 failed, so its engines may still hold the GPUs of cluster stack cluster-gke-l4x8; destroy it (pulumi destroy -s kubeai_least_load_8b_l4) and run the matrix again (collected rows are skipped)",
    );
    expect(result.ok).toBe(false);
  });

  it("creates nothing for a stack whose config does not plan, and runs the others", async () => {
    const { driver, result } = await run(["bad", "good"], { badConfig: ["bad"] });
    expect(driver.events).toEqual(["plan bad", "plan good", "up good", "destroy good"]);
    expect(result.rows[0]).toMatchObject({ phase: "failed", error: "plan: servelab:engine.replicas: 9 replicas need 9 GPUs, the pool has 8" });
    expect(result.rows[0].dir).toBeUndefined();
  });

  it("the five GKE regression rows on one cluster stack: up once, each row up → collect → destroy, the cluster destroyed last", async () => {
    const rows = ["k8s_stack", "ps_stack", "aibrix_naive", "aibrix_naive_prefix_cache", "aibrix_kvcache_dram"];
    const { driver, result } = await run(rows, {}, { cluster: "cluster-gke-h100x8" });
    expect(driver.events.filter((e) => !e.startsWith("plan "))).toEqual([
      "up cluster-gke-h100x8",
      ...rows.flatMap((r) => [`up ${r}`, `destroy ${r}`]),
      "destroy cluster-gke-h100x8",
    ]);
    expect(result.ok).toBe(true);
  });

  it("--keep-cluster leaves the cluster stack up after the last row, saying how to destroy it", async () => {
    const { driver, result } = await run(["a", "b"], {}, { cluster: "cluster-gke-h100x8", keepCluster: true });
    expect(driver.events).toEqual(["plan a", "plan b", "up cluster-gke-h100x8", "up a", "destroy a", "up b", "destroy b"]);
    expect(phases(result)).toEqual({ "cluster-gke-h100x8": "kept", a: "collected", b: "collected" });
    expect(result.rows[0].detail).toBe("left up (--keep-cluster): `pulumi destroy -s cluster-gke-h100x8` when done; it is billed until then");
    expect(result.ok).toBe(true);
  });

  it("refuses a row that does not reference the --cluster stack, naming where it runs, and runs the others", async () => {
    const { driver, result } = await run(["inline", "elsewhere", "qualified", "good"], { clusterOf: { inline: undefined, elsewhere: "cluster-gke-l4x8", qualified: "acme/servelab/cluster-gke-h100x8" } }, { cluster: "cluster-gke-h100x8" });
    expect(driver.events.filter((e) => !e.startsWith("plan "))).toEqual(["up cluster-gke-h100x8", "up qualified", "destroy qualified", "up good", "destroy good", "destroy cluster-gke-h100x8"]);
    const byStack = Object.fromEntries(result.rows.map((r) => [r.stack, r]));
    expect(byStack.inline).toMatchObject({ phase: "failed", error: expect.stringMatching(/^cluster: inline creates its own cluster \(servelab:cluster is inline\), so it cannot run on cluster stack cluster-gke-h100x8/) });
    expect(byStack.elsewhere.error).toBe("cluster: elsewhere runs on cluster stack cluster-gke-l4x8, not cluster-gke-h100x8 (--cluster); run it with --cluster cluster-gke-l4x8, or point its servelab:cluster.stack at cluster-gke-h100x8");
    expect(byStack.inline.dir).toBeUndefined();
    expect(result.ok).toBe(false);
  });

  it("resumes after an interrupt on a shared cluster: the cluster comes up again, finished rows do not run again", async () => {
    const first = await run(["a", "b", "c"], { up: { b: "hang" } }, { cluster: "shared", abortWhen: (rows) => rows.some((r) => r.stack === "b" && r.phase === "up" && r.detail.includes("creating")) });
    expect(phases(first.result)).toEqual({ shared: "interrupted", a: "collected", b: "interrupted", c: "not run" });
    expect(first.driver.events.at(-1)).toBe("destroy shared");
    const second = await run(["a", "b", "c"], { root: first.root }, { cluster: "shared" });
    expect(second.driver.events).toEqual(["plan b", "plan c", "up shared", "up b", "destroy b", "up c", "destroy c", "destroy shared"]);
    expect(phases(second.result)).toEqual({ shared: "destroyed", a: "skipped", b: "collected", c: "collected" });
  });

  it("runs no row when the cluster stack does not come up, and still destroys it", async () => {
    const { driver, result } = await run(["a", "b"], { up: { shared: "fail" } }, { cluster: "shared" });
    expect(driver.events).toEqual(["plan a", "plan b", "up shared", "destroy shared"]);
    expect(phases(result)).toEqual({ shared: "failed", a: "not run", b: "not run" });
    expect(result.rows[1].error).toBe("not run: the cluster stack shared did not come up");
  });

  it("reports each phase change, with the latest line of Pulumi's output as detail", async () => {
    const { snapshots, result } = await run(["a"]);
    expect(snapshots).toContain("a:up");
    expect(snapshots.indexOf("a:up")).toBeLessThan(snapshots.indexOf("a:collecting"));
    expect(snapshots.indexOf("a:collecting")).toBeLessThan(snapshots.indexOf("a:destroying"));
    expect(result.rows[0].detail).toBe(`results in ${result.rows[0].dir}`);
    expect(lastLine("\x1b[32m+ created\x1b[0m\n  Job benchmark creating (3s)\r\n\n")).toBe("Job benchmark creating (3s)");
  });

  it("writes the report over all rows into the results folder", async () => {
    const { root } = await run(["k8s_stack", "ps_stack"]);
    const report = writeMatrixReport(root, ["k8s_stack", "ps_stack", "never_run"]);
    expect(report!.paths).toEqual([join(root, "report.md"), join(root, "ttft-vs-qps.svg"), join(root, "throughput-vs-qps.svg"), join(root, "report.json")]);
    const data = JSON.parse(readFileSync(join(root, "report.json"), "utf8"));
    expect(data.records.map((r: { experiment: string; ttftMs: { mean: number } }) => [r.experiment, r.ttftMs.mean])).toEqual([["k8s_stack", 250], ["ps_stack", 250]]);
    const markdown = readFileSync(join(root, "report.md"), "utf8");
    expect(markdown).toContain("| QPS | k8s_stack | ps_stack |");
    expect(markdown).toContain("| 1 | 250.00 | 250.00 |");
    expect(writeMatrixReport(mkdtempSync(join(tmpdir(), "sl-empty-")), ["a"])).toBeNull();
  });

  it("records the stack's $/hour from its plan in run.json, and on a shared cluster the cluster's price and when it came up", async () => {
    const gke = { usdPerHour: 12.5, priceSource: "2025-06 (public GCP price list)", notes: [] };
    const existing = { usdPerHour: null, priceSource: "2025-06", notes: ["existing cluster: servelab creates no machines"] };
    const own = await run(["a"], { estimates: { a: gke } });
    expect(runInfo(own.result.rows[0].dir!).cost).toEqual({ usdPerHour: 12.5, priceSource: "2025-06 (public GCP price list)", notes: [], gpus: { type: "l4", total: 4 } });
    const shared = await run(["a"], { estimates: { a: existing, pool: gke } }, { cluster: "pool" });
    const cost = runInfo(shared.result.rows[1].dir!).cost;
    expect(cost.usdPerHour).toBeNull();
    expect(cost.sharedCluster).toMatchObject({ stack: "pool", usdPerHour: 12.5, priceSource: "2025-06 (public GCP price list)", gpus: { type: "l4", total: 8 } });
    expect(Date.parse(cost.sharedCluster.upAt)).toBeLessThan(Date.parse(runInfo(shared.result.rows[1].dir!).startedAt));
  });
});
