import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VllmDeployment } from "../engine/vllmDeployment";
import { KVCACHE_RESOURCE_OPTIONS, infinistoreKvCacheManifest } from "../kvcache/aibrixKvCache";
import {
  AIBRIX_BASE_URL, aibrixEngineInput, aibrixEnvoyProxyPatch, aibrixGatewayEnv, aibrixGatewayPatch, aibrixReleaseFiles, aibrixVersion,
} from "./aibrixSpec";
import { ServingArgs, ServingStack } from "./types";

/**
 * AIBrix: the control plane from its release manifests, the engines as a Deployment + Service named after
 * the model (the controller routes to them through a per-model HTTPRoute), the gateway's routing mode, and
 * the KV tier (engine env for L1 DRAM; a KVCache with InfiniStore for L2). Clients talk to the Envoy data
 * plane, kept ClusterIP unless router.exposeGateway.
 *
 * The release files are applied by server-side apply (the @pulumi/kubernetes v4 provider default, which
 * servelab's providers keep): client-side apply fails on their large CRDs (vllm-project/aibrix#1151).
 */
export class AibrixStack extends pulumi.ComponentResource implements ServingStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly ready: pulumi.Resource[];
  public readonly release: k8s.yaml.v2.ConfigFile[];
  public readonly engines: VllmDeployment;
  public readonly gatewayPatch?: k8s.apps.v1.DeploymentPatch;
  public readonly kvCache?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:AibrixStack", name, {}, opts);
    const { config } = args;

    // Each file after the previous one: the core needs the dependency's Envoy Gateway and CRDs.
    this.release = [];
    aibrixReleaseFiles(aibrixVersion(config.router)).forEach((file, i) => {
      const previous = this.release[i - 1];
      this.release.push(new k8s.yaml.v2.ConfigFile(`${name}-release-${i}`, { file }, { parent: this, dependsOn: previous ? [previous] : [] }));
    });
    const afterRelease = { parent: this, dependsOn: this.release };

    const ready: pulumi.Resource[] = [...this.release];
    if (!config.router.exposeGateway) {
      const patch = aibrixEnvoyProxyPatch();
      ready.push(new k8s.apiextensions.CustomResourcePatch(`${name}-envoy-clusterip`, patch, afterRelease));
    }
    const gatewayEnv = aibrixGatewayEnv(config.router);
    if (gatewayEnv) {
      this.gatewayPatch = new k8s.apps.v1.DeploymentPatch(`${name}-gateway-routing`, aibrixGatewayPatch(gatewayEnv), afterRelease);
      ready.push(this.gatewayPatch);
    }

    const engineDeps: pulumi.Resource[] = [...this.release];
    if (config.kvCache.tier === "aibrix-l2-infinistore") {
      const labels = { ...args.labels, "app.kubernetes.io/name": "infinistore", "app.kubernetes.io/component": "kvcache" };
      const manifest = infinistoreKvCacheManifest(config.kvCache, "", labels, config.cluster.imageRegistry, args.gpuPlacement);
      this.kvCache = new k8s.apiextensions.CustomResource(
        `${name}-kvcache`,
        { ...manifest, metadata: { ...manifest.metadata, namespace: args.namespace } },
        { ...afterRelease, ...KVCACHE_RESOURCE_OPTIONS },
      );
      engineDeps.push(this.kvCache);
    }

    const input = aibrixEngineInput(args);
    this.engines = new VllmDeployment(`${name}-engines`, input, { parent: this, dependsOn: engineDeps });
    ready.push(this.engines);

    this.baseUrl = pulumi.output(AIBRIX_BASE_URL);
    this.servedModel = pulumi.output(input.spec.servedModel);
    this.ready = ready;
    this.registerOutputs({ baseUrl: this.baseUrl, servedModel: this.servedModel });
  }
}
