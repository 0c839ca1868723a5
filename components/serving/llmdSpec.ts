/**
 * llm-d's router (pure): an InferencePool with llm-d's endpoint picker (EPP) and an Envoy sidecar in front of
 * servelab's own vLLM Deployment, through the `llm-d-router-standalone` chart at v0.10.0 (catalog LLMD).
 *
 * Why the standalone chart: it serves the benchmark with no Gateway product. Its Envoy sidecar in the EPP pod
 * listens on 8081, asks the EPP (ext_proc on 127.0.0.1:9002) for an endpoint per request and forwards there
 * (routerlib values.yaml of llm-d-router-standalone: router.proxy.presets.envoy), and the chart's EPP Service is
 * ClusterIP with that port added (router.extraServicePorts "http" 8081). The gateway chart would add an HTTPRoute
 * and need a Gateway implementation plus the Gateway API CRDs; nothing in the benchmark needs them.
 * With router.inferencePool.create (the chart's default) the chart renders the InferencePool and starts the EPP
 * with --pool-name, so the EPP discovers the engines through the pool (config/charts/routerlib/templates/
 * _deployment.yaml and _inferencepool.yaml at v0.10.0). The pool's CRD comes from the Gateway API Inference
 * Extension release the tag's go.mod pins (LLMD.inferencePoolCrds).
 */
import { imagePath, withRegistry } from "../catalog/imageRegistry";
import { LLMD } from "../catalog/versions";
import { ExperimentConfig } from "../config/schema";
import { Placement } from "../cluster/types";
import { EngineContext, EngineNaming, engineManifestInput } from "../engine/input";
import { EngineManifestInput, engineSelector } from "../engine/manifests";
import { VLLM_PORT } from "../engine/vllmArgs";
import { llmdEppConfig, llmdEppConfigFile, LlmdRouting } from "./llmdEppConfig";

/** Helm release; the chart names the EPP Deployment and Service `<release>-epp` and the InferencePool `<release>`. */
export const LLMD_RELEASE = "llmd";
/** The engine Deployment (servelab's VllmDeployment) and its Service. */
export const LLMD_ENGINE_NAME = "vllm-llmd";
/** The Envoy listener the standalone chart exposes on the EPP Service (values.yaml router.extraServicePorts). */
export const LLMD_PROXY_PORT = 8081;
/** The EPP's ext_proc port (routerlib values.yaml router.epp.extProcPort). */
export const LLMD_EXT_PROC_PORT = 9002;
/**
 * Pod label the EPP's core-metrics-extractor reads to pick the engine's metric names; unlabelled pods get the
 * default engine, vllm (pkg/epp/framework/plugins/datalayer/extractor/metrics: DefaultEngineTypeLabelKey).
 */
export const LLMD_ENGINE_TYPE_LABEL = "llm-d.ai/engine-type";

export const llmdEppName = (release: string) => `${release}-epp`;

export function llmdBaseUrl(release: string, namespace: string): string {
  return `http://${llmdEppName(release)}.${namespace}.svc.cluster.local:${LLMD_PROXY_PORT}/v1`;
}

export function llmdRouting(config: ExperimentConfig): LlmdRouting {
  return (config.router.routing ?? "prefix-cache") as LlmdRouting;
}

/** The labels the InferencePool selects: the engine Deployment's selector plus the engine type label. */
export function llmdPoolLabels(): Record<string, string> {
  return { ...engineSelector({ name: LLMD_ENGINE_NAME }), [LLMD_ENGINE_TYPE_LABEL]: "vllm" };
}

export function llmdEngineNaming(): EngineNaming {
  return { name: LLMD_ENGINE_NAME, service: { name: LLMD_ENGINE_NAME, port: VLLM_PORT }, extraLabels: { [LLMD_ENGINE_TYPE_LABEL]: "vllm" } };
}

export function llmdEngineInput(ctx: EngineContext): EngineManifestInput {
  return engineManifestInput(ctx, llmdEngineNaming());
}

/**
 * The chart's EPP pod has affinity and tolerations but no nodeSelector (routerlib templates/_deployment.yaml), so the
 * system pool's node selector becomes a required node affinity.
 */
