/**
 * Collecting a finished experiment's raw results: first from its benchmark pod's log (the markers of
 * benchmarks/results/logMarkers.ts, so no bucket is needed), then from the results bucket when the log
 * is incomplete or unreadable. Then, never failing the collect, the start-up facts of one engine pod
 * (benchmarks/results/engineStartup.ts), found by the stack's engineSelector and engineContainer outputs.
 */
import { parseJsonText } from "../parsers/jsonText";
import { EngineRecord, engineRecordFromLog } from "../results/engineStartup";
import { LogResults, ResultFile, parseLogResults } from "../results/logMarkers";
import { RUN_FILES } from "../results/runFolder";
import { WeightsCacheOutcome, weightsCacheOutcome } from "../results/weightsCacheLog";
import { fetchBucketResults } from "./bucketResults";
import { StackOutputs } from "./driver";
import { EnginePodLog, enginePodLog } from "./enginePodLog";
import { jobPodLog } from "./jobPodLog";
import { KubeClient } from "./kubeApi";

export interface Collected {
  files: ResultFile[];
  /** The Job's verdict: the log's run-end status, or from the manifest's failures for a bucket copy. */
  status: "ok" | "failed";
  source: "pod-log" | "bucket";
  /** The pod log, kept beside the results when it was readable. */
  log?: string;
  /** What one engine reported at start-up, or why that is unknown. */
  engine?: EngineRecord;
  /** The start of that engine's log, kept for diagnosis. */
  engineLog?: string;
}

export interface ResultsCollector {
  collect(stack: string, outputs: StackOutputs, options: { since: Date; signal?: AbortSignal }): Promise<Collected>;
}

export class CollectError extends Error {
  constructor(
    message: string,
    /** The pod log when one was read, to keep for diagnosis. */
    readonly log?: string,
  ) {
    super(message);
    this.name = "CollectError";
  }
}

/** How to reach the cluster: the stack's kubeconfig output, read through its kubeContext output when there is one. */
export interface KubeAccess {
  kubeconfig: string;
  context?: string;
}

export interface CollectSources {
  podLog(access: KubeAccess, namespace: string, job: string, signal?: AbortSignal): Promise<string>;
  bucket(location: string, since: Date): Promise<ResultFile[]>;
  engineLog(access: KubeAccess, namespace: string, selector: string, container: string, signal?: AbortSignal): Promise<EnginePodLog>;
}

const client = (access: KubeAccess) => KubeClient.fromKubeconfig(access.kubeconfig, undefined, access.context);

export const liveSources: CollectSources = {
  async podLog(access, namespace, job, signal) {
    return (await jobPodLog(await client(access), namespace, job, signal)).log;
  },
  async bucket(location, since) {
    return (await fetchBucketResults(location, since)).files;
  },
  async engineLog(access, namespace, selector, container, signal) {
    return enginePodLog(await client(access), namespace, selector, container, signal);
  },
};

const access = (outputs: StackOutputs): KubeAccess => ({ kubeconfig: outputs.kubeconfig!, context: outputs.kubeContext });

function manifestStatus(files: ResultFile[], source: string): "ok" | "failed" {
  const manifest = files.find((f) => f.name === RUN_FILES.manifest);
  if (!manifest) throw new CollectError(`${source}: no ${RUN_FILES.manifest} among the results`);
  const value = parseJsonText(manifest.content.toString("utf8"), `${source}/${RUN_FILES.manifest}`) as { failures?: unknown[] };
  return Array.isArray(value.failures) && value.failures.length > 0 ? "failed" : "ok";
}

export class LogOrBucketCollector implements ResultsCollector {
  constructor(private readonly sources: CollectSources = liveSources) {}

  async collect(stack: string, outputs: StackOutputs, options: { since: Date; signal?: AbortSignal }): Promise<Collected> {
    const results = await this.results(stack, outputs, options);
    return { ...results, ...(await this.engine(outputs, options.signal)) };
  }

  /** Never throws: an engine whose start-up cannot be read is recorded as unknown, with the reason. */
  private async engine(outputs: StackOutputs, signal?: AbortSignal): Promise<{ engine: EngineRecord; engineLog?: string }> {
    const { kubeconfig, namespace, engineSelector, engineContainer } = outputs;
    if (!kubeconfig || !namespace || !engineSelector || !engineContainer) {
      return { engine: { pod: null, facts: null, reason: "the stack lacks the kubeconfig, namespace, engineSelector or engineContainer output (a stack from before they existed?)" } };
    }
    try {
      const { pod, log } = await this.sources.engineLog(access(outputs), namespace, engineSelector, engineContainer, signal);
      const engine = engineRecordFromLog(pod, log);
      if (outputs.weightsCacheContainer) engine.weightsCache = await this.weightsCache(outputs, signal);
      return { engine, engineLog: log };
    } catch (err) {
      return { engine: { pod: null, facts: null, reason: `engine log (${engineSelector}, container ${engineContainer}): ${(err as Error).message}` } };
    }
  }

  /** Never throws: an unreadable init-container log is "unknown". */
  private async weightsCache(outputs: StackOutputs, signal?: AbortSignal): Promise<WeightsCacheOutcome> {
    try {
      const { log } = await this.sources.engineLog(access(outputs), outputs.namespace!, outputs.engineSelector!, outputs.weightsCacheContainer!, signal);
      return weightsCacheOutcome(log);
    } catch {
      return "unknown";
    }
  }

  private async results(stack: string, outputs: StackOutputs, options: { since: Date; signal?: AbortSignal }): Promise<Collected> {
    const problems: string[] = [];
    let log: string | undefined;
    const { kubeconfig, namespace, benchmarkJobName } = outputs;
    if (kubeconfig && namespace && benchmarkJobName) {
      const where = `pod log of Job ${namespace}/${benchmarkJobName}`;
      try {
        log = await this.sources.podLog(access(outputs), namespace, benchmarkJobName, options.signal);
        const parsed: LogResults = parseLogResults(log, where);
        if (parsed.status !== null && parsed.files.length > 0) return { files: parsed.files, status: parsed.status, source: "pod-log", log };
        problems.push(`${where}: ${parsed.status === null ? "no run-end marker (the Job was cut off, or the log was rotated)" : "no result files"}`);
      } catch (err) {
        problems.push((err as Error).message);
      }
    } else {
      problems.push(`stack ${stack} lacks the kubeconfig, namespace or benchmarkJobName output`);
    }
    if (outputs.resultsLocation) {
      try {
        const files = await this.sources.bucket(outputs.resultsLocation, options.since);
        return { files, status: manifestStatus(files, outputs.resultsLocation), source: "bucket", ...(log !== undefined ? { log } : {}) };
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    throw new CollectError(`no results for ${stack}: ${problems.join("; ")}`, log);
  }
}
