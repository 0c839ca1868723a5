/**
 * `npm run report -- --format br`: one llm-d Benchmark Report v0.2.1 document per load point (and per repeat),
 * the format llm-d-benchmark writes (llm-d/llm-d-benchmark@8bc9f1dd llmdbenchmark/analysis/benchmark_report/
 * schema_v0_2_1.py; its JSON schema is carried in test/data/upstream/llm-d-benchmark/ and every export is
 * validated against it in test/report-benchmarkReport.test.ts).
 *
 * Mapping: latencies are Statistics in ms (mean, p50 = median, p90, p99), throughput in queries/s and tokens/s;
 * `scenario.stack` holds the vLLM engine (inference_engine), and as `generic` components the router, the
 * KV-cache tier and the cluster with the run's cost; `scenario.load` is the harness and the point. Goodput has
 * no field in the schema, so it goes under `results.observability.servelab_goodput` (observability is the
 * schema's open object, where llm-d-benchmark also puts its own per-metric entries). Raw harness output
 * (no run folder) exports the measurements only: the stack is unknown.
 */
import { createHash } from "node:crypto";
import { Latency, PointRecord } from "../parsers/record";
import { ExperimentRun, ReadResult } from "../results/readResults";
import { EngineRecord } from "../results/engineStartup";
import { PointEvidence } from "../evidence/types";
import { evidenceObservability } from "./brObservability";
import { CostRow, costRows } from "./cost";

export const BR_VERSION = "0.2.1";

type Json = Record<string, unknown>;

const id = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);

/** A Statistics object, or undefined when the harness did not report a mean. */
function stats(latency: Latency, units: string): Json | undefined {
  if (latency.mean === null) return undefined;
  const s: Json = { units, mean: latency.mean };
  if (latency.median !== null) s.p50 = latency.median;
  if (latency.p90 !== null) s.p90 = latency.p90;
  if (latency.p99 !== null) s.p99 = latency.p99;
  return s;
}

const rate = (value: number | null, units: string): Json | undefined => (value === null || !Number.isFinite(value) ? undefined : { units, mean: value });

