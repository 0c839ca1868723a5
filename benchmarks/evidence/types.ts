/**
 * Server-side evidence of one load point: the raw file the benchmark Job writes
 * (benchmarks/scripts/servelab_evidence.py, `<experiment>[_repeat<k>]_evidence_<label>.json`) and what servelab derives from it.
 * Exported for other readers (the Benchmark Report export puts PointEvidence in its observability section).
 */
import { Load } from "../parsers/record";
import type { EngineStartup } from "../results/engineStartup";

/** One scrape of one target. */
export interface Snapshot {
  target: string;
  phase: "start" | "during" | "end";
  /** Unix seconds. */
  at: number;
  /** The page; "during" pages lack histogram buckets and HELP lines. */
  text?: string;
  error?: string;
}

export interface ScrapeTarget {
  name: string;
  role: "engine" | "router";
  url: string | null;
  pod?: string;
  node?: string | null;
  restarts?: number;
  images?: Array<{ container: string | null; image: string | null; imageID: string | null }>;
}

/** The raw file, as written by the Job (format version 1). */
export interface EvidenceFile {
  servelabEvidence: 1;
  experiment: string;
  label: string;
  load: Load;
  /** Which run of the sweep (benchmark.repeats), 1-based; absent in files written before repeats. */
  repeat?: number;
  startedAt: number;
  finishedAt: number;
  /** Seconds between in-between scrapes when the point ended (doubled from the configured one past the budget). */
  intervalSeconds: number;
  /** What the Job was told about the serving stack (router, KV tier, engine image). */
  serving?: Record<string, string>;
  discovery: { engineSelector: string | null; enginePort: number; notes: string[] };
  targets: ScrapeTarget[];
  snapshots: Snapshot[];
  client: { cpuSeconds: number; cpuSource: string; wallSeconds: number; cpuLimitCores: number | null };
}

/** A derived number and whether it is exact (see benchmarks/evidence/metricNames.ts for each row's reason). */
export interface Figure {
  value: number;
  exact: boolean;
}

export interface MeanMax {
  mean: number;
  max: number;
}

export interface ReplicaEvidence {
  name: string;
  node: string | null;
  /** Finished requests in the point (vllm:request_success_total difference). */
  requests: number | null;
  promptTokens: number | null;
  generationTokens: number | null;
  prefixCacheHitRate: number | null;
  /** Container image digests the pod status reported (imageID). */
  imageIds: string[];
}

export interface RouterEvidence {
  name: string;
  scrapes: number;
  failed: number;
  /** The last error when every scrape failed. */
  error: string | null;
}

export interface ClientCpu {
  cpuSeconds: number;
  wallSeconds: number;
  /** cpuSeconds / wallSeconds. */
  cores: number;
  limitCores: number | null;
  /** Used at least 90 % of its CPU limit: the load generator itself may have shaped the latencies. */
  saturated: boolean;
  source: string;
}

export interface PointEvidence {
  experiment: string;
  label: string;
  load: Load;
  /** With benchmark.repeats: the repeat the point belongs to, as PointRecord.repeat (absent for the first). */
  repeat?: number;
  durationS: number;
  /** metricNames.ts set the engines' pages matched ("vllm-v1", ...), null without any engine page. */
  metricSet: string | null;
  prefixCacheHitRate: Figure | null;
  kvCacheUsage: MeanMax | null;
  /** Per replica, over the samples of the point. */
  running: MeanMax | null;
  waiting: MeanMax | null;
  preemptions: number | null;
  replicas: ReplicaEvidence[];
  /** max / mean of the replicas' finished requests (1 = even). */
  requestImbalance: number | null;
  tokenImbalance: number | null;
  /** The KV tier's own counters (LMCache), when exposed. */
  kvTier: { name: string; hitTokens: number; requestedTokens: number; hitRate: number | null } | null;
  routers: RouterEvidence[];
  client: ClientCpu | null;
  serving: Record<string, string>;
  /** What one engine pod logged at start-up (the run folder's run.json), when the run recorded it. */
  engine?: Pick<EngineStartup, "vllmVersion" | "engine" | "attentionBackend" | "kvCacheDtype"> | null;
  notes: string[];
}
