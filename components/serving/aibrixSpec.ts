/**
 * AIBrix (pure, no Pulumi): the release files to apply, how a model is deployed so the AIBrix gateway
 * serves it, the gateway's routing env, and the server-side-apply patches servelab makes to release
 * objects. Facts: vllm-project/aibrix@v0.3.0 (release files,
 * docs/source/getting_started/installation, pkg/plugins/gateway).
 */
import { objectWithRegistry, withRegistry } from "../catalog/imageRegistry";
import { AIBRIX_RELEASE_DERIVATION, carriedReleaseObjects } from "./aibrix-release/sources";
import { withReleaseApplyOrder } from "./aibrixApplyOrder";
import { createHash } from "node:crypto";
import { ROUTERS } from "../catalog/routers";
import { AIBRIX } from "../catalog/versions";
import { ClusterFacts, ConfigRule } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig, RouterConfig } from "../config/schema";
import { EngineContext, engineManifestInput } from "../engine/input";
import { EngineManifestInput } from "../engine/manifests";
import { servedModelName } from "../engine/sizing";
import { aibrixEngineMemory, aibrixKvEngine, isAibrixKvTier } from "../kvcache/aibrixKvCache";

export type AibrixVersion = keyof typeof AIBRIX_RELEASE_DERIVATION;
export const AIBRIX_VERSIONS = Object.keys(AIBRIX_RELEASE_DERIVATION) as AibrixVersion[];

export function aibrixVersion(router: Pick<RouterConfig, "version">): string {
  return router.version ?? ROUTERS.aibrix.defaultVersion!;
}

/** One release file to apply: its objects, carried as derived data (aibrix-release/), images rewritten. */
export interface AibrixReleaseFile {
  /** The published file it stands for, e.g. aibrix-core-v0.3.0.yaml. */
  name: string;
  objs: readonly Record<string, unknown>[];
}

/**
 * Release files in apply order, with every image pulled through `imageRegistry` and the order inside a file
 * the ConfigGroup would lose given as annotations (aibrixApplyOrder.ts). v0.3.0: dependency (Envoy
 * Gateway, KubeRay CRDs), then core (AIBrix CRDs, controllers, gateway). v0.7.0 ships the AIBrix CRDs as a
 * third file between the two.
 */
export function aibrixReleaseFiles(version: string, imageRegistry?: string): AibrixReleaseFile[] {
  const carried = AIBRIX_RELEASE_DERIVATION[version as AibrixVersion];
  if (!carried) throw new Error(`servelab: no AIBrix release ${version} (checkRules should have refused it)`);
  return carried.files.map((f) => ({
    name: f.published.slice(f.published.lastIndexOf("/") + 1),
    objs: withReleaseApplyOrder(carriedReleaseObjects(f.file).map((o) => objectWithRegistry(o, imageRegistry))),
  }));
}

/** In-cluster OpenAI base URL of the Envoy data plane (the regression's client URL). */
export const AIBRIX_BASE_URL = `http://${AIBRIX.envoyService.name}.${AIBRIX.envoyService.namespace}/v1`;

/**
 * v0.3.0 sends routed requests to PodIP:8000 and scrapes PodIP:8000/metrics (hard-coded), and the
 * per-model HTTPRoute targets the Service named after the model at the port of model.aibrix.ai/port.
 */
export const AIBRIX_MODEL_PORT = 8000;
// vLLM's port is fixed by the engine renderer (engine/vllmArgs.ts VLLM_PORT; extraArgs may not set --port).

export function aibrixModelLabels(model: string): Record<string, string> {
  return { "model.aibrix.ai/name": model, "model.aibrix.ai/port": String(AIBRIX_MODEL_PORT) };
}

/** Deployment, Service, label and --served-model-name are all the model name (issue vllm-project/aibrix#1845). */
export function aibrixEngineNaming(config: ExperimentConfig) {
  const model = servedModelName(config.model);
  return { name: model, service: { name: model, port: AIBRIX_MODEL_PORT }, extraLabels: aibrixModelLabels(model) };
}

/** The engine Deployment and Service input: the foundation's engine plus the AIBrix names and the KV tier. */
export function aibrixEngineInput(ctx: EngineContext): EngineManifestInput {
  const { config, facts } = ctx;
  const input = engineManifestInput(ctx, aibrixEngineNaming(config));
  const tier = config.kvCache.tier;
  if (!isAibrixKvTier(tier)) return input;
  const kv = aibrixKvEngine(tier, config.kvCache, config.engine);
  const { memory, memoryGb } = aibrixEngineMemory(config, facts);
  return {
    ...input,
    image: withRegistry(kv.image, config.cluster.imageRegistry),
    command: kv.command,
    spec: { ...input.spec, args: [...input.spec.args, ...kv.args], env: { ...input.spec.env, ...kv.env } },
    resources: { ...input.resources, memory, memoryGb },
    capabilities: kv.capabilities,
    extraLimits: kv.extraLimits,
    podAnnotations: kv.podAnnotations,
    initContainers: [...(input.initContainers ?? []), ...kv.initContainers.map((c) => ({ ...c, image: withRegistry(c.image, config.cluster.imageRegistry) }))],
  };
}

/** AIBrix v0.3.0 release values of the prefix-cache tuning env (config/overlays/release), which the regression ran. */
export const AIBRIX_PREFIX_CACHE_DEFAULTS = {
  tokenizer: "character",
  blockSize: 128,
  blockNumber: 200000,
  imbalanceAbsCount: 16,
  stdDevFactor: 2,
} as const;

/**
 * Env servelab sets on the gateway-plugin container: none without a routing mode (never an empty
 * ROUTING_ALGORITHM: the plugin then rejects every request), else the algorithm and, for prefix-cache,
 * its tuning.
 */
