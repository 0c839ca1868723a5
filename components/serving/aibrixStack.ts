import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VllmDeployment } from "../engine/vllmDeployment";
import { KVCACHE_RESOURCE_OPTIONS, infinistoreKvCacheManifest } from "../kvcache/aibrixKvCache";
import {
  AIBRIX_BASE_URL, AibrixReleaseFile, aibrixEngineInput, aibrixEnvoyProxyService, aibrixSystemNamespace, aibrixGatewayEnv, aibrixGatewayPatch, aibrixReleaseFiles, aibrixVersion,
} from "./aibrixSpec";
import { ServingArgs, ServingStack } from "./types";

/**
 * AIBrix: the control plane from its release manifests, the engines as a Deployment + Service named after
 * the model (the controller routes to them through a per-model HTTPRoute), the gateway's routing mode, and
 * the KV tier (engine env for L1 DRAM; a KVCache with InfiniStore for L2). Clients talk to the Envoy data
 * plane, ClusterIP unless router.exposeGateway.
 *
 * The release files are applied by server-side apply (the @pulumi/kubernetes v4 provider default, which
 * servelab's providers keep): client-side apply fails on their large CRDs (vllm-project/aibrix#1151).
 * The files are carried as objects (aibrix-release/) and each is applied as a ConfigGroup with every image
 * already pulled through cluster.imageRegistry: transforms would do the same on the provider's side, but
 * cannot be exercised under the SDK's mocks, so the plan would not show the images a cluster pulls.
 */
export class AibrixStack extends pulumi.ComponentResource implements ServingStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly ready: pulumi.Resource[];
  public readonly release: k8s.yaml.v2.ConfigGroup[];
  public readonly engines: VllmDeployment;
  public readonly gatewayPatch?: k8s.apps.v1.DeploymentPatch;
  public readonly kvCache?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:AibrixStack", name, {}, opts);
    const { config } = args;

    if (!args.kubernetes) throw new Error("servelab: AibrixStack needs the cluster's Kubernetes provider arguments");
    // The release files go through a provider that upserts (server-side apply on create): servelab creates
    // aibrix-system and the EnvoyProxy (with the ClusterIP Service type) before the core file, which then
    // applies its own fields over them instead of failing on "already exists". Every other object stays on
    // the cluster's provider.
    const releaseProvider = new k8s.Provider(
      `${name}-release-k8s`,
      { ...args.kubernetes.providerArgs, upsertExistingObjects: true },
      { parent: this, dependsOn: [args.kubernetes.provider, ...(args.claims ?? [])] },
    );
    const onRelease = { parent: this, provider: releaseProvider };

    // Each file after the previous one: the core needs the dependency's Envoy Gateway and CRDs.
    const [dependencyFile, ...coreFiles] = aibrixReleaseFiles(aibrixVersion(config.router), config.cluster.imageRegistry);
    const dependency = applyReleaseFile(`${name}-release-0`, dependencyFile, onRelease);
    // Envoy Gateway makes the Gateway's data-plane Service from this EnvoyProxy the moment the core file
    // creates the Gateway, so the Service type must be in place first: ClusterIP unless exposeGateway.
    // Plain resources, not patches: destroying a patch re-applies an empty object, which would bring back
    // what the core file just deleted. Deleting these after the core file finds them gone, which is fine.
    // The resource keeps its first name (envoy-clusterip) so stacks already up keep it across the change.
    const namespace = new k8s.core.v1.Namespace(`${name}-system-namespace`, aibrixSystemNamespace(), { ...onRelease, dependsOn: [dependency] });
    const envoyProxy = new k8s.apiextensions.CustomResource(`${name}-envoy-clusterip`, aibrixEnvoyProxyService(config.router.exposeGateway), { ...onRelease, dependsOn: [dependency, namespace] });
    const beforeCore: pulumi.Resource[] = [envoyProxy];
    this.release = [dependency];
    coreFiles.forEach((file, i) => {
      this.release.push(applyReleaseFile(`${name}-release-${i + 1}`, file, { ...onRelease, dependsOn: [this.release[i], ...beforeCore] }));
    });
    const afterRelease = { parent: this, dependsOn: this.release };
    const ready: pulumi.Resource[] = [...this.release];
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

/**
 * The objects as one JSON object per line, which the provider's decoder reads as a JSON stream
 * (k8s.io/apimachinery yaml.NewYAMLOrJSONDecoder, pulumi/pulumi-kubernetes provider/pkg/provider/yaml/v2/yaml.go).
 * One string instead of `objs`: the SDK serializes an object tree value by value, which costs seconds for
 * the release's megabytes of CRDs on every preview and plan.
 */
export function jsonStream(objs: readonly object[]): string {
  return objs.map((o) => JSON.stringify(o)).join("\n");
}

/**
 * One release file as a ConfigGroup: the same yaml/v2 apply as the ConfigFile servelab used for the release
 * URLs (CRDs first, server-side, through the upserting provider). The alias keeps a stack that applied the
 * release from its URL (a ConfigFile of the same name) from replacing the release's objects.
 */
function applyReleaseFile(name: string, file: AibrixReleaseFile, opts: pulumi.ComponentResourceOptions): k8s.yaml.v2.ConfigGroup {
  return new k8s.yaml.v2.ConfigGroup(name, { yaml: jsonStream(file.objs) }, { ...opts, aliases: [{ type: "kubernetes:yaml/v2:ConfigFile" }] });
}
