/**
 * Per-point evidence from /metrics pages shaped like each pinned engine build's (test/fixtures/metrics/*.prom,
 * written from vLLM's and LMCache's metric definitions: see each file's header), and the name table behind it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveEvidence } from "../benchmarks/evidence/derive";
import { METRIC_NAME_SETS } from "../benchmarks/evidence/metricNames";
import { parsePrometheusText } from "../benchmarks/evidence/promText";
import { parseEvidenceFile, readRunEvidence } from "../benchmarks/evidence/readEvidence";
import { parseEngineStartup } from "../benchmarks/results/engineStartup";
import { EvidenceFile, Snapshot } from "../benchmarks/evidence/types";
import { IMAGES } from "../components/catalog/versions";

const FIXTURES = join(__dirname, "fixtures/metrics");

function pages(fixture: string): { start: string; end: string } {
  const text = readFileSync(join(FIXTURES, fixture), "utf8");
  const [, start, end] = text.split(/^# --- (?:start|end) ---$/m);
  return { start, end };
}

/** An evidence file as the Job writes it, with `replicas` engines each showing these pages (optionally a middle one). */
function evidence(replicas: Array<{ start: string; end: string; during?: string }>, client: Partial<EvidenceFile["client"]> = {}): EvidenceFile {
  const snapshots: Snapshot[] = replicas.flatMap((p, i) => [
    { target: `vllm-${i}`, phase: "start" as const, at: 100, text: p.start },
    ...(p.during ? [{ target: `vllm-${i}`, phase: "during" as const, at: 115, text: p.during }] : []),
    { target: `vllm-${i}`, phase: "end" as const, at: 130, text: p.end },
  ]);
  return {
    servelabEvidence: 1,
    experiment: "exp",
    label: "qps-1",
    load: { qps: 1 },
    startedAt: 100,
    finishedAt: 130,
    intervalSeconds: 15,
    discovery: { engineSelector: "app=vllm", enginePort: 8000, notes: [] },
    targets: replicas.map((_, i) => ({ name: `vllm-${i}`, role: "engine" as const, url: `http://10.0.0.${i}:8000/metrics`, pod: `vllm-${i}`, node: "n", restarts: 0, images: [] })),
    snapshots,
    client: { cpuSeconds: 3, wallSeconds: 30, cpuLimitCores: 4, cpuSource: "cgroup v2 cpu.stat usage_usec", ...client },
  };
}

describe("Prometheus text", () => {
  it("reads names, labels with escapes, special values, and skips comments and garbage", () => {
    const samples = parsePrometheusText(
      ['# HELP x y', 'a_total{model_name="m\\"q\\\\",engine="0"} 3', "b 1.5e3 1700000000", 'c{le="+Inf"} +Inf', "d NaN", "not a sample {", ""].join("\n"),
    );
    expect(samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ["a_total", { model_name: 'm"q\\', engine: "0" }, 3],
      ["b", {}, 1500],
      ["c", { le: "+Inf" }, Infinity],
      ["d", {}, NaN],
    ]);
  });
});

