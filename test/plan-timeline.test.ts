/** The modelled timeline: phases from the settings, both flows, caches, totals, GPU-hours and dollars. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { ExperimentConfig } from "../components/config/schema";
import { estimateCost } from "../components/plan/estimate";
import { clusterMismatch } from "../benchmarks/matrix/clusterRows";
import { ConfigError } from "../components/config/problems";
import { readClusterStack } from "../components/plan/clusterStack";
import { StackFileError } from "../components/plan/stackFile";
import { benchmarkRun } from "../components/plan/timeline/benchmarkRun";
import { ClusterInput, perRowFlow, sharedFlow } from "../components/plan/timeline/flows";
import { formatRowTimeline } from "../components/plan/timeline/format";
import { Phase, PhaseKind, RowInput } from "../components/plan/timeline/phases";
import { parseExperimentConfig } from "../components/validate";
import { rawStackFileValues, rawStackValues } from "./helpers/configs";


function row(stack: string, edit: (raw: Record<string, any>) => void = () => {}): RowInput & { config: ExperimentConfig } {
  const raw = rawStackValues(stack);
  edit(raw);
  return { name: stack, config: parseExperimentConfig(raw) };
}

function clusterOf(r: { name: string; config: ExperimentConfig }): ClusterInput {
  return { name: r.name, cluster: r.config.cluster, facts: resolveClusterFacts(r.config.cluster).facts! };
}

const of = (phases: Phase[], kind: PhaseKind, rowName?: string) => phases.filter((p) => p.kind === kind && (rowName === undefined || p.row === rowName));
const seconds = (phases: Phase[]) => phases.reduce((s, p) => s + p.seconds, 0);

describe("timeline phases", () => {
  const k8s = row("k8s_stack");
  const naive = row("aibrix_naive");
  const ps = row("ps_stack");
  const c = clusterOf(k8s);

  it("creates and deletes the cluster once in the shared flow and once a row in today's flow", () => {
    const rows = [k8s, naive, ps];
    expect(of(sharedFlow(rows, c).phases, "cluster-create")).toHaveLength(1);
    expect(of(sharedFlow(rows, c).phases, "pools-delete")).toHaveLength(1);
    expect(of(perRowFlow(rows, c).phases, "cluster-create")).toHaveLength(3);
    expect(of(perRowFlow(rows, c).phases, "driver")).toHaveLength(3);
  });

  it("downloads the weights on the first row only when the shared cluster keeps a weights cache", () => {
    const shared = sharedFlow([k8s, naive], c).phases;
    expect(seconds(of(shared, "weights", "k8s_stack"))).toBeGreaterThan(0);
    expect(seconds(of(shared, "weights", "aibrix_naive"))).toBe(0);
    expect(of(shared, "weights", "aibrix_naive")[0].detail).toMatch(/^cache hit/);
    const noCache = sharedFlow([k8s, naive], c, { weightsCache: false }).phases;
    expect(seconds(of(noCache, "weights", "aibrix_naive"))).toBe(seconds(of(noCache, "weights", "k8s_stack")));
    // Today's flow starts every row from a new cluster: both rows download.
    expect(seconds(of(perRowFlow([k8s, naive], c).phases, "weights", "aibrix_naive"))).toBeGreaterThan(0);
  });

  it("pulls an engine image once per shared cluster and again for a row with another image", () => {
    const shared = sharedFlow([k8s, naive, ps], c).phases;
    expect(seconds(of(shared, "image-pull", "k8s_stack"))).toBeGreaterThan(0);
    expect(seconds(of(shared, "image-pull", "aibrix_naive"))).toBe(0); // same vllm/vllm-openai:v0.8.5
    expect(of(shared, "image-pull", "ps_stack")[0].detail).toContain("lmcache/vllm-openai");
    expect(seconds(of(shared, "image-pull", "ps_stack"))).toBeGreaterThan(0);
  });

  it("sizes the download from the model catalog and the load from tensor parallelism", () => {
    const weights = of(perRowFlow([k8s], c).phases, "weights")[0];
    expect(weights.detail).toContain("16.1 GB from Hugging Face at 0.1 GB/s"); // 8.03 B × 2 bytes
    expect(weights.seconds).toBeCloseTo(161, 0);
    const tp2 = row("k8s_stack", (raw) => Object.assign(raw.engine, { replicas: 4, tensorParallel: 2 }));
    const load = (r: RowInput) => of(perRowFlow([r], c).phases, "load")[0].seconds;
    expect(load(k8s) - load(tp2)).toBeCloseTo(16.06 / 2 / 0.5, 1);
  });

  it("counts only the benchmark run as inside, and every other second of the GPU nodes as outside", () => {
    const flow = sharedFlow([k8s, naive], c);
    expect(flow.phases.filter((p) => p.inside).map((p) => p.kind)).toEqual(["run", "run"]);
    expect(flow.totals.insideSeconds).toBe(2 * 1400); // 11 points × 100 s + 10 pauses × 10 s + 200 s warm-up
    expect(flow.totals.outsideSeconds).toBeCloseTo(seconds(flow.phases.filter((p) => p.gpuBilled && !p.inside)), 6);
    expect(flow.totals.outsideShare).toBeCloseTo(flow.totals.outsideSeconds / flow.totals.gpuNodeSeconds, 10);
  });

  it("adds up: rows plus the cluster's own phases make the total, and the shared flow costs less than today's", () => {
    const rows = [k8s, naive, ps];
    const shared = sharedFlow(rows, c);
    const clusterOwn = shared.phases.filter((p) => p.row === undefined);
    expect(shared.totals.wallSeconds).toBe(seconds(shared.phases));
    expect(shared.rows.reduce((s, r) => s + r.totals.wallSeconds, 0) + seconds(clusterOwn)).toBeCloseTo(shared.totals.wallSeconds, 6);
    const today = perRowFlow(rows, c);
    expect(today.rows.reduce((s, r) => s + r.totals.gpuHours, 0)).toBeCloseTo(today.totals.gpuHours, 6);
    expect(shared.totals.insideSeconds).toBe(today.totals.insideSeconds);
    expect(shared.totals.gpuHours).toBeLessThan(today.totals.gpuHours);
    expect(shared.totals.outsideShare).toBeLessThan(today.totals.outsideShare);
  });

  it("prices GKE GPU time from the machine catalog, and the control plane alone at the cluster fee", () => {
    const flow = perRowFlow([k8s], c);
    const hourly = estimateCost(c.cluster, c.facts).usdPerHour!;
    const controlPlaneOnly = seconds(flow.phases.filter((p) => !p.gpuBilled));
    expect(flow.totals.usd).toBeCloseTo((flow.totals.gpuNodeSeconds * hourly + controlPlaneOnly * 0.1) / 3600, 6);
    expect(flow.totals.gpuHours).toBeCloseTo((flow.totals.gpuNodeSeconds * 8) / 3600, 6);
  });

  it("gives a VKE row GPU-hours but no dollars, and an existing cluster no creation", () => {
    const vke = row("k8s_stack_vke");
    const flow = perRowFlow([vke], clusterOf(vke));
    expect(flow.totals.gpuHours).toBeGreaterThan(0);
    expect(flow.totals.usd).toBeUndefined();
    expect(of(flow.phases, "weights")[0].detail).toContain("from object storage at 0.3 GB/s");
    const existing = row("k8s_stack", (raw) => {
      raw.cluster = { provider: "kubeconfig", kubeconfig: "/tmp/kubeconfig", gpu: { type: "h100", perNode: 8, nodeCpu: 200, nodeMemoryGb: 1800, gpuMemoryGb: 80 } };
    });
    const onExisting = perRowFlow([existing], clusterOf(existing));
    expect(of(onExisting.phases, "cluster-create")).toEqual([]);
    expect(onExisting.totals.usd).toBeUndefined();
  });
});

describe("benchmark run from the harness settings", () => {
  it("does not count vllm-bench points at rate inf, and says so", () => {
    const r = row("k8s_stack", (raw) => {
      raw.benchmark = { harness: "vllm-bench", numPrompts: 1000, points: [{ requestRate: 10 }, { requestRate: "inf" }] };
    });
    const run = benchmarkRun(r.config.benchmark!);
    expect(run.seconds).toBe(100);
    expect(run.bound).toBe("at least");
    expect(run.basis).toContain("1 point at rate inf not counted");
  });

  it("caps kubeai-chat-k6 at its runs × maxDurationSeconds", () => {
    const r = row("k8s_stack", (raw) => {
      raw.benchmark = { harness: "kubeai-chat-k6", warmupRuns: 1, maxDurationSeconds: 300 };
    });
    expect(benchmarkRun(r.config.benchmark!)).toMatchObject({ seconds: 600, bound: "at most" });
  });
});

describe("a row's timeline in npm run plan", () => {
  it("times an inline-cluster row with its cluster, and a row on a cluster stack on the up cluster", () => {
    const own = row("vllm_405b_h200");
    const inline = formatRowTimeline(own, clusterOf(own));
    expect(inline).toContain("vllm_405b_h200 on its own cluster");
    expect(inline).toMatch(/\n  cluster control plane\s+6\.0 min\s+no GPU/);
    const k8s = row("k8s_stack");
    const shared = formatRowTimeline(k8s, { ...clusterOf(k8s), name: "cluster-gke-h100x8" }, "cluster-gke-h100x8");
    expect(shared).not.toMatch(/cluster control plane|node pools/);
    expect(shared).toMatch(/weights download\s+[\d.]+ min\s+\[\d+\]\s+16\.1 GB from Hugging Face at 0\.1 GB\/s; fills the weights cache/);
    expect(shared).toMatch(/as a one-off with its own cluster of this shape/);
  });
});

describe("cluster stack for --matrix", () => {
  const clusterStackOf = (stack: string) => parseExperimentConfig(rawStackFileValues(stack)).clusterStack;

  it("reads the cluster from a stack file with only servelab:cluster; a row runs on it only when it references it", () => {
    const c = readClusterStack("cluster-gke-h100x8");
    expect(c.facts.gpu).toMatchObject({ type: "h100", total: 8, machineType: "a3-highgpu-8g" });
    expect(clusterMismatch(c.name, "k8s_stack", clusterStackOf("k8s_stack"))).toBeNull();
    expect(clusterMismatch(c.name, "k8s_stack_vke", clusterStackOf("k8s_stack_vke"))).toMatch(/k8s_stack_vke runs on cluster stack cluster-vke-h20x16-rdma, not cluster-gke-h100x8/);
  });

  it("refuses a stack that does not exist, an experiment row, or a stack that declares nothing", () => {
    expect(() => readClusterStack("cluster-nope")).toThrow(/no stack file .*Pulumi\.cluster-nope\.yaml/);
    expect(() => readClusterStack("k8s_stack")).toThrow(StackFileError);
    expect(() => readClusterStack("k8s_stack")).toThrow(/is an experiment row, not a cluster stack/);
    const dir = mkdtempSync(join(tmpdir(), "sl-cluster-"));
    writeFileSync(join(dir, "Pulumi.empty.yaml"), "config:\n  gcp:project: p\n");
    expect(() => readClusterStack("empty", dir)).toThrow(ConfigError);
  });
});
