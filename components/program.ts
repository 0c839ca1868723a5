import * as pulumi from "@pulumi/pulumi";
import { loadExperimentConfig } from "./validate";
import { Experiment } from "./experiment";
import { parseStackValues } from "./rehearsal/compose";

/** The stack outputs every experiment exports (the matrix runner reads them by these names). */
export interface ServelabOutputs {
  kubeconfig: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  baseUrl: pulumi.Output<string>;
  servedModel: pulumi.Output<string>;
  benchmarkJobName?: pulumi.Output<string>;
  resultsLocation?: string;
  engineSelector: pulumi.Output<string>;
  engineContainer: pulumi.Output<string>;
}

/** The whole program: read the stack config, declare the experiment, return its outputs. */
export function servelab(): ServelabOutputs {
  const { config, hfToken } = loadExperimentConfig(parseStackValues);
  const experiment = new Experiment("servelab", { stack: pulumi.getStack(), config, hfToken });
  return {
    kubeconfig: experiment.kubeconfig,
    namespace: experiment.namespace,
    baseUrl: experiment.baseUrl,
    servedModel: experiment.servedModel,
    benchmarkJobName: experiment.benchmarkJobName,
    resultsLocation: experiment.resultsLocation,
    engineSelector: experiment.engineSelector,
    engineContainer: experiment.engineContainer,
  };
}
