/**
 * KubeAI 0.22.1 (kubeai-project/kubeai@f442a2cd charts/kubeai, manifests/crds): chart values, the resource profile derived from the
 * cluster's GPU pool, the Model custom resource and the round-robin baseline Service. Pure, no Pulumi.
 */
import { withRegistry } from "../catalog/imageRegistry";
import { IMAGES, KUBEAI_CHART_IMAGES } from "../catalog/versions";
import { ExperimentConfig, Toleration } from "../config/schema";
import { ClusterFacts } from "../cluster/facts";
import { Placement } from "../cluster/types";
import { gibQuantity } from "../config/quantity";
import { engineResources, servedModelName } from "../engine/sizing";
import { VLLM_PORT, flagName, renderVllmSpec } from "../engine/vllmArgs";

/** The profile servelab defines in the chart values; Models ask for `<PROFILE>:<GPUs per replica>`. */
export const KUBEAI_PROFILE = "servelab-gpu";
/** KubeAI's defaults for PrefixHash (kubeai.org_models.yaml). */
export const PREFIX_HASH_DEFAULTS = { meanLoadFactor: 125, replication: 256, prefixCharLength: 100 } as const;
/** Flags KubeAI passes itself (`--model=<ref> --served-model-name=<metadata.name>`). */
const KUBEAI_OWNED_FLAGS = new Set(["--model", "--served-model-name"]);

