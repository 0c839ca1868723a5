import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LLMD } from "../catalog/versions";
import { ConfigError } from "../config/problems";
import { VllmDeployment } from "../engine/vllmDeployment";
import { llmdTokenProblems } from "./llmdRules";
import { LLMD_RELEASE, llmdBaseUrl, llmdEngineInput, renderLlmdValues } from "./llmdSpec";
import { ServingArgs, ServingStack } from "./types";

/**
 * llm-d's router: the InferencePool CRD of the Gateway API Inference Extension release llm-d v0.10.0 pins, servelab's
 * vLLM Deployment labelled for the pool, and the `llm-d-router-standalone` chart (InferencePool, endpoint picker with
 * an Envoy sidecar, ClusterIP Service). Clients talk to the sidecar through the EPP Service (llmdSpec.ts says why
 * this chart). In precise-prefix-cache mode the engines publish KV-cache events and the EPP pod runs a tokenizer
 * sidecar with the Hugging Face token.
 *
 * The CRD is cluster-scoped: destroying the row removes it, and with it any InferencePool on the cluster; the row's
 * claim on it (clusterInstalls.ts) keeps a second llm-d row off the cluster meanwhile.
 */
export class LlmdStack extends pulumi.ComponentResource implements ServingStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly ready: pulumi.Resource[];
  public readonly crds: k8s.yaml.v2.ConfigFile;
  public readonly engines: VllmDeployment;
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:LlmdStack", name, {}, opts);
    const { config } = args;
    const tokenProblems = llmdTokenProblems(config, args.hfTokenSecret !== undefined);
    if (tokenProblems.length > 0) throw new ConfigError(tokenProblems);
    const namespace = pulumi.output(args.namespace);

    this.crds = new k8s.yaml.v2.ConfigFile(`${name}-inferencepool-crd`, { file: LLMD.inferencePoolCrds }, { parent: this, dependsOn: args.claims });

    const input = llmdEngineInput(args);
    this.engines = new VllmDeployment(`${name}-engines`, input, { parent: this });

    const values = renderLlmdValues({ config, systemPlacement: args.systemPlacement ?? { nodeSelector: {}, tolerations: [] }, hfTokenSecret: args.hfTokenSecret });
    this.chart = new k8s.helm.v4.Chart(
      `${name}-chart`,
      { name: LLMD_RELEASE, chart: LLMD.chart.chart, version: LLMD.chart.version, namespace, values },
      // The chart's InferencePool needs its CRD; the EPP finds the engines through the pool once they exist.
      { parent: this, dependsOn: [this.crds] },
    );

    this.baseUrl = namespace.apply((ns) => llmdBaseUrl(LLMD_RELEASE, ns));
    this.servedModel = pulumi.output(input.spec.servedModel);
    this.ready = [this.crds, this.chart, this.engines];
    this.registerOutputs({ baseUrl: this.baseUrl, servedModel: this.servedModel });
  }
}
