/**
 * Rehearsals: run a row on a laptop cluster (kind, minikube) with llm-d's vLLM simulator as its engines, composed
 * from the row's own stack file, which is not edited. A rehearsal is a stack file with two keys:
 *
 *   servelab:rehearsal: { row: <row>, loadScale: 0.05, ... }   (config/schema.ts rehearsalSchema)
 *   servelab:cluster:   { provider: kubeconfig, kubeconfig: ~/.kube/config, context: kind-servelab }
 *
 * The program reads the row's stack file (stacks/Pulumi.<row>.yaml), checks it with every rule a row gets, asks the
 * registries whether its router, KV tier and harness can be rehearsed (validate.ts rehearsalRefusals), and applies
 * the overrides REHEARSAL_DIFFERENCES lists; nothing else differs (test/rehearsal.test.ts diffs the two plans).
 * Kept in its own module so it can join a general mechanism for stacks composed from other stack files.
 */
import { NAMESPACE, servelabValues } from "../config/load";
import { parseValue } from "../config/parse";
import { ConfigError, ConfigProblem } from "../config/problems";
import { ExperimentConfig, KubeconfigClusterConfig, RehearsalClusterConfig, RehearsalConfig, rehearsalClusterSchema, rehearsalSchema } from "../config/schema";
import { rehearsalBenchmark } from "../benchmark/harnesses";
import { STACKS_DIR, StackFileError, readStackConfig } from "../plan/stackFile";
import { clusterStackFiles, parseExperimentConfig, rehearsalRefusals } from "../validate";

/** The servelab:* keys a rehearsal file sets; everything else comes from the row. */
export const REHEARSAL_KEYS = ["rehearsal", "cluster"] as const;

/** What a rehearsal changes in its row, in the words the README uses; the plan diff test allows exactly these. */
export const REHEARSAL_DIFFERENCES = [
  "cluster: the rehearsal's kubeconfig cluster (its imageRegistry, if any); no GPU pool, node selector or toleration",
  "engines: ghcr.io/llm-d/llm-d-inference-sim at the pinned tag with arguments from the engine spec, CPU-sized requests, no GPU, no weights download, copy or weights cache (its init container and node volume)",
  "benchmark: the row's harness and driver with counts and durations × loadScale (rates unchanged), the Job sized by rehearsal.benchmarkCpu/benchmarkMemory; where the load generator loads a tokenizer, offline_tokenizer.py writes one that needs no download first",
  "llm-d: the endpoint picker reads the simulator's metric names (vllm:kv_cache_usage_perc)",
  "no Hugging Face token Secret, no weights credentials Secret, no results bucket: results come back through the Job log's markers",
  "benchmark.pipIndexUrl: rehearsal.pipIndexUrl when set (a row's cloud-internal mirror may be out of a laptop's reach)",
] as const;

/** The rows' folder the program reads a rehearsal's row from (the offline plan points it at its --stacks-dir). */
let rowsDir = STACKS_DIR;

/** Runs `fn` with rows read from `dir` (the offline plan's stacks folder). */
export async function withRowsDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = rowsDir;
  rowsDir = dir;
  try {
    return await fn();
  } finally {
    rowsDir = before;
  }
}

function readRowValues(row: string): Record<string, string> {
  return readStackConfig(row, rowsDir).values;
}

/** The row's config (every rule a row gets), or its problems named as the row's. */
function rowConfig(row: string, values: Record<string, string>, dir: string, out: ConfigProblem[]): ExperimentConfig | undefined {
  const raw = servelabValues(values);
  if (raw.rehearsal !== undefined) {
    out.push({ path: "servelab:rehearsal.row", message: `"${row}" is itself a rehearsal (it sets servelab:rehearsal); name the row it rehearses` });
    return undefined;
  }
  try {
    // A row on a cluster stack is checked against that stack's file, as the offline plan checks it.
    return parseExperimentConfig(raw, clusterStackFiles(dir));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) out.push({ path: "servelab:rehearsal.row", message: `"${row}" is refused as a row: ${p.path}: ${p.message}` });
    return undefined;
  }
}