export interface KubeAiProfile {
  imageName: string;
  requests: Record<string, string>;
  limits: Record<string, string>;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

/**
 * One GPU's share of a replica: KubeAI multiplies the profile's requests and limits by the count in
 * `resourceProfile: <name>:<count>`, so CPU and memory are the replica's size divided by its GPUs.
 * Placement is the cluster's own GPU pool (its node selector already names the pool and accelerator);
 * `cloud.google.com/gke-spot` is only added when the pool is spot.
 */
export function kubeAiProfile(config: ExperimentConfig, facts: ClusterFacts, gpuPlacement: Placement): KubeAiProfile {
  const res = engineResources(config.engine, facts.gpu);
  const gpus = config.engine.tensorParallel;
  const cpu = Math.max(1, Math.floor(res.cpu / gpus));
  const memory = gibQuantity(res.memoryGb / gpus);
  const nodeSelector = { ...gpuPlacement.nodeSelector };
  if (config.cluster.provider === "gke" && config.cluster.gpu.provisioning === "spot") nodeSelector["cloud.google.com/gke-spot"] = "true";
  return {
    imageName: "nvidia-gpu",
    requests: { "nvidia.com/gpu": "1", cpu: String(cpu), memory },
    limits: { "nvidia.com/gpu": "1" },
    nodeSelector,
    tolerations: gpuPlacement.tolerations,
  };
}

export interface KubeAiValuesInput {
  profile: KubeAiProfile;
  systemPlacement: Placement;
  /** Name of an existing Secret with key `token` (the chart then creates none). */
  hfTokenSecret?: string;
  /** servelab:cluster.imageRegistry: the chart's controller, vLLM and model-loader images are pulled through it. */
  imageRegistry?: string;
}

/** The images the kubeai chart deploys for servelab's models, pulled through `prefix` (chart maps merge, so other engines' images stay). */
export function kubeAiImageValues(prefix: string): Record<string, unknown> {
  return {
    image: { repository: withRegistry(KUBEAI_CHART_IMAGES.controllerRepository, prefix) },
    modelServers: { VLLM: { images: { default: withRegistry(KUBEAI_CHART_IMAGES.vllmDefault, prefix), "nvidia-gpu": withRegistry(IMAGES.kubeaiVllm, prefix) } } },
    modelLoading: { image: withRegistry(KUBEAI_CHART_IMAGES.modelLoader, prefix) },
  };
}

/** Values for the kubeai chart: Open WebUI off, only servelab's profile, controller on the system pool. */
export function kubeAiChartValues(input: KubeAiValuesInput): Record<string, unknown> {
  return {
    "open-webui": { enabled: false },
    // The chart fails on create: false without a name; with no token the chart's defaults stay.
    ...(input.hfTokenSecret ? { secrets: { huggingface: { create: false, name: input.hfTokenSecret } } } : {}),
    resourceProfiles: { [KUBEAI_PROFILE]: input.profile },
    nodeSelector: input.systemPlacement.nodeSelector,
    tolerations: input.systemPlacement.tolerations,
    ...(input.imageRegistry ? kubeAiImageValues(input.imageRegistry) : {}),
  };
}

/** vLLM arguments for the Model: the one engine spec without the flags KubeAI sets itself. */
export function kubeAiModelArgs(config: ExperimentConfig): { args: string[]; env: Record<string, string> } {
  const spec = renderVllmSpec(config.model, config.engine);
  const args: string[] = [];
  for (let i = 0; i < spec.args.length; i++) {
    const arg = spec.args[i];
    const flag = flagName(arg);
    if (flag && KUBEAI_OWNED_FLAGS.has(flag)) {
      if (!arg.includes("=") && i + 1 < spec.args.length && flagName(spec.args[i + 1]) === undefined) i++;
      continue;
    }
    args.push(arg);
  }
  return { args, env: spec.env };
}

export function kubeAiModelName(config: ExperimentConfig): string {
  return servedModelName(config.model);
}

/** The routing under KubeAI: a proxy strategy, or `k8s-service` (the proxy is bypassed). */
export function kubeAiStrategy(config: ExperimentConfig): "LeastLoad" | "PrefixHash" {
  return config.router.routing === "PrefixHash" ? "PrefixHash" : "LeastLoad";
}

export interface ModelManifestInput {
  config: ExperimentConfig;
  namespace: string;
  labels: Record<string, string>;
  /** Seconds Pulumi waits for all replicas to be ready. */
  readyTimeoutSeconds: number;
}

export function kubeAiModelManifest(input: ModelManifestInput) {
  const { config } = input;
  const name = kubeAiModelName(config);
  const { args, env } = kubeAiModelArgs(config);
  const replicas = config.engine.replicas;
  const strategy = kubeAiStrategy(config);
  const loadBalancing: Record<string, unknown> = { strategy };
  if (strategy === "PrefixHash") loadBalancing.prefixHash = { ...PREFIX_HASH_DEFAULTS, ...(config.router.prefixHash ?? {}) };
  return {
    apiVersion: "kubeai.org/v1",
    kind: "Model",
    metadata: {
      name,
      namespace: input.namespace,
      labels: input.labels,
      annotations: {
        "pulumi.com/waitFor": `jsonpath={.status.replicas.ready}=${replicas}`,
        "pulumi.com/timeoutSeconds": String(input.readyTimeoutSeconds),
      },
    },
    spec: {
      features: ["TextGeneration"],
      url: config.model.source,
      engine: "VLLM",
      image: withRegistry(config.engine.image, config.cluster.imageRegistry),
      args,
      env,
      resourceProfile: `${KUBEAI_PROFILE}:${config.engine.tensorParallel}`,
      minReplicas: replicas,
      maxReplicas: replicas,
      replicas,
      autoscalingDisabled: true,
      loadBalancing,
    },
  };
}

/** The round-robin baseline: a ClusterIP Service over this Model's pods (label `model: <name>`), 80 -> 8000. */
export function kubeAiDirectServiceManifest(config: ExperimentConfig, namespace: string, labels: Record<string, string>) {
  const model = kubeAiModelName(config);
  return {
    apiVersion: "v1" as const,
    kind: "Service" as const,
    metadata: { name: KUBEAI_DIRECT_SERVICE, namespace, labels },
    spec: {
      type: "ClusterIP",
      selector: { app: "model", model },
      ports: [{ name: "http", port: 80, targetPort: VLLM_PORT, protocol: "TCP" }],
    },
  };
}

/** KubeAI's docs call the baseline Service `vllm-direct`; one Model per experiment namespace, so one name. */
export const KUBEAI_DIRECT_SERVICE = "vllm-direct";

/** In-cluster OpenAI base URLs (ending in /v1). */
export function kubeAiBaseUrl(config: ExperimentConfig, namespace: string): string {
  if (config.router.routing === "k8s-service") return `http://${KUBEAI_DIRECT_SERVICE}.${namespace}.svc.cluster.local/v1`;
  return `http://kubeai.${namespace}.svc.cluster.local/openai/v1`;
}
