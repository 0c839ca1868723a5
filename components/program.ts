import * as pulumi from "@pulumi/pulumi";
import { ClusterStackName, clusterSectionFromOutputs, clusterStackDrift, parseClusterStackName, readClusterStackSection } from "./cluster/clusterStack";
import { readClusterStackOutputs } from "./cluster/stackCluster";
import { ClusterStack } from "./clusterStack";
import { ExperimentShape, parseClusterStackShape, parseConfigShape } from "./config/parse";
import { Experiment } from "./experiment";
import { ClusterStackSource, loadStackValues, parseClusterStackConfig, parseExperimentConfig, rejectMissingKubeconfig } from "./validate";
import { gcpSdk } from "./util/cloudSdk";
import { composeRehearsal } from "./rehearsal/compose";
import { weightsCredentialsSecret } from "./engine/weightsCredentials";
import { ConfigError } from "./config/problems";
import { ExperimentConfig } from "./config/schema";

/** The stack outputs every experiment exports (the matrix runner reads them by these names). */
export interface ServelabOutputs {
  kubeconfig: pulumi.Output<string>;
  /**
   * The kubeconfig context the stack's Kubernetes provider uses, when servelab:cluster names one (an existing cluster,
   * a rehearsal): the matrix reads the Job's log through it, not through the file's current context.
   */
  kubeContext?: string;
  namespace: pulumi.Output<string>;
  baseUrl: pulumi.Output<string>;
  servedModel: pulumi.Output<string>;
  benchmarkJobName?: pulumi.Output<string>;
  resultsLocation?: string;
  engineSelector: pulumi.Output<string>;
  engineContainer: pulumi.Output<string>;
  /** The engine pods' weights-cache init container, when the row uses the cluster's weights cache. */
  weightsCacheContainer?: pulumi.Output<string>;
}

/** What a cluster stack exports: components/cluster/clusterStack.ts CLUSTER_STACK_OUTPUTS. */
export type ClusterStackProgramOutputs = { kubeconfig: pulumi.Output<string> } & Record<string, unknown>;

/** The logical name of a row's reference to its cluster stack. */
export const CLUSTER_STACK_REFERENCE = "servelab-cluster-stack";

/**
 * A row on a cluster stack: the StackReference, and its servelab:cluster read from the stack's outputs. The rules
 * then check the row against exactly what is up (offline, the plan's mocks answer with what the stack's file gives).
 */
async function clusterStackReference(shape: ExperimentShape): Promise<{ reference?: pulumi.StackReference; source?: ClusterStackSource }> {
  if (shape.cluster.provider !== "stack") return {};
  const name = parseClusterStackName(shape.cluster.stack);
  const reference = new pulumi.StackReference(CLUSTER_STACK_REFERENCE, { name: name.ref });
  const section = clusterSectionFromOutputs(name, await readClusterStackOutputs(reference));
  const drift = name.qualified ? undefined : fileDrift(name, section);
  if (drift) pulumi.log.warn(drift, reference);
  return { reference, source: () => section };
}

/** The drift between the cluster stack's file (when this project has it) and its outputs; nothing when either does not parse. */
function fileDrift(name: ClusterStackName, upSection: unknown): string | undefined {
  try {
    const file = parseClusterStackConfig({ cluster: readClusterStackSection(name) }).cluster;
    const up = parseClusterStackShape({ cluster: upSection }).cluster;
    return clusterStackDrift(name, file, up);
  } catch {
    return undefined;
  }
}

/** The whole program: read the stack config, declare the cluster stack or the experiment, return its outputs. */
export async function servelab(): Promise<ServelabOutputs | ClusterStackProgramOutputs> {
  const { raw, hfToken, weightsCredentials, clusterStack } = loadStackValues();
  const stack = pulumi.getStack();
  if (clusterStack) {
    const config = parseClusterStackConfig(raw);
    rejectMissingKubeconfig(config.cluster);
    const gcpProject = config.cluster.provider === "gke" && !config.cluster.project ? gcpSdk().config.project : undefined;
    const cluster = new ClusterStack("servelab", { stack, config, gcpProject });
    return { kubeconfig: cluster.kubeconfig, ...cluster.exported };
  }
  if (raw.rehearsal !== undefined) {
    // A rehearsal runs its row on a kubeconfig cluster with the simulator: no cluster stack, no Hugging Face token.
    const config = composeRehearsal(raw).config;
    rejectMissingKubeconfig(config.cluster);
    return experimentOutputs(new Experiment("servelab", { stack, config }), config);
  }
  const { reference, source } = await clusterStackReference(parseConfigShape(raw));
  const config = parseExperimentConfig(raw, source);
  rejectMissingKubeconfig(config.cluster);
  if (weightsCredentials) rejectUnusedWeightsCredentials(config);
  return experimentOutputs(new Experiment("servelab", { stack, config, hfToken, weightsCredentials, clusterStack: reference }), config);
}

/** servelab:weightsCredentials fills the Secret the row's weights copy names; a row without one cannot use it. */
function rejectUnusedWeightsCredentials(config: ExperimentConfig): void {
  const { problem } = weightsCredentialsSecret(config.model);
  if (problem) throw new ConfigError([problem]);
}

function experimentOutputs(experiment: Experiment, config: ExperimentConfig): ServelabOutputs {
  // A row on a cluster stack gets that stack's servelab:cluster here, so its context is the one StackCluster uses.
  const kubeContext = config.cluster.provider === "kubeconfig" ? config.cluster.context : undefined;
  return {
    kubeconfig: experiment.kubeconfig,
    ...(kubeContext ? { kubeContext } : {}),
    namespace: experiment.namespace,
    baseUrl: experiment.baseUrl,
    servedModel: experiment.servedModel,
    benchmarkJobName: experiment.benchmarkJobName,
    resultsLocation: experiment.resultsLocation,
    engineSelector: experiment.engineSelector,
    engineContainer: experiment.engineContainer,
    weightsCacheContainer: experiment.weightsCacheContainer,
  };
}
