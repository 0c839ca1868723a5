/** Everything an engine Deployment needs, assembled once from the experiment (pure). */
import type * as pulumi from "@pulumi/pulumi";
import { withRegistry } from "../catalog/imageRegistry";
import { ExperimentConfig } from "../config/schema";
import { ClusterFacts } from "../cluster/facts";
import { Placement } from "../cluster/types";
import { EngineManifestInput } from "./manifests";
import { engineResources, modelSizeGb, startupBudgetMinutes } from "./sizing";
import { simulatorManifestInput } from "./simulator";
import { renderVllmSpec, VllmSpecOptions } from "./vllmArgs";
import { weightsCopyContainer, weightsEnv, withLocalModel, withModelDir } from "./weights";
import { WEIGHTS_CACHE_MOUNT, cacheFill, nodeWeightsCachePath, usesWeightsCache, weightsCacheContainer, weightsCacheDir, weightsCacheVolume } from "./weightsCache";

export interface EngineContext {
  config: ExperimentConfig;
  facts: ClusterFacts;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  gpuPlacement: Placement;
  hfTokenSecret?: pulumi.Input<string>;
}

export interface EngineNaming {
  name: string;
  service: { name: string; port: number };
  extraLabels?: Record<string, string>;
}

export function engineManifestInput(ctx: EngineContext, naming: EngineNaming, options: VllmSpecOptions = {}): EngineManifestInput {
  const { engine, model, rehearsal } = ctx.config;
  if (rehearsal) {
    return simulatorManifestInput({ model, engine, rehearsal, imageRegistry: ctx.config.cluster.imageRegistry }, naming, { namespace: ctx.namespace, labels: ctx.labels });
  }
  const rendered = renderVllmSpec(model, engine, options);
  const region = ctx.config.cluster.provider === "vke" ? ctx.config.cluster.region : undefined;
  const image = withRegistry(engine.image, ctx.config.cluster.imageRegistry);
  const cachePath = usesWeightsCache(ctx.config) ? nodeWeightsCachePath(ctx.config.cluster) : undefined;
  const resources = engineResources(engine, ctx.facts.gpu);
  // With the cluster's cache the weights-cache container fetches (on a miss) and vLLM loads the cached folder;
  // without it, the object-storage copy (if any) lands in the pod's own model cache.
  const fetch = cachePath
    ? weightsCacheContainer(model, cacheFill(model, image, ctx.config.cluster.imageRegistry, region, ctx.hfTokenSecret, resources.memory))
    : weightsCopyContainer(model, ctx.config.cluster.imageRegistry, region);
  const args = cachePath ? withModelDir(rendered.args, weightsCacheDir(model)) : withLocalModel(rendered.args, model);
  return {
    ...naming,
    namespace: ctx.namespace,
    labels: ctx.labels,
    image,
    replicas: engine.replicas,
    spec: { ...rendered, args, env: { ...rendered.env, ...weightsEnv(model) } },
    ...(fetch ? { initContainers: [fetch] } : {}),
    ...(cachePath ? { extraVolumes: [{ volume: weightsCacheVolume(cachePath), mountPath: WEIGHTS_CACHE_MOUNT }] } : {}),
    resources,
    placement: ctx.gpuPlacement,
    hfTokenSecret: ctx.hfTokenSecret,
    shmSize: engine.shmSize,
    startupBudgetMinutes: startupBudgetMinutes(engine, model),
    modelSizeGb: modelSizeGb(model),
  };
}