describe("evidence per pinned engine build", () => {
  it("vLLM v0.8.5 V0 (and AIBrix's KV-cache build): the lifetime hit-rate gauge gives an approximate point rate", () => {
    const e = deriveEvidence(evidence([pages("vllm-v0.8.5-v0.prom")]));
    expect(e.metricSet).toBe("vllm-v0");
    // (0.6·3000 − 0.5·1000) / (3000 − 1000)
    expect(e.prefixCacheHitRate!.value).toBeCloseTo(0.65, 10);
    expect(e.prefixCacheHitRate!.exact).toBe(false);
    expect(e.kvCacheUsage!.mean).toBeCloseTo(0.4, 10);
    expect(e.kvCacheUsage!.max).toBe(0.7);
    expect(e.running).toEqual({ mean: 2, max: 4 });
    expect(e.waiting).toEqual({ mean: 1.5, max: 3 });
    expect(e.preemptions).toBe(3);
    expect(e.replicas[0]).toMatchObject({ requests: 20, promptTokens: 2000, generationTokens: 400 });
    expect(e.kvTier).toBeNull();
  });

  it("AIBrix's KV-cache build: the cache manager's fetched / asked tokens over get-like ops (not its layers'), beside V0's figures", () => {
    const e = deriveEvidence(evidence([pages("aibrix-kvcache-v0.8.5.prom")]));
    expect(e.metricSet).toBe("vllm-v0");
    expect(e.prefixCacheHitRate!.value).toBeCloseTo(0.65, 10);
    // (1400 − 200) / (3000 − 1000) of cache_type="cachemgr"; the put ops' tokens are not asked-for tokens, and the
    // l1cache layer's own acquire series (the same tokens again) are not added to the manager's.
    expect(e.kvTier).toEqual({ name: "AIBrix KV cache", hitTokens: 1200, requestedTokens: 2000, hitRate: 0.6 });
  });

  it("llm-d-inference-sim (rehearsals): its Go counters without `_total`, differenced, exact", () => {
    const e = deriveEvidence(evidence([pages("llm-d-inference-sim-v0.10.2.prom")]));
    expect(e.metricSet).toBe("llm-d-inference-sim");
    // (1600 − 100) / (3000 − 1000)
    expect(e.prefixCacheHitRate).toEqual({ value: 0.75, exact: true });
    expect(e.kvCacheUsage!.max).toBe(0.3);
    expect(e.replicas[0]).toMatchObject({ requests: 20, promptTokens: 2000, generationTokens: 200 });
  });

  it("vLLM v0.8.5 V1: block counters differenced, marked approximate (a block rate)", () => {
    const e = deriveEvidence(evidence([pages("vllm-v0.8.5-v1.prom")]));
    expect(e.metricSet).toBe("vllm-v1-blocks");
    expect(e.prefixCacheHitRate).toEqual({ value: 0.6, exact: false });
    expect(e.kvCacheUsage!.max).toBe(0.4);
    expect(e.preemptions).toBe(1);
    expect(e.replicas[0].requests).toBe(10);
  });

  it("vLLM v0.10.2: the 0.9.2+ token counters (both names exported), kv_cache_usage_perc, exact", () => {
    const e = deriveEvidence(evidence([pages("vllm-v0.10.2.prom")]));
    expect(e.metricSet).toBe("vllm-v1");
    expect(e.prefixCacheHitRate).toEqual({ value: 0.75, exact: true });
    expect(e.kvCacheUsage).toEqual({ mean: 0.25, max: 0.5 });
    // Summed over finished_reason (stop, length, abort) and differenced.
    expect(e.replicas[0].requests).toBe(3);
  });

  it("LMCache's build: the KV tier's own token counters beside vLLM's", () => {
    const e = deriveEvidence(evidence([pages("lmcache-v0.3.9post2.prom")]));
    expect(e.prefixCacheHitRate).toEqual({ value: 0.1, exact: true });
    expect(e.kvTier).toEqual({ name: "LMCache", hitTokens: 600, requestedTokens: 900, hitRate: 600 / 900 });
  });
});

