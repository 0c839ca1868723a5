import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../catalog/versions";
import { engineAwaitMinutes } from "../engine/sizing";
import {
  kubeAiBaseUrl,
  kubeAiChartValues,
  kubeAiDirectServiceManifest,
  kubeAiModelManifest,
  kubeAiModelName,
  kubeAiProfile,
} from "./kubeAiSpec";
import { pinnedChartArgs } from "./pinnedChart";
import { ServingArgs, ServingStack } from "./types";

/**
 * KubeAI: the kubeai chart (controller + OpenAI proxy at http://kubeai/openai/v1) and one Model custom
 * resource. With routing `k8s-service` the benchmark bypasses the proxy through a plain Service.
 */
export class KubeAiStack extends pulumi.ComponentResource implements ServingStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly ready: pulumi.Resource[];
  public readonly chart: k8s.helm.v4.Chart;
  public readonly model: k8s.apiextensions.CustomResource;
  public readonly directService?: k8s.core.v1.Service;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:KubeAiStack", name, {}, opts);
    const { config } = args;
    const namespace = pulumi.output(args.namespace);
    const profile = kubeAiProfile(config, args.facts, args.gpuPlacement);
    const values = pulumi.output(args.hfTokenSecret).apply((hfTokenSecret) =>
      kubeAiChartValues({ profile, systemPlacement: args.systemPlacement ?? { nodeSelector: {}, tolerations: [] }, hfTokenSecret, imageRegistry: config.cluster.imageRegistry }),
    );
    const chart = CHARTS.kubeai;
    this.chart = new k8s.helm.v4.Chart(`${name}-chart`, pinnedChartArgs(chart, "kubeai", namespace, values, config.router.version), {
      parent: this,
      dependsOn: args.claims,
    });

    const manifest = kubeAiModelManifest({
      config,
      namespace: "",
      labels: args.labels,
      // The engines' own budget plus the slack for GPU nodes and image pulls on fresh nodes.
      readyTimeoutSeconds: engineAwaitMinutes(config.engine, config.model) * 60,
    });
    this.model = new k8s.apiextensions.CustomResource(
      `${name}-model`,
      { ...manifest, metadata: { ...manifest.metadata, namespace } },
      { parent: this, dependsOn: [this.chart] },
    );
    this.ready = [this.model];

    if (config.router.routing === "k8s-service") {
      const svc = kubeAiDirectServiceManifest(config, "", args.labels);
      this.directService = new k8s.core.v1.Service(
        `${name}-direct`,
        { ...svc, metadata: { ...svc.metadata, namespace } },
        // After the Model is ready: Pulumi awaits a Service's endpoints for 10 minutes, which exist only then.
        { parent: this, dependsOn: [this.model] },
      );
      this.ready.push(this.directService);
    }
    this.baseUrl = namespace.apply((ns) => kubeAiBaseUrl(config, ns));
    this.servedModel = pulumi.output(kubeAiModelName(config));
    this.registerOutputs({ baseUrl: this.baseUrl, servedModel: this.servedModel });
  }
}