/** The cluster a rehearsal runs on, as a kubeconfig cluster with no GPU pool (plan.gpus shows 0). */
export function rehearsalCluster(cluster: RehearsalClusterConfig): KubeconfigClusterConfig {
  return {
    ...cluster,
    gpu: { type: "none (rehearsal)", perNode: 0, nodes: 0 },
    gpuNodeSelector: {},
    gpuTolerations: [],
    rdma: false,
  };
}

/** The rehearsal's config from an accepted row (pure): REHEARSAL_DIFFERENCES applied, nothing else changed. */
export function rehearsalConfig(row: ExperimentConfig, rehearsal: RehearsalConfig, cluster: RehearsalClusterConfig): ExperimentConfig {
  const { weights: _weights, ...model } = row.model;
  // The row's cluster stack, if any, is not where a rehearsal runs.
  const { clusterStack: _clusterStack, ...rowRest } = row;
  const scaled = row.benchmark ? rehearsalBenchmark(row.benchmark, rehearsal.loadScale).benchmark : undefined;
  const pipIndexUrl = rehearsal.pipIndexUrl === undefined ? scaled?.pipIndexUrl : rehearsal.pipIndexUrl === "pypi" ? undefined : rehearsal.pipIndexUrl;
  const benchmark = scaled ? { ...scaled, cpu: rehearsal.benchmarkCpu, memory: rehearsal.benchmarkMemory, pipIndexUrl } : undefined;
  return { ...rowRest, cluster: rehearsalCluster(cluster), model, benchmark, results: {}, rehearsal };
}

const CLUSTER_EXAMPLE = "{ provider: kubeconfig, kubeconfig: ~/.kube/config, context: kind-servelab }";

function rehearsalClusterOf(raw: unknown, problems: ConfigProblem[]): RehearsalClusterConfig | undefined {
  if (raw === undefined) {
    problems.push({ path: "servelab:cluster", message: `is required: the cluster the rehearsal runs on, reached through a kubeconfig, e.g. ${CLUSTER_EXAMPLE}` });
    return undefined;
  }
  const provider = raw && typeof raw === "object" ? (raw as Record<string, unknown>).provider : undefined;
  if (provider !== "kubeconfig") {
    problems.push({ path: "servelab:cluster.provider", message: `${JSON.stringify(provider ?? null)}: a rehearsal runs on an existing cluster (kind, minikube) reached through a kubeconfig: provider must be kubeconfig, e.g. ${CLUSTER_EXAMPLE}` });
    return undefined;
  }
  return parseValue(rehearsalClusterSchema, "cluster", raw, problems);
}

/**
 * A rehearsal file's raw servelab values -> the rehearsal's config, reading the row through `readRow`; throws one
 * ConfigError with every problem (of the rehearsal file, of the row, and the refusals of the row's components).
 */
export function composeRehearsal(
  raw: Record<string, unknown>,
  readRow: (row: string) => Record<string, string> = readRowValues,
  dir: string = rowsDir,
): { config: ExperimentConfig; row: ExperimentConfig } {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!(REHEARSAL_KEYS as readonly string[]).includes(key)) {
      problems.push({ path: `${NAMESPACE}:${key}`, message: `a rehearsal sets only servelab:rehearsal and servelab:cluster; every other setting comes from its row (servelab:rehearsal.row): remove it here` });
    }
  }
  const rehearsal = parseValue(rehearsalSchema, "rehearsal", raw.rehearsal, problems);
  const cluster = rehearsalClusterOf(raw.cluster, problems);
  let row: ExperimentConfig | undefined;
  if (rehearsal) {
    try {
      row = rowConfig(rehearsal.row, readRow(rehearsal.row), dir, problems);
    } catch (err) {
      if (!(err instanceof StackFileError)) throw err;
      problems.push({ path: "servelab:rehearsal.row", message: err.message });
    }
    if (row) problems.push(...rehearsalRefusals(row, rehearsal.row));
  }
  if (problems.length > 0 || !rehearsal || !cluster || !row) throw new ConfigError(problems);
  return { config: rehearsalConfig(row, rehearsal, cluster), row };
}
