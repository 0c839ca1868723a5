/** Everything an engine Deployment needs, assembled once from the experiment (pure). */
import type * as pulumi from "@pulumi/pulumi";
import { withRegistry } from "../catalog/imageRegistry";
import { ExperimentConfig } from "../config/schema";
import { ClusterFacts } from "../cluster/facts";
import { Placement } from "../cluster/types";
import { EngineManifestInput } from "./manifests";
import { engineResources, modelSizeGb, startupBudgetMinutes } from "./sizing";
import { simulatorManifestInput } from "./simulator";
import { renderVllmSpec } from "./vllmArgs";
import { weightsCopyContainer, weightsEnv, withLocalModel } from "./weights";

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

export function engineManifestInput(ctx: EngineContext, naming: EngineNaming): EngineManifestInput {
  const { engine, model, rehearsal } = ctx.config;
  if (rehearsal) {
    return simulatorManifestInput({ model, engine, rehearsal, imageRegistry: ctx.config.cluster.imageRegistry }, naming, { namespace: ctx.namespace, labels: ctx.labels });
  }
  const rendered = renderVllmSpec(model, engine);
  const region = ctx.config.cluster.provider === "vke" ? ctx.config.cluster.region : undefined;
  const copy = weightsCopyContainer(model, ctx.config.cluster.imageRegistry, region);
  return {
    ...naming,
    namespace: ctx.namespace,
    labels: ctx.labels,
    image: withRegistry(engine.image, ctx.config.cluster.imageRegistry),
    replicas: engine.replicas,
    spec: { ...rendered, args: withLocalModel(rendered.args, model), env: { ...rendered.env, ...weightsEnv(model) } },
    ...(copy ? { initContainers: [copy] } : {}),
    resources: engineResources(engine, ctx.facts.gpu),
    placement: ctx.gpuPlacement,
    hfTokenSecret: ctx.hfTokenSecret,
    shmSize: engine.shmSize,
    startupBudgetMinutes: startupBudgetMinutes(engine, model),
    modelSizeGb: modelSizeGb(model),
  };
}
