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
import type * as pulumi from "@pulumi/pulumi";
import { imagePath, withRegistry } from "../catalog/imageRegistry";
import { INFERENCE_SIM, LLMD } from "../catalog/versions";
import { EngineConfig, ExperimentConfig } from "../config/schema";
import { Placement } from "../cluster/types";
import { EngineContext, EngineNaming, engineManifestInput } from "../engine/input";
import { KvEventsPublisher, POD_IP_ENV } from "../engine/kvEvents";
import { EngineManifestInput, engineSelector } from "../engine/manifests";
import { hfRepo, servedModelName } from "../engine/sizing";
import { VLLM_PORT, flagName } from "../engine/vllmArgs";
import { weightsEnv } from "../engine/weights";
import { llmdEppConfig, llmdEppConfigFile, LlmdPreciseInputs, LlmdRouting } from "./llmdEppConfig";

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

/**
 * The port every engine publishes its KV-cache events on: the EPP's default per-pod socket port
 * (pkg/kvevents/pool.go DefaultPodReconcilerConfig at v0.10.0), which is also vLLM's default endpoint port.
 */
export const LLMD_KV_EVENTS_PORT = 5557;
/** The topic prefix the EPP's subscribers filter on (pkg/kvevents/pool.go DefaultConfig TopicFilter). */
export const LLMD_KV_TOPIC_FILTER = "kv@";
/** The tokenizer sidecar's loopback port (routerlib values.yaml router.tokenizer.port). */
export const LLMD_TOKENIZER_PORT = 8000;
/** vLLM's KV block size on GPUs when no --block-size is given (check_and_update_config in vllm/platforms/cuda.py, rocm.py). */
export const VLLM_DEFAULT_BLOCK_SIZE = 16;

/**
 * What the engines publish in precise mode. The topic is "kv@<pod>@<model>" (pkg/kvevents/engineadapter/common.go
 * parseTopic): the model segment is the name requests carry, which the EPP's lookup keys on (request.TargetModel in
 * dataproducer/preciseprefixcache/blockkeys.go); the pod segment is the pod's IP and port as in llm-d's precise
 * guide (llm-d/llm-d-benchmark config/scenarios/guides/precise-prefix-cache-routing.yaml), although the per-pod
 * subscriber keys events by the endpoint it dialed (pkg/kvevents/pool.go).
 */
export function llmdKvEventsPublisher(config: ExperimentConfig): KvEventsPublisher {
  return { port: LLMD_KV_EVENTS_PORT, topic: `${LLMD_KV_TOPIC_FILTER}$(${POD_IP_ENV}):${VLLM_PORT}@${servedModelName(config.model)}` };
}

/**
 * The engines' KV block size: --block-size from engine.extraArgs, else vLLM's default. Read as vLLM reads it: its
 * FlexibleArgumentParser turns `_` into `-` in flag names (so --block_size is the same flag), and argparse keeps the
 * last value given.
 */
export function engineBlockSize(engine: Pick<EngineConfig, "extraArgs">): number {
  const args = engine.extraArgs;
  let size = VLLM_DEFAULT_BLOCK_SIZE;
  for (let i = 0; i < args.length; i++) {
    if (flagName(args[i]) !== "--block-size") continue;
    const eq = args[i].indexOf("=");
    if (eq >= 0) size = Number(args[i].slice(eq + 1));
    else if (args[i + 1] !== undefined) size = Number(args[i + 1]);
  }
  return size;
}

/** The inputs the precise EPP configuration shares with the engines and the tokenizer sidecar. */
export function llmdPreciseInputs(config: ExperimentConfig): LlmdPreciseInputs {
  return {
    tokenizerModel: hfRepo(config.model),
    tokenizerPort: LLMD_TOKENIZER_PORT,
    kvEventsPort: LLMD_KV_EVENTS_PORT,
    topicFilter: LLMD_KV_TOPIC_FILTER,
    blockSizeTokens: engineBlockSize(config.engine),
  };
}

export function llmdEngineInput(ctx: EngineContext): EngineManifestInput {
  const precise = llmdRouting(ctx.config) === "precise-prefix-cache";
  return engineManifestInput(ctx, llmdEngineNaming(), precise ? { kvEvents: llmdKvEventsPublisher(ctx.config) } : {});
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
/** The tokenizer sidecar tokenizes prompts only (no weights); the chart's 4 CPUs would crowd an e2-standard-8. */
export const LLMD_TOKENIZER_RESOURCES = { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } };

export interface LlmdValuesInput {
  config: ExperimentConfig;
  systemPlacement: Placement;
  /** Secret (key `token`) holding servelab:hfToken, for the tokenizer sidecar of the precise mode. */
  hfTokenSecret?: pulumi.Input<string>;
}

/**
 * router.tokenizer for the precise mode: the chart's `vllm launch render <model>` sidecar in the EPP pod
 * (routerlib templates/_deployment.yaml), at the pinned image, with the Hugging Face token from servelab's secret.
 * `env` is always set: the chart's default refers to a Secret `llm-d-hf-token` that servelab does not create.
 */
export function llmdTokenizerValues(config: ExperimentConfig, hfTokenSecret?: pulumi.Input<string>): Record<string, unknown> {
  const image = chartImage(LLMD.tokenizerImage, config.cluster.imageRegistry);
  const env: Record<string, unknown>[] = [];
  if (hfTokenSecret) env.push({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: hfTokenSecret, key: "token" } } });
  for (const [name, value] of Object.entries(weightsEnv(config.model))) env.push({ name, value });
  return {
    enabled: true,
    modelName: hfRepo(config.model),
    image: { ...image, pullPolicy: "IfNotPresent" },
    port: LLMD_TOKENIZER_PORT,
    env,
    resources: LLMD_TOKENIZER_RESOURCES,
  };
}

type ChartImage = { registry: string; repository: string; tag: string };

/** The chart writes <registry>/<repository>:<tag>; a mirror keeps the repository path (catalog/imageRegistry.ts). */
function chartImage(image: ChartImage, mirror: string | undefined): ChartImage {
  if (!mirror) return { registry: image.registry, repository: image.repository, tag: image.tag };
  return { registry: mirror.replace(/\/+$/, ""), repository: imagePath(`${image.registry}/${image.repository}`), tag: image.tag };
}

/** Values for llm-d-router-standalone v0.10.0: only the keys servelab sets (test/llmdValuesSchema.ts lists them). */
export function renderLlmdValues({ config, systemPlacement, hfTokenSecret }: LlmdValuesInput): Record<string, unknown> {
  const routing = llmdRouting(config);
  const precise = routing === "precise-prefix-cache";
  const file = llmdEppConfigFile(routing);
  const registry = config.cluster.imageRegistry;
  const eppImage = chartImage(LLMD.eppImage, registry);
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
        pluginsCustomConfig: { [file]: llmdEppConfig(routing, config.rehearsal ? INFERENCE_SIM.image : config.engine.image, precise ? llmdPreciseInputs(config) : undefined) },
      },
      ...(precise ? { tokenizer: llmdTokenizerValues(config, hfTokenSecret) } : {}),
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
