import { weightsEnv } from "./engine/weights";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchmarkJob } from "./benchmark/benchmarkJob";
import { JOB_NAME, SERVICE_ACCOUNT } from "./benchmark/jobManifest";
import { resolveClusterFacts } from "./cluster/facts";
import { GkeCluster } from "./cluster/gkeCluster";
import { KubeconfigCluster } from "./cluster/kubeconfigCluster";
import { Cluster } from "./cluster/types";
import { VkeCluster } from "./cluster/vkeCluster";
import { ExperimentConfig } from "./config/schema";
import { hfRepo } from "./engine/sizing";
import { createResultsAccess } from "./results";
import { resultsLocation } from "./results/spec";
import { createServing } from "./serving";
import { enginePods } from "./serving/enginePods";
import { metricsTargets, scrapeArgs } from "./serving/metricsTargets";
import { SCRAPE_INTERVAL_SECONDS } from "./benchmark/harness";
import { dnsName, standardLabels } from "./util/labels";
import { configWarnings } from "./validate";

export interface ExperimentArgs {
  /** The stack name: names the namespace, the results and the GKE cluster. */
  stack: string;
  config: ExperimentConfig;
  hfToken?: pulumi.Output<string>;
}

/** One experiment row: cluster, namespace, serving stack (router + engines) and benchmark Job. */
export class Experiment extends pulumi.ComponentResource {
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly namespace: pulumi.Output<string>;
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly benchmarkJobName?: pulumi.Output<string>;
  public readonly resultsLocation?: string;
  /** Label selector of the engine pods and their vLLM container, for reading an engine's start-up log. */
  public readonly engineSelector: pulumi.Output<string>;
  public readonly engineContainer: pulumi.Output<string>;

  constructor(name: string, args: ExperimentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:index:Experiment", name, {}, opts);
    const { stack, config } = args;
    const { facts } = resolveClusterFacts(config.cluster);
    if (!facts) throw new Error("servelab: cluster facts missing after the config was accepted");

    const cluster: Cluster =
      config.cluster.provider === "gke"
        ? new GkeCluster(`${name}-cluster`, { config: config.cluster, facts, stack }, { parent: this })
        : config.cluster.provider === "vke"
          ? new VkeCluster(`${name}-cluster`, { config: config.cluster, facts, stack }, { parent: this })
          : new KubeconfigCluster(`${name}-cluster`, { config: config.cluster, facts }, { parent: this });
    const inCluster = { parent: this, provider: cluster.provider };
    const labels = standardLabels(stack, "experiment", "servelab");

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: dnsName(stack), labels } }, inCluster);
    const hfSecret = args.hfToken
      ? new k8s.core.v1.Secret(
          `${name}-hf-token`,
          { metadata: { name: "hf-token", namespace: namespace.metadata.name, labels }, type: "Opaque", stringData: { token: args.hfToken } },
          inCluster,
        )
      : undefined;
    if (!args.hfToken) {
      pulumi.log.warn("servelab:hfToken is not set: gated models (such as meta-llama/*) will fail to download. Set it with `pulumi config set --secret servelab:hfToken <token>`.", this);
    }

    for (const warning of configWarnings(config, facts)) pulumi.log.warn(warning, this);

    const serving = createServing(
      config.router.kind,
      `${name}-serving`,
      {
        config,
        facts,
        namespace: namespace.metadata.name,
        labels: standardLabels(stack, "serving", "vllm"),
        gpuPlacement: cluster.gpuPlacement,
        systemPlacement: cluster.systemPlacement,
        kubernetes: cluster,
        hfTokenSecret: hfSecret?.metadata.name,
      },
      { parent: this, providers: [cluster.provider] },
    );

    if (config.benchmark) {
      const resultsAccess = createResultsAccess(
        `${name}-results`,
        { stack, config, namespace: namespace.metadata.name, labels: standardLabels(stack, "results", "results-writer"), serviceAccount: SERVICE_ACCOUNT },
        { parent: this, providers: [cluster.provider] },
      );
      new BenchmarkJob(
        `${name}-benchmark`,
        {
          experiment: stack,
          namespace: namespace.metadata.name,
          labels: standardLabels(stack, "benchmark", config.benchmark.harness),
          benchmark: config.benchmark,
          serving,
          placement: cluster.systemPlacement,
          tokenizer: config.model.tokenizer ?? hfRepo(config.model),
          bucket: config.results.bucket,
          resultsAccess,
          imageRegistry: config.cluster.imageRegistry,
          hfTokenSecret: hfSecret?.metadata.name,
          env: weightsEnv(config.model),
          scrapeArgs: scrapeArgs(metricsTargets(config, dnsName(stack)), SCRAPE_INTERVAL_SECONDS),
        },
        { parent: this, providers: [cluster.provider] },
      );
      // The fixed name, not benchmark.jobName: an output that waits for the Job rejects when the Job fails, and
      // then the stack records no outputs at all (@pulumi/pulumi runtime/stack.js Stack.initialize registers the
      // outputs only once every one has resolved), so the runner could not read the log of the points that ran.
      // No output here may depend on the Job's or the engines' completion.
      this.benchmarkJobName = pulumi.output(JOB_NAME);
    }

    this.kubeconfig = cluster.kubeconfig;
    this.namespace = namespace.metadata.name;
    this.baseUrl = serving.baseUrl;
    this.servedModel = serving.servedModel;
    this.resultsLocation = config.results.bucket ? resultsLocation(config.results.bucket, stack) : undefined;
    const pods = this.namespace.apply((ns) => enginePods(config, ns));
    this.engineSelector = pods.selector;
    this.engineContainer = pods.container;
    this.registerOutputs({ kubeconfig: this.kubeconfig, namespace: this.namespace, baseUrl: this.baseUrl, servedModel: this.servedModel });
  }
}