export function aibrixGatewayEnv(router: RouterConfig): Record<string, string> | undefined {
  if (!router.routing) return undefined;
  const env: Record<string, string> = { ROUTING_ALGORITHM: router.routing };
  if (router.routing === "prefix-cache") {
    const p = { ...AIBRIX_PREFIX_CACHE_DEFAULTS, ...router.prefixCache };
    env.AIBRIX_PREFIX_CACHE_TOKENIZER_TYPE = p.tokenizer;
    env.AIBRIX_PREFIX_CACHE_BLOCK_SIZE = String(p.blockSize);
    env.AIBRIX_PREFIX_CACHE_BLOCK_NUMBER = String(p.blockNumber);
    env.AIBRIX_PREFIX_CACHE_POD_RUNNING_REQUEST_IMBALANCE_ABS_COUNT = String(p.imbalanceAbsCount);
    env.AIBRIX_PREFIX_CACHE_STANDARD_DEVIATION_FACTOR = String(p.stdDevFactor);
  }
  return env;
}

/** Pod-template annotation whose change rolls the gateway pod (it reads ROUTING_ALGORITHM once at start). */
export const GATEWAY_ENV_HASH_ANNOTATION = "servelab.dev/gateway-env-sha256";

export function gatewayEnvHash(env: Record<string, string>): string {
  const text = Object.keys(env).sort().map((k) => `${k}=${env[k]}`).join("\n");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/**
 * Server-side-apply patch of the release's aibrix-gateway-plugins Deployment: the routing env on the
 * gateway-plugin container (env merges by name) and the env hash on the pod template. patchForce takes
 * the prefix-cache env over from the release's field manager when the values differ.
 */
export function aibrixGatewayPatch(env: Record<string, string>) {
  const g = AIBRIX.gatewayPlugins;
  return {
    apiVersion: "apps/v1" as const,
    kind: "Deployment" as const,
    metadata: { name: g.deployment, namespace: g.namespace, annotations: { "pulumi.com/patchForce": "true" } },
    spec: {
      template: {
        metadata: { annotations: { [GATEWAY_ENV_HASH_ANNOTATION]: gatewayEnvHash(env) } },
        spec: { containers: [{ name: g.container, env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
      },
    },
  };
}

/** The release's namespace, which servelab creates before the core file (it holds the EnvoyProxy below). */
export function aibrixSystemNamespace() {
  return { apiVersion: "v1" as const, kind: "Namespace" as const, metadata: { name: AIBRIX.envoyProxy.namespace } };
}

/**
 * The release's EnvoyProxy as servelab creates it before the core file (server-side apply, its own field
 * manager): only the data-plane Service type, ClusterIP unless router.exposeGateway, else LoadBalancer (Envoy
 * Gateway's default, which the release keeps: envoyproxy/gateway@v1.2.8:api/v1alpha1/shared_types.go
 * KubernetesServiceSpec.Type). The release's EnvoyProxy does not set the type, so the two appliers do not
 * conflict; the core file then applies its own fields of the same object (the provider upserts), and the
 * Gateway's Service has the type from its creation.
 * Created whatever exposeGateway says: were it created only for ClusterIP, switching a live stack to
 * exposeGateway: true would delete this resource, and deleting it deletes the release's EnvoyProxy and (the
 * namespace resource beside it) aibrix-system with the whole control plane, while the core file's state
 * still lists them.
 */
export function aibrixEnvoyProxyService(exposeGateway: boolean | undefined) {
  return {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "EnvoyProxy",
    metadata: { name: AIBRIX.envoyProxy.name, namespace: AIBRIX.envoyProxy.namespace },
    spec: { provider: { type: "Kubernetes", kubernetes: { envoyService: { type: exposeGateway ? "LoadBalancer" : "ClusterIP" } } } },
  };
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Config rules of the AIBrix router: version, model name, port, routing tuning, exposure. */
export function aibrixProblems(config: ExperimentConfig, _facts: ClusterFacts): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const { router, model } = config;
  if (router.kind !== "aibrix") {
    if (router.prefixCache) out.push({ path: "servelab:router.prefixCache", message: `applies only to router.kind: aibrix with routing: prefix-cache (kind is ${router.kind}); remove it` });
    if (router.exposeGateway !== undefined) out.push({ path: "servelab:router.exposeGateway", message: `applies only to router.kind: aibrix (kind is ${router.kind}); remove it` });
    return out;
  }
  if (router.version && !AIBRIX_VERSIONS.includes(router.version as AibrixVersion)) {
    out.push({ path: "servelab:router.version", message: `"${router.version}" is not an AIBrix release servelab has pinned; allowed: ${AIBRIX_VERSIONS.join(", ")}` });
  }
  if (router.prefixCache && router.routing !== "prefix-cache") {
    out.push({ path: "servelab:router.prefixCache", message: `applies only to routing: prefix-cache (routing is ${router.routing ?? "unset"}); remove it` });
  }
  if (!model.name) {
    out.push({ path: "servelab:model.name", message: 'is required with router.kind: aibrix: it names the Deployment, the Service and the model.aibrix.ai/name label, and must equal --served-model-name (e.g. "llama3-1-8b")' });
  } else if (!DNS_1035.test(model.name) || model.name.length > 63) {
    out.push({ path: "servelab:model.name", message: `"${model.name}" cannot be an AIBrix model name: it becomes a Service name and a label value, so it must be at most 63 lowercase letters, digits and '-', starting with a letter (e.g. "llama3-1-8b")` });
  }
  return out;
}

export const AIBRIX_RULES: readonly ConfigRule[] = [(config, facts, out) => out.push(...aibrixProblems(config, facts))];