/** Drops undefined members, so optional fields are absent rather than null. */
function compact(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function isoDuration(seconds: number | null): string | undefined {
  return seconds === null ? undefined : `PT${Number(seconds.toFixed(3))}S`;
}

function requestPerformance(r: PointRecord): Json {
  const total = r.requests.completed + (r.requests.failed ?? 0) + (r.requests.cancelled ?? 0);
  const input = r.throughput.totalTokensPerS !== null && r.throughput.outputTokensPerS !== null ? r.throughput.totalTokensPerS - r.throughput.outputTokensPerS : null;
  return {
    aggregate: compact({
      requests: compact({ total, failures: r.requests.failed ?? undefined, incomplete: r.requests.cancelled }),
      latency: compact({
        time_to_first_token: stats(r.ttftMs, "ms"),
        time_per_output_token: stats(r.tpotMs, "ms/token"),
        inter_token_latency: stats(r.itlMs, "ms/token"),
        request_latency: stats(r.e2eMs, "ms"),
      }),
      throughput: compact({
        request_rate: rate(r.throughput.requestsPerS, "queries/s"),
        output_token_rate: rate(r.throughput.outputTokensPerS, "tokens/s"),
        total_token_rate: rate(r.throughput.totalTokensPerS, "tokens/s"),
        input_token_rate: rate(input, "tokens/s"),
      }),
    }),
  };
}

function engineComponent(run: ExperimentRun, engine: EngineRecord | null): Json | undefined {
  const { config, gpus } = run.plan ?? { config: {} };
  const e = config.engine;
  const model = config.model?.name;
  if (!e || !model) return undefined;
  const tp = typeof e.tensorParallel === "number" ? e.tensorParallel : 1;
  const replicas = typeof e.replicas === "number" && e.replicas >= 1 ? e.replicas : 1;
  const reported = engine?.facts?.vllmVersion;
  return {
    metadata: { schema_version: "0.0.1", label: "vllm", cfg_id: id(e), description: `vLLM engines of ${run.experiment}${reported ? ` (reported v${reported} at start-up)` : ""}` },
    standardized: {
      kind: "inference_engine",
      tool: "vllm",
      tool_version: typeof e.image === "string" ? e.image : (reported ?? "unknown"),
      role: "replica",
      replicas,
      model: { name: model },
      accelerator: { model: gpus?.type ?? "unknown", count: tp, parallelism: { tp } },
    },
    native: { args: { extraArgs: e.extraArgs ?? [] }, envars: (e.env as Json | undefined) ?? {}, config: e },
  };
}

function genericComponent(label: string, tool: string, toolVersion: string, description: string, extra: Json, config: unknown): Json {
  return {
    metadata: { schema_version: "0.0.1", label, cfg_id: id(config), description },
    standardized: { kind: "generic", tool, tool_version: toolVersion, ...extra },
    native: { config },
  };
}

function costFields(cost: CostRow | undefined): Json {
  if (!cost) return {};
  return compact({
    usd_per_hour: cost.usdPerHour ?? undefined,
    price_source: cost.priceSource,
    shared_cluster: cost.sharedCluster ?? undefined,
    run_wall_hours: cost.wallHours ?? undefined,
    usd_per_run: cost.usd ?? undefined,
    gpu_hours: cost.gpuHours ?? undefined,
    usd_per_million_output_tokens: cost.usdPerMillionOutputTokens ?? undefined,
    cost_rule: "the run's wall time from pulumi up to pulumi destroy × the stack's $/hour (a shared cluster's $/hour for rows on one)",
  });
}

function stack(run: ExperimentRun, engine: EngineRecord | null, cost: CostRow | undefined): Json[] {
  const { config } = run.plan ?? { config: {} };
  const out: Json[] = [];
  const e = engineComponent(run, engine);
  if (e) out.push(e);
  const router = config.router;
  if (router) {
    const kind = String(router.kind ?? "unknown");
    out.push(genericComponent("router", kind, String(router.version ?? router.chartVersion ?? "pinned by servelab"), `servelab router ${kind}`, { kind_draft: "router", routing: router.routing ?? null }, router));
  }
  const kv = config.kvCache;
  if (kv) {
    const tier = String(kv.tier ?? "none");
    out.push(genericComponent("kv-cache", tier, "pinned by servelab", `servelab KV-cache tier ${tier}`, { kind_draft: "kv_cache_tier" }, kv));
  }
  const cluster = (config as Json).cluster as Json | undefined;
  if (cluster || cost) {
    const provider = String(cluster?.provider ?? "unknown");
    out.push(genericComponent("cluster", provider, "n/a", `the cluster ${run.experiment} ran on, with the run's cost`, { kind_draft: "cluster", ...costFields(cost) }, cluster ?? null));
  }
  return out;
}

function loadOf(r: PointRecord, run: ExperimentRun | null): Json | undefined {
  const requestsPerS = r.throughput.requestsPerS;
  const input = r.throughput.totalTokensPerS !== null && r.throughput.outputTokensPerS !== null && requestsPerS ? (r.throughput.totalTokensPerS - r.throughput.outputTokensPerS) / requestsPerS : null;
  const output = r.throughput.outputTokensPerS !== null && requestsPerS ? r.throughput.outputTokensPerS / requestsPerS : null;
  if (input === null) return undefined;
  const benchmark = run?.plan?.config.benchmark;
  const qps = typeof r.load.qps === "number" ? r.load.qps : typeof r.load.requestRate === "number" ? r.load.requestRate : undefined;
  const concurrency = typeof r.load.maxConcurrency === "number" ? r.load.maxConcurrency : typeof r.load.vus === "number" ? r.load.vus : undefined;
  const dataset = typeof benchmark?.dataset === "string" ? benchmark.dataset : null;
  const source = r.harness === "multi-round-qa" || dataset === "random" ? "random" : dataset || r.harness.startsWith("kubeai") ? "sampled" : "unknown";
  const rounds = typeof benchmark?.rounds === "number" ? benchmark.rounds : null;
  return {
    metadata: { schema_version: "0.0.1", cfg_id: id(benchmark ?? r.harness), description: `${r.harness} at ${JSON.stringify(r.load)}; sequence lengths are the measured means per completed request` },
    standardized: compact({
      tool: r.harness,
      tool_version: typeof benchmark?.image === "string" ? benchmark.image : "unknown",
      source,
      input_seq_len: { distribution: "other", value: Math.round(input) },
      output_seq_len: output === null ? undefined : { distribution: "other", value: Math.round(output) },
      multi_turn: r.harness === "multi-round-qa" ? compact({ enabled: true, max_turns: rounds !== null ? { distribution: "fixed", value: rounds } : undefined }) : undefined,
      rate_qps: qps !== undefined && qps > 0 ? qps : undefined,
      concurrency,
    }),
    native: { config: { load: r.load, benchmark: benchmark ?? null } },
  };
}

/** Goodput, and the evidence scraped during the point when the run collected it (benchmarks/evidence/, record.evidence). */
function observability(r: PointRecord, evidence: PointEvidence | undefined): Json | undefined {
  const fromEvidence = evidence ? evidenceObservability(evidence) : {};
  if (!r.goodput) return Object.keys(fromEvidence).length > 0 ? fromEvidence : undefined;
  const g = r.goodput;
  return {
    ...fromEvidence,
    servelab_goodput: compact({
      slo: g.slo ?? undefined,
      statistics: g.requestsPerS === null ? undefined : { units: "queries/s", mean: g.requestsPerS },
      requests_met: g.met ?? undefined,
      counted_from: g.from ?? undefined,
      note: g.note,
    }),
  };
}

export interface ExportedReport {
  /** File name: <experiment>[_repeat<k>]_<load>.br.json */
  name: string;
  report: Json;
}

const slug = (load: PointRecord["load"]) =>
  Object.keys(load)
    .sort()
    .map((k) => `${k}-${load[k]}`)
    .join("_")
    .replace(/[^A-Za-z0-9._-]/g, "-");

/** One Benchmark Report per record (every repeat is its own measurement). */
export function benchmarkReports(result: ReadResult): ExportedReport[] {
  const runs = result.runs ?? [];
  const costs = costRows(runs, result.records);
  return result.records.map((r) => {
    const run = runs.find((x) => x.experiment === r.experiment) ?? null;
    const engine = result.engines?.find((x) => x.experiment === r.experiment)?.record ?? null;
    const cost = costs.find((c) => c.experiment === r.experiment);
    const repeat = r.repeat ?? 1;
    const keywords = ["servelab", r.harness];
    const routerKind = run?.plan?.config.router?.kind;
    const tier = run?.plan?.config.kvCache?.tier;
    if (typeof routerKind === "string") keywords.push(`router:${routerKind}`);
    if (typeof tier === "string") keywords.push(`kv-cache:${tier}`);
    const load = loadOf(r, run);
    const components = run ? stack(run, engine, cost) : [];
    const scenario = compact({ stack: components.length > 0 ? components : undefined, load });
    const obs = observability(r, r.evidence);
    const report: Json = {
      version: BR_VERSION,
      run: compact({
        uid: id([r.experiment, run?.info?.runId ?? r.source, r.load, repeat]),
        eid: id(r.experiment),
        time: compact({ duration: isoDuration(r.durationS) }),
        description: `servelab experiment ${r.experiment}${run?.info ? ` (run ${run.info.runId})` : ""}, load point ${JSON.stringify(r.load)}${r.repeat ? `, repeat ${repeat}` : ""}; read from ${r.source}`,
        keywords,
      }),
      ...(Object.keys(scenario).length > 0 ? { scenario } : {}),
      results: compact({ request_performance: requestPerformance(r), observability: obs }),
    };
    return { name: `${r.experiment}${r.repeat ? `_repeat${repeat}` : ""}_${slug(r.load)}.br.json`, report };
  });
}
