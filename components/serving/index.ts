import * as pulumi from "@pulumi/pulumi";
import { RouterKind } from "../catalog/routers";
import { AibrixStack } from "./aibrixStack";
import { K8sServiceStack } from "./k8sServiceStack";
import { KubeAiStack } from "./kubeAiStack";
import { ProductionStack } from "./productionStack";
import { ServingArgs, ServingStack } from "./types";

type ServingFactory = (name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions) => ServingStack;

/** One entry per deployable router (catalog/routers.ts IMPLEMENTED_ROUTER_KINDS lists the same kinds). */
const FACTORIES: Partial<Record<RouterKind, ServingFactory>> = {
  "k8s-service": (name, args, opts) => new K8sServiceStack(name, args, opts),
  kubeai: (name, args, opts) => new KubeAiStack(name, args, opts),
  "production-stack": (name, args, opts) => new ProductionStack(name, args, opts),
  aibrix: (name, args, opts) => new AibrixStack(name, args, opts),
};

export function createServing(kind: RouterKind, name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions): ServingStack {
  const factory = FACTORIES[kind];
  // The config rules refuse undeployable kinds first; reaching this is a servelab bug.
  if (!factory) throw new Error(`servelab: no serving component for router kind ${kind}`);
  return factory(name, args, opts);
}

export type { ServingStack } from "./types";
