/**
 * The router registry: one entry per router kind of catalog/routers.ts (the type makes a missing one a compile
 * error), each with the factory of its serving component and its config rules. Adding a router means its own
 * files, one entry here, its variant in config/schema.ts (routerSchema) and its catalog entries.
 */
import * as pulumi from "@pulumi/pulumi";
import { RouterKind } from "../catalog/routers";
import { ConfigRule } from "../cluster/facts";
import { AIBRIX_RULES } from "./aibrixSpec";
import { AibrixStack } from "./aibrixStack";
import { K8S_SERVICE_RULES } from "./k8sServiceRules";
import { K8sServiceStack } from "./k8sServiceStack";
import { KUBEAI_RULES } from "./kubeAiRules";
import { KubeAiStack } from "./kubeAiStack";
import { LLMD_RULES } from "./llmdRules";
import { LlmdStack } from "./llmdStack";
import { ProductionStack } from "./productionStack";
import { PRODUCTION_STACK_RULES } from "./productionStackRules";
import { ROUTING_RULES } from "./routingRules";
import { ServingArgs, ServingStack } from "./types";

type ServingFactory = (name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions) => ServingStack;

export interface RouterModule {
  create: ServingFactory;
  /**
   * Rules this router owns. Every router's rules run whatever router is chosen, so a router also refuses its own
   * settings (e.g. router.prefixHash) under another kind; each rule checks router.kind itself.
   */
  rules: readonly ConfigRule[];
}

export const ROUTER_MODULES: Record<RouterKind, RouterModule> = {
  "k8s-service": { create: (name, args, opts) => new K8sServiceStack(name, args, opts), rules: K8S_SERVICE_RULES },
  kubeai: { create: (name, args, opts) => new KubeAiStack(name, args, opts), rules: KUBEAI_RULES },
  "production-stack": { create: (name, args, opts) => new ProductionStack(name, args, opts), rules: PRODUCTION_STACK_RULES },
  aibrix: { create: (name, args, opts) => new AibrixStack(name, args, opts), rules: AIBRIX_RULES },
  "llm-d": { create: (name, args, opts) => new LlmdStack(name, args, opts), rules: LLMD_RULES },
};

/** Rules of every router: the shared ones (routing modes from the catalog, session key), then each router's own. */
export const ROUTER_RULES: readonly ConfigRule[] = [...ROUTING_RULES, ...Object.values(ROUTER_MODULES).flatMap((m) => m.rules)];

export function createServing(kind: RouterKind, name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions): ServingStack {
  return ROUTER_MODULES[kind].create(name, args, opts);
}

export type { ServingStack } from "./types";
