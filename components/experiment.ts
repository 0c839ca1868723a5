import { weightsEnv } from "./engine/weights";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchmarkJob } from "./benchmark/benchmarkJob";
import { OFFLINE_TOKENIZER_DIR } from "./benchmark/harness";
import { JOB_NAME, SERVICE_ACCOUNT } from "./benchmark/jobManifest";
import { resolveClusterFacts } from "./cluster/facts";
import { createCluster } from "./cluster/createCluster";
import { StackCluster } from "./cluster/stackCluster";
import { Cluster } from "./cluster/types";
import { ExperimentConfig } from "./config/schema";
import { hfRepo } from "./engine/sizing";
import { WEIGHTS_CACHE_CONTAINER, usesWeightsCache } from "./engine/weightsCache";
import { createResultsAccess } from "./results";
import { resultsLocation } from "./results/spec";
import { createServing } from "./serving";
import { ClusterClaims } from "./serving/clusterClaims";
import { claimHolder, clusterInstalls } from "./serving/clusterInstalls";
import { enginePods } from "./serving/enginePods";
import { metricsTargets, scrapeArgs } from "./serving/metricsTargets";
import { SCRAPE_INTERVAL_SECONDS } from "./benchmark/harness";
import { dnsName, standardLabels } from "./util/labels";
import { configWarnings } from "./validate";
import { WEIGHTS_CREDENTIALS_KEY, weightsCopySecretName } from "./engine/weightsCredentials";

export interface ExperimentArgs {
  /** The stack name: names the namespace, the results and the GKE cluster. */
  stack: string;
  config: ExperimentConfig;
  hfToken?: pulumi.Output<string>;
  /** servelab:weightsCredentials: the keys of the Secret model.weights.credentialsSecret names (engine/weightsCredentials.ts). */
  weightsCredentials?: pulumi.Output<Record<string, string>>;
  /** The cluster stack the row runs on (config.clusterStack), read through this reference. */
  clusterStack?: pulumi.StackReference;
}

/** The stack's organization; the mock runtime has none, and the self-managed backends call theirs "organization". */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
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
  public readonly weightsCacheContainer?: pulumi.Output<string>;

  constructor(name: string, args: ExperimentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:index:Experiment", name, {}, opts);
    const { stack, config } = args;
    const { facts } = resolveClusterFacts(config.cluster);
    if (!facts) throw new Error("servelab: cluster facts missing after the config was accepted");

    if (config.clusterStack && !args.clusterStack) throw new Error(`servelab: the row runs on cluster stack ${config.clusterStack}, but no reference to it was given`);
    const cluster: Cluster = args.clusterStack
      ? new StackCluster(`${name}-cluster`, { config: config.cluster, facts, reference: args.clusterStack }, { parent: this })
      : createCluster(`${name}-cluster`, config.cluster, facts, stack, { parent: this });
    const inCluster = { parent: this, provider: cluster.provider };
    const labels = standardLabels(stack, "experiment", "servelab");

    // The claims on the cluster-scoped installs come first: a row whose installs another row holds stops here.
    const installs = clusterInstalls(config);
    const claims = installs.length
      ? new ClusterClaims(`${name}-claims`, { installs, holder: claimHolder(organization(), pulumi.getProject(), stack), kubernetes: cluster }, { parent: this }).leases
      : [];

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: dnsName(stack), labels } }, { ...inCluster, dependsOn: claims });
    const hfSecret = args.hfToken
      ? new k8s.core.v1.Secret(
          `${name}-hf-token`,
          { metadata: { name: "hf-token", namespace: namespace.metadata.name, labels }, type: "Opaque", stringData: { token: args.hfToken } },
          inCluster,
        )
      : undefined;
    this.weightsCredentials(name, config, namespace.metadata.name, labels, inCluster, args.weightsCredentials);
    // A rehearsal downloads nothing from Hugging Face: no token, no warning.
    if (!args.hfToken && !config.rehearsal) {
      pulumi.log.warn("servelab:hfToken is not set: gated models (such as meta-llama/*) will fail to download. Set it with `pulumi config set --secret servelab:hfToken <token>`.", this);
    }

    // A rehearsal's warnings would be about its row's GPUs and vLLM, which it does not run.
    if (!config.rehearsal) for (const warning of configWarnings(config, facts)) pulumi.log.warn(warning, this);

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
        claims,
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
          offlineTokenizer: config.rehearsal ? OFFLINE_TOKENIZER_DIR : undefined,
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
    this.weightsCacheContainer = usesWeightsCache(config) ? pulumi.output(WEIGHTS_CACHE_CONTAINER) : undefined;
    this.registerOutputs({ kubeconfig: this.kubeconfig, namespace: this.namespace, baseUrl: this.baseUrl, servedModel: this.servedModel });
  }

  /** The object-storage copy's Secret, from servelab:weightsCredentials; without it the Secret must exist already. */
  private weightsCredentials(
    name: string,
    config: ExperimentConfig,
    namespace: pulumi.Output<string>,
    labels: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
    credentials?: pulumi.Output<Record<string, string>>,
  ): void {
    const secretName = weightsCopySecretName(config.model);
    if (credentials && secretName) {
      new k8s.core.v1.Secret(`${name}-weights-credentials`, { metadata: { name: secretName, namespace, labels }, type: "Opaque", stringData: credentials }, opts);
    } else if (secretName) {
      pulumi.log.warn(
        `the weights copy reads the Secret ${secretName}, which servelab does not create without ${WEIGHTS_CREDENTIALS_KEY}: the engine pods wait until it exists in the row's namespace. Set it with \`pulumi config set --secret ${WEIGHTS_CREDENTIALS_KEY} '{"AWS_ACCESS_KEY_ID": "...", "AWS_SECRET_ACCESS_KEY": "..."}'\``,
        this,
      );
    }
  }
}
