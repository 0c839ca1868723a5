/**
 * The router registry: one entry per router kind of catalog/routers.ts (the type makes a missing one a compile
 * error), each with the factory of its serving component and its config rules. Adding a router means its own
 * files, one entry here, its variant in config/schema.ts (routerSchema) and its catalog entries.
 */
import * as pulumi from "@pulumi/pulumi";
import { RouterKind } from "../catalog/routers";
import { ConfigRule } from "../cluster/facts";
import { RouterConfig } from "../config/schema";
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
  /**
   * Whether a rehearsal (components/rehearsal/) can keep this router while the engines become llm-d's simulator: it
   * can where servelab or the upstream lets the engine image and command be replaced; otherwise why not.
   */
  rehearsal: { engines: "simulator" } | { refused: string };
}

const SIMULATED = { engines: "simulator" } as const;

export const ROUTER_MODULES: Record<RouterKind, RouterModule> = {
  // servelab's own engine Deployment (engine/vllmDeployment.ts) under every router but KubeAI and production-stack.
  "k8s-service": { create: (name, args, opts) => new K8sServiceStack(name, args, opts), rules: K8S_SERVICE_RULES, rehearsal: SIMULATED },
  kubeai: {
    create: (name, args, opts) => new KubeAiStack(name, args, opts),
    rules: KUBEAI_RULES,
    rehearsal: {
      refused:
        "KubeAI 0.22.1 lets a Model replace the engine image (spec.image) but not its command: the operator starts every VLLM Model pod with `python3 -m vllm.entrypoints.openai.api_server` (kubeai-project/kubeai@f442a2cd:internal/modelcontroller/engine_vllm.go), which the simulator image (one Go binary on distroless) cannot run",
    },
  },
  "production-stack": {
    create: (name, args, opts) => new ProductionStack(name, args, opts),
    rules: PRODUCTION_STACK_RULES,
    rehearsal: {
      refused:
        "the vllm-stack chart 0.1.12 starts the engine container with a fixed command, `vllm serve <modelURL>` (`/opt/venv/bin/vllm` for lmcache/vllm-openai), and has no value to replace it (vllm-project/production-stack@vllm-stack-0.1.12:helm/templates/deployment-vllm-multi.yaml); the simulator image has no vllm executable",
    },
  },
  aibrix: { create: (name, args, opts) => new AibrixStack(name, args, opts), rules: AIBRIX_RULES, rehearsal: SIMULATED },
  "llm-d": { create: (name, args, opts) => new LlmdStack(name, args, opts), rules: LLMD_RULES, rehearsal: SIMULATED },
};

/**
 * llm-d's precise mode needs KV-cache events from every engine; servelab does not configure the simulator's own
 * event publisher, so a rehearsal of that mode would score from events that never come.
 */
const NOT_SIMULATED_ROUTING: Partial<Record<RouterKind, Record<string, string>>> = {
  "llm-d": {
    "precise-prefix-cache": "routing precise-prefix-cache needs KV-cache events from the engines, which servelab publishes from vLLM only (not from the simulator); rehearse the row with routing prefix-cache",
  },
};

/** Why a row's router (its kind, or its routing mode) cannot be rehearsed with the simulator, or undefined. */
export function routerRehearsalRefusal(router: Pick<RouterConfig, "kind" | "routing">): string | undefined {
  const r = ROUTER_MODULES[router.kind].rehearsal;
  if ("refused" in r) return r.refused;
  return router.routing === undefined ? undefined : NOT_SIMULATED_ROUTING[router.kind]?.[router.routing];
}

/** Rules of every router: the shared ones (routing modes from the catalog, session key), then each router's own. */
export const ROUTER_RULES: readonly ConfigRule[] = [...ROUTING_RULES, ...Object.values(ROUTER_MODULES).flatMap((m) => m.rules)];

export function createServing(kind: RouterKind, name: string, args: ServingArgs, opts: pulumi.ComponentResourceOptions): ServingStack {
  return ROUTER_MODULES[kind].create(name, args, opts);
}

export type { ServingStack } from "./types";
