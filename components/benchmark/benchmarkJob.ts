import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Placement } from "../cluster/types";
import { BenchmarkConfig } from "../config/schema";
import type { ResultsAccess } from "../results/access";
import { ServingStack } from "../serving/types";
import { withDriverArgs } from "./harness";
import { harnessRun } from "./harnesses";
import { benchmarkJob, benchmarkServiceAccount, podReaderBinding, podReaderRole, scriptsConfigMap } from "./jobManifest";
import { benchmarkScripts } from "./scripts";

export interface BenchmarkJobArgs {
  experiment: string;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  benchmark: BenchmarkConfig;
  serving: ServingStack;
  placement: Placement;
  tokenizer: string;
  /** Rehearsals: the folder the driver writes a tokenizer into that needs no download (benchmark/harness.ts). */
  offlineTokenizer?: string;
  bucket?: string;
  resultsAccess?: ResultsAccess;
  imageRegistry?: string;
  hfTokenSecret?: pulumi.Input<string>;
  /** Env of the model's weights source the clients need too (HF_ENDPOINT for tokenizer downloads through a mirror). */
  env?: Record<string, string>;
  /** Driver arguments that make it scrape the engines' and router's /metrics at every load point (serving/metricsTargets.ts). */
  scrapeArgs?: string[];
}

/** Time Pulumi waits beyond the Job's own deadline (pod scheduling, image pull). */
const AWAIT_SLACK_MINUTES = 15;

/**
 * The benchmark as a Kubernetes Job on the CPU pool. It starts once the serving stack is ready and
 * `pulumi up` waits for it to complete; a lost request or a missed deadline fails the update.
 */
export class BenchmarkJob extends pulumi.ComponentResource {
  public readonly job: k8s.batch.v1.Job;
  public readonly jobName: pulumi.Output<string>;
  public readonly timeoutSeconds: number;

  constructor(name: string, args: BenchmarkJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:benchmark:BenchmarkJob", name, {}, opts);
    const { benchmark } = args;
    const base = harnessRun(benchmark, { experiment: args.experiment, tokenizer: args.tokenizer, offlineTokenizer: args.offlineTokenizer });
    const scrapeArgs = args.scrapeArgs ?? [];
    const run = withDriverArgs({ ...base, env: { ...base.env, ...args.env } }, scrapeArgs);
    const listsPods = scrapeArgs.includes("--scrape-engine-pods") || scrapeArgs.includes("--scrape-router-pods");
    this.timeoutSeconds = run.timeoutSeconds;
    const scripts = benchmarkScripts(run.scripts, run.vendored);
    const configMap = new k8s.core.v1.ConfigMap(`${name}-scripts`, scriptsConfigMap(args, scripts.files), { parent: this });
    const account = new k8s.core.v1.ServiceAccount(`${name}-account`, benchmarkServiceAccount(args), { parent: this });
    const rbac: pulumi.Resource[] = [];
    if (listsPods) {
      const role = new k8s.rbac.v1.Role(`${name}-pod-reader`, podReaderRole(args), { parent: this });
      rbac.push(role, new k8s.rbac.v1.RoleBinding(`${name}-pod-reader-binding`, podReaderBinding(args), { parent: this, dependsOn: [role, account] }));
    }
    const wait = `${Math.ceil(run.timeoutSeconds / 60) + AWAIT_SLACK_MINUTES}m`;
    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      benchmarkJob({
        ...args,
        run,
        cpu: args.benchmark.cpu,
        memory: args.benchmark.memory,
        baseUrl: args.serving.baseUrl,
        servedModel: args.serving.servedModel,
        scriptsSha256: scripts.sha256,
        listsPods,
      }),
      {
        parent: this,
        dependsOn: [configMap, account, ...rbac, ...args.serving.ready, ...(args.resultsAccess?.dependsOn ?? [])],
        // Fixed name: the old Job must go before its replacement can be created.
        deleteBeforeReplace: true,
        customTimeouts: { create: wait, update: wait, delete: "10m" },
      },
    );
    this.jobName = this.job.metadata.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}
