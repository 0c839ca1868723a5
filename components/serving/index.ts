import * as pulumi from "@pulumi/pulumi";
import { RouterKind } from "../catalog/routers";
import { AibrixStack } from "./aibrixStack";
import { K8sServiceStack } from "./k8sServiceStack";
import { KubeAiStack } from "./kubeAiStack";
import { ProductionStack } from "./productionStack";
import { ServingArgs, ServingStack } from "./types";

type ServingFactory = (name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions) => ServingStack;

/** One entry per router kind of catalog/routers.ts (the type makes a missing one a compile error). */
const FACTORIES: Record<RouterKind, ServingFactory> = {
  "k8s-service": (name, args, opts) => new K8sServiceStack(name, args, opts),
  kubeai: (name, args, opts) => new KubeAiStack(name, args, opts),
  "production-stack": (name, args, opts) => new ProductionStack(name, args, opts),
  aibrix: (name, args, opts) => new AibrixStack(name, args, opts),
};

export function createServing(kind: RouterKind, name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions): ServingStack {
  return FACTORIES[kind](name, args, opts);
}

export type { ServingStack } from "./types";