export function nodeAffinityFor(placement: Placement): Record<string, unknown> {
  const expressions = Object.entries(placement.nodeSelector).map(([key, value]) => ({ key, operator: "In", values: [value] }));
  if (expressions.length === 0) return {};
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } };
}

/** Requests and limits of the EPP and its Envoy sidecar (the chart's defaults, 8 CPUs for the EPP alone, exceed an e2-standard-8). */
export const LLMD_EPP_RESOURCES = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } };
export const LLMD_PROXY_RESOURCES = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };

export interface LlmdValuesInput {
  config: ExperimentConfig;
  systemPlacement: Placement;
}

/** Values for llm-d-router-standalone v0.10.0: only the keys servelab sets (test/llmdValuesSchema.ts lists them). */
export function renderLlmdValues({ config, systemPlacement }: LlmdValuesInput): Record<string, unknown> {
  const routing = llmdRouting(config);
  const file = llmdEppConfigFile(routing);
  const registry = config.cluster.imageRegistry;
  const epp = LLMD.eppImage;
  // The chart writes <registry>/<repository>:<tag>; a mirror keeps the repository path (catalog/imageRegistry.ts).
  const eppImage = registry
    ? { registry: registry.replace(/\/+$/, ""), repository: imagePath(`${epp.registry}/${epp.repository}`), tag: epp.tag }
    : { registry: epp.registry, repository: epp.repository, tag: epp.tag };
  const tolerations = systemPlacement.tolerations;
  return {
    router: {
      modelServers: { type: "vllm", protocol: "http", matchLabels: llmdPoolLabels(), targetPorts: [{ number: VLLM_PORT }] },
      // The CRD's values are FailOpen | FailClose (GAIE v1.5.0 inferencepools CRD); the chart's README says "FailClosed",
      // which the API server would refuse. A gateway reads this; the standalone Envoy reads router.proxy.failOpen.
      inferencePool: { create: true, failureMode: "FailClose" },
      epp: {
        replicas: 1,
        image: { ...eppImage, pullPolicy: "IfNotPresent" },
        resources: LLMD_EPP_RESOURCES,
        affinity: nodeAffinityFor(systemPlacement),
        tolerations,
        pluginsConfigFile: file,
        pluginsCustomConfig: { [file]: llmdEppConfig(routing, config.engine.image) },
      },
      // Without a token (routerlib renders --metrics-endpoint-auth=false): servelab's benchmark Job scrapes the EPP's
      // /metrics on port 9090, and a namespaced Role cannot grant the nonResourceURL the default auth checks.
      monitoring: { prometheus: { auth: { enabled: false } } },
      proxy: {
        enabled: true,
        proxyType: "envoy",
        mode: "sidecar",
        // A request the EPP cannot place fails instead of bypassing the picker, so a result is always the EPP's routing.
        failOpen: false,
        resources: LLMD_PROXY_RESOURCES,
        ...(registry ? { image: withRegistry(LLMD.envoyImage, registry) } : {}),
      },
    },
  };
}

/**
 * The InferencePool the chart renders from these values (routerlib templates/_inferencepool.yaml at v0.10.0: name
 * and namespace of the release, targetPorts, appProtocol "http", selector.matchLabels, endpointPickerRef to the
 * `<release>-epp` Service on the ext_proc port, failureMode). Checked against `helm template` of the tag's chart.
 */
export function llmdInferencePool(values: Record<string, any>, release: string, namespace: string): Record<string, unknown> {
  const router = values.router;
  return {
    apiVersion: "inference.networking.k8s.io/v1",
    kind: "InferencePool",
    metadata: { name: release, namespace },
    spec: {
      targetPorts: router.modelServers.targetPorts.map((p: { number: number }) => ({ number: p.number })),
      appProtocol: "http",
      selector: { matchLabels: router.modelServers.matchLabels },
      endpointPickerRef: { name: llmdEppName(release), port: { number: LLMD_EXT_PROC_PORT }, failureMode: router.inferencePool.failureMode },
    },
  };
}