describe("evidence across replicas and samples", () => {
  const v10 = pages("vllm-v0.10.2.prom");
  const scaled = (text: string, factor: number) => text.replace(/^(vllm:request_success_total\{[^}]*\}) ([\d.]+)$/gm, (_m, head: string, v: string) => `${head} ${Number(v) * factor}`);

  it("requests and tokens per replica with the imbalance max / mean, and the fleet hit rate weighted by queries", () => {
    const e = deriveEvidence(evidence([v10, { start: scaled(v10.start, 3), end: scaled(v10.end, 3) }]));
    expect(e.replicas.map((r) => r.requests)).toEqual([3, 9]);
    expect(e.requestImbalance).toBe(1.5);
    expect(e.tokenImbalance).toBe(1);
    expect(e.prefixCacheHitRate!.value).toBe(0.75);
  });

  it("gauges are sampled in between: a spike seen only mid-point is the max", () => {
    const during = v10.end.replace(/^(vllm:num_requests_waiting\{[^}]*\}) [\d.]+$/m, "$1 40.0");
    const e = deriveEvidence(evidence([{ ...v10, during }]));
    expect(e.waiting!.max).toBe(40);
    expect(e.waiting!.mean).toBeCloseTo((0 + 40 + 1) / 3, 10);
  });

  it("a counter that went down (a restarted engine) is left out with a note, never a negative count", () => {
    const e = deriveEvidence(evidence([{ start: v10.end, end: v10.start }]));
    expect(e.replicas[0].requests).toBeNull();
    expect(e.prefixCacheHitRate).toBeNull();
    expect(e.notes.join("\n")).toMatch(/went down during the point \(the engine restarted\?\)/);
  });

  it("an engine whose every scrape failed is named; a saturated client is flagged", () => {
    const file = evidence([v10], { cpuSeconds: 110, wallSeconds: 30, cpuLimitCores: 4 });
    file.targets.push({ name: "vllm-9", role: "engine", url: null });
    file.snapshots.push({ target: "vllm-9", phase: "start", at: 100, error: "the pod has no IP yet" });
    const e = deriveEvidence(file);
    expect(e.notes).toContain("vllm-9: every scrape failed (the pod has no IP yet)");
    expect(e.requestImbalance).toBeNull();
    expect(e.client).toMatchObject({ saturated: true, limitCores: 4 });
    expect(e.client!.cores).toBeCloseTo(110 / 30, 10);
    expect(e.notes.join("\n")).toMatch(/the benchmark pod used 3\.67 of its 4 CPU cores/);
  });

  it("reads a run folder's evidence files back, with the engine facts of its run.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-evidence-run-"));
    writeFileSync(join(dir, "exp_evidence_qps-1.json"), JSON.stringify(evidence([v10])));
    writeFileSync(join(dir, "exp_output_1.csv"), "not read here\n");
    const facts = parseEngineStartup("INFO 09-10 [api_server.py:1] vLLM API server version 0.10.2\nINFO [core.py:1] Initializing a V1 LLM engine (v0.10.2) with config: kv_cache_dtype=auto, x\nINFO [cuda.py:1] Using Flash Attention backend on V1 engine.");
    writeFileSync(join(dir, "run.json"), JSON.stringify({ stack: "exp", runId: "r1", status: "collected", engine: { pod: "vllm-0", facts, reason: null } }));
    const [e] = readRunEvidence(dir);
    expect(e.prefixCacheHitRate).toEqual({ value: 0.75, exact: true });
    expect(e.engine).toEqual({ vllmVersion: "0.10.2", engine: "V1", attentionBackend: "FLASH_ATTN", kvCacheDtype: "auto" });
  });

  it("refuses a file that is not servelab evidence, naming it", () => {
    expect(() => parseEvidenceFile('{"experiment": "x"}', "results/x_evidence_a.json")).toThrow(/results\/x_evidence_a\.json: not a servelab evidence file/);
  });

  it("carries the repeat a file belongs to (benchmark.repeats), absent for the first, and refuses a repeat that is no run number", () => {
    expect(deriveEvidence({ ...evidence([v10]), repeat: 2 }).repeat).toBe(2);
    expect("repeat" in deriveEvidence({ ...evidence([v10]), repeat: 1 })).toBe(false);
    expect(() => parseEvidenceFile(JSON.stringify({ ...evidence([v10]), repeat: 0 }), "x_repeat0_evidence_a.json")).toThrow(/x_repeat0_evidence_a\.json: "repeat" must be a whole number >= 1, got 0/);
  });
});

describe("metric name table", () => {
  it("covers every engine build servelab pins, and says which figures are exact", () => {
    const builds = METRIC_NAME_SETS.map((s) => s.builds).join("\n");
    for (const image of [IMAGES.vllm, IMAGES.kubeaiVllm, IMAGES.aibrixKvcacheVllm.replace(/-\d+$/, "")]) expect(builds).toContain(image);
    expect(builds).toContain(IMAGES.lmcacheVllm.split(":")[0]);
    for (const set of METRIC_NAME_SETS) {
      expect(new Set(set.rows.map((r) => r.quantity)).size).toBe(set.rows.length);
      for (const r of set.rows) expect(r.names.length).toBeGreaterThan(0);
    }
    const hit = (id: string) => METRIC_NAME_SETS.find((s) => s.id === id)!.rows.find((r) => r.quantity === "prefixCacheHitRate")!;
    expect([hit("vllm-v0").exact, hit("vllm-v1-blocks").exact, hit("vllm-v1").exact]).toEqual([false, false, true]);
    expect(hit("vllm-v0").how).toMatch(/lifetime/);
  });
});
