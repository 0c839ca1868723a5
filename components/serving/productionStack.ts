import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../catalog/versions";
import { servedModelName } from "../engine/sizing";
import { productionStackBaseUrl, productionStackRelease, renderProductionStackValues } from "./productionStackValues";
import { pinnedChartArgs } from "./pinnedChart";
import { ServingArgs, ServingStack } from "./types";

/**
 * The chart's crds/ folder holds the LoraAdapter CRD (loraadapters.production-stack.vllm.ai), a cluster-scoped object
 * with a fixed name; helm.v4.Chart would install it (crds/ included unless skipCrds) and a second production-stack
 * row on the cluster would then fail on it. servelab deploys no LoraAdapter (values loraAdapters: one entry with
 * enabled: false, rendered only when enabled) and no LoRA controller, so the CRD is skipped and the row installs
 * nothing outside its namespace (vllm-project/production-stack@66b60661 helm/crds/crd-lora-adapter.yaml,
 * templates/deployment-lora-adapter.yaml, templates/role.yaml).
 */
export function productionStackChartArgs(args: k8s.helm.v4.ChartArgs): k8s.helm.v4.ChartArgs {
  return { ...args, skipCrds: true };
}

/**
 * vLLM production-stack: the `vllm-stack` Helm chart (router + engines, LMCache inside the engine
 * pods). One release per experiment, in the experiment's namespace. The chart runs `vllm serve
 * <modelURL> ... --served-model-name <name>` (the name comes through vllmConfig.extraArgs), and its
 * router lists the engines' models, so clients send the same served name as with every other router.
 */
export class ProductionStack extends pulumi.ComponentResource implements ServingStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly ready: pulumi.Resource[];
  public readonly release: pulumi.Output<string>;
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:ProductionStack", name, {}, opts);
    const { config } = args;
    const namespace = pulumi.output(args.namespace);
    this.release = namespace.apply(productionStackRelease);
    const values = pulumi.all([this.release, pulumi.output(args.hfTokenSecret)]).apply(([release, hfTokenSecret]) =>
      renderProductionStackValues({
        config,
        facts: args.facts,
        release,
        gpuPlacement: args.gpuPlacement,
        systemPlacement: args.systemPlacement,
        hfTokenSecret,
      }),
    );
    const chart = CHARTS.productionStack;
    this.chart = new k8s.helm.v4.Chart(`${name}-chart`, productionStackChartArgs(pinnedChartArgs(chart, this.release, namespace, values, config.router.version)), { parent: this });
    this.baseUrl = pulumi.all([this.release, namespace]).apply(([release, ns]) => productionStackBaseUrl(release, ns));
    this.servedModel = pulumi.output(servedModelName(config.model));
    // The chart's engine Deployment carries its own await (every replica ready, productionStackEngineAwait).
    this.ready = [this.chart];
    this.registerOutputs({ baseUrl: this.baseUrl, servedModel: this.servedModel, release: this.release });
  }
}
