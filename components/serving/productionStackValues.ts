/**
 * Values for production-stack's `vllm-stack` chart (0.1.12), rendered from the same config every
 * router uses (pure, no Pulumi). Facts: vllm-project/production-stack
 * tag vllm-stack-0.1.12 (66b60661) helm/templates and helm/values.schema.json.
 *
 * The vLLM flags come from the one engine spec (engine/vllmArgs.ts renderVllmSpec): the flags the
 * chart has a `vllmConfig` key for become those keys, the chart's own flags (--model from modelURL,
 * --host, --port) are dropped, and every other rendered flag goes verbatim into `vllmConfig.extraArgs`.
 */
import { withRegistry } from "../catalog/imageRegistry";
import { IMAGES } from "../catalog/versions";
import { quantityGb } from "../config/quantity";
import { ExperimentConfig, Toleration } from "../config/schema";
import { ClusterFacts } from "../cluster/facts";
import { Placement } from "../cluster/types";
import { engineProbes } from "../engine/manifests";
import { engineAwaitMinutes, engineResources, hfRepo, startupBudgetMinutes } from "../engine/sizing";
import { renderVllmSpec, VLLM_PORT } from "../engine/vllmArgs";
import { dnsName } from "../util/labels";

/** Service port of `<release>-router-service` (chart default routerSpec.servicePort). */
export const PS_ROUTER_SERVICE_PORT = 80;
/** The only repository for which the chart runs `/opt/venv/bin/vllm serve` (the LMCache image layout). */
export const LMCACHE_REPOSITORY = "lmcache/vllm-openai";
/** Host memory an engine pod needs besides the pinned LMCache buffer (weights staging, Python, CUDA). */
export const LMCACHE_ENGINE_OVERHEAD_GB = 30;
/** Router pod size for long-prompt benchmarks (research: ≥ 2 CPU, 4–8 GiB; tutorial 08 uses 2 CPU / 8G). */
export const PS_ROUTER_RESOURCES = { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8Gi" } };
/** Seconds per GB the engine needs to allocate and pin the LMCache CPU buffer (our estimate; unverified). */
const PIN_SECONDS_PER_GB = 1;
const PROBE = { initialDelaySeconds: 15, periodSeconds: 10 };
/** Name of the one modelSpec entry; deployments are `<release>-<name>-deployment-vllm`. */
export const PS_MODEL_SPEC_NAME = "llm";

/**
 * Flags of the rendered spec that map to a vllmConfig key, or that the chart writes itself.
 * Flags with a value take the next argument.
 */
const CHART_FLAGS: Record<string, { key?: string; value: boolean; parse?: (v: string) => unknown }> = {
  "--model": { value: true }, // chart: `vllm serve <modelURL>`
  "--host": { value: true }, // chart: always --host 0.0.0.0
  "--port": { value: true }, // chart: --port containerPort (8000)
  "--tensor-parallel-size": { key: "tensorParallelSize", value: true, parse: Number },
  "--max-model-len": { key: "maxModelLen", value: true, parse: Number },
  "--max-num-seqs": { key: "maxNumSeqs", value: true, parse: Number },
  "--gpu-memory-utilization": { key: "gpuMemoryUtilization", value: true, parse: Number },
  "--enable-prefix-caching": { key: "enablePrefixCaching", value: false, parse: () => true },
  "--no-enable-prefix-caching": { key: "enablePrefixCaching", value: false, parse: () => false },
  "--enable-chunked-prefill": { key: "enableChunkedPrefill", value: false, parse: () => true },
  "--no-enable-chunked-prefill": { key: "enableChunkedPrefill", value: false, parse: () => false },
};

export interface VllmConfigValues {
  enablePrefixCaching: boolean;
  enableChunkedPrefill?: boolean;
  tensorParallelSize: number;
  maxModelLen?: number;
  maxNumSeqs?: number;
  gpuMemoryUtilization: number;
  extraArgs: string[];
}

/** Splits the engine spec's argument list into the chart's vllmConfig keys and extraArgs (strings). */
export function vllmConfigFromArgs(args: readonly string[]): VllmConfigValues {
  const config: Record<string, unknown> = { extraArgs: [] as string[] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const known = CHART_FLAGS[arg];
    if (!known) {
      (config.extraArgs as string[]).push(String(arg));
      continue;
    }
    const value = known.value ? args[++i] : "";
    if (known.key) config[known.key] = known.parse ? known.parse(value) : value;
  }
  return config as unknown as VllmConfigValues;
}

/** "repo/name:tag" -> {repository, tag}; undefined when there is no tag or a digest is used. */
export function splitImage(image: string): { repository: string; tag: string } | undefined {
  if (image.includes("@")) return undefined;
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon <= slash || colon === image.length - 1) return undefined;
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}

/**
 * The engine image the chart runs. With the lmcache-cpu tier and the default (upstream vLLM) image,
 * servelab uses the pinned LMCache build instead: upstream vLLM has no LMCache connector.
 */
export function productionStackImage(config: ExperimentConfig): string {
  const { engine, kvCache } = config;
  if (kvCache.tier === "lmcache-cpu" && engine.image === IMAGES.vllm) return IMAGES.lmcacheVllm;
  return engine.image;
}

/** Engine pod memory: the configured/default size, raised to buffer + overhead with LMCache (GB, rounded up to Gi). */
export function productionStackMemory(config: ExperimentConfig, facts: ClusterFacts): { memory: string; memoryGb: number } {
  const res = engineResources(config.engine, facts.gpu);
  if (config.kvCache.tier !== "lmcache-cpu" || config.engine.memory !== undefined) return { memory: res.memory, memoryGb: res.memoryGb };
  const needGb = lmcacheMinMemoryGb(config.kvCache.sizeGb ?? 0);
  if (res.memoryGb >= needGb) return { memory: res.memory, memoryGb: res.memoryGb };
  const gi = Math.ceil((needGb * 1e9) / 2 ** 30);
  return { memory: `${gi}Gi`, memoryGb: quantityGb(`${gi}Gi`) };
}

export function lmcacheMinMemoryGb(sizeGb: number): number {
  return sizeGb + LMCACHE_ENGINE_OVERHEAD_GB;
}

/** The release name: one release per experiment, named after the namespace (the stack). */
export function productionStackRelease(namespace: string): string {
  // Chart object names are `<release>-deployment-router`, `<release>-<model>-deployment-vllm` (+ -xxxxx pod suffix).
  return dnsName(`ps-${namespace}`, 30);
}

/** The router's in-cluster OpenAI base URL. */
export function productionStackBaseUrl(release: string, namespace: string): string {
  return `http://${release}-router-service.${namespace}.svc.cluster.local/v1`;
}

function nodeSelectorTerms(selector: Record<string, string>) {
  const keys = Object.keys(selector).sort();
  if (keys.length === 0) return undefined;
  return [{ matchExpressions: keys.map((key) => ({ key, operator: "In", values: [selector[key]] })) }];
}

function tolerations(list: Toleration[]) {
  return list.map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)));
}

export interface ProductionStackValuesInput {
  config: ExperimentConfig;
  facts: ClusterFacts;
  release: string;
  gpuPlacement: Placement;
  systemPlacement?: Placement;
  /** Name of the Secret holding the Hugging Face token under key `token`. */
  hfTokenSecret?: string;
}

/** Startup probe failureThreshold: engine budget (pull, download, load, warm-up) + LMCache buffer pinning. */
export function productionStackStartupProbe(config: ExperimentConfig) {
  const pinSeconds = config.kvCache.tier === "lmcache-cpu" ? (config.kvCache.sizeGb ?? 0) * PIN_SECONDS_PER_GB : 0;
  const seconds = startupBudgetMinutes(config.engine, config.model) * 60 + pinSeconds;
  return { ...PROBE, failureThreshold: Math.ceil(seconds / PROBE.periodSeconds) };
}

/**
 * Pulumi's await for the chart's engine Deployment: every replica ready (`status.readyReplicas` = replicas), within
 * the engines' whole budget. The chart renders `modelSpec.annotations` onto the engine Deployment
 * (vllm-project/production-stack@vllm-stack-0.1.12:helm/templates/deployment-vllm-multi.yaml), and a
 * `pulumi.com/waitFor` annotation replaces pulumi-kubernetes' built-in Deployment await (provider/pkg/await/await.go
 * "Use our built-in await logic only if the user hasn't specified any await overrides", v4.32.0 and later), so the
 * chart's fixed `progressDeadlineSeconds: 1200` no longer fails a cold start that takes longer, and
 * `pulumi.com/timeoutSeconds` replaces the 10-minute default. Skipping the await instead left only the benchmark's
 * readiness gate, which passes as soon as the router lists the model and one request succeeds, i.e. with the first
 * of the replicas ready: the sweep could start on part of the engines.
 */
export function productionStackEngineAwait(config: ExperimentConfig): Record<string, string> {
  return {
    "pulumi.com/waitFor": `jsonpath={.status.readyReplicas}=${config.engine.replicas}`,
    "pulumi.com/timeoutSeconds": String(productionStackStartupMinutes(config) * 60),
  };
}

/**
 * The engine Service's endpoints exist only once engines are ready, which the Deployment's await above covers:
 * the Service (`modelSpec.serviceAnnotations`, helm/templates/service-vllm.yaml at that tag) skips its own.
 */
export const PS_SERVICE_AWAIT_ANNOTATIONS = { "pulumi.com/skipAwait": "true" };

/**
 * The engines' startup, liveness and readiness probes with the timing of servelab's own engines (engine/manifests.ts
 * engineProbes). The chart's defaults have no timeoutSeconds (helm/values.yaml servingEngineSpec.*Probe; the
 * `chart.templateProbe` helper in helm/templates/_helpers.tpl renders it only when set), so Kubernetes' 1 s applies,
 * and a loaded engine answering /health in more than a second for 30 s would be restarted (liveness 3 × 10 s) or
 * leave the router's discovery (readiness 3 × 5 s): rows behind the chart would then measure restarts the other
 * routers' rows do not have.
 */
export function productionStackProbes(config: ExperimentConfig) {
  const budget = startupBudgetMinutes(config.engine, config.model);
  const { startupProbe, livenessProbe, readinessProbe } = engineProbes(budget);
  const chartProbe = ({ httpGet, ...timing }: { httpGet: { path: string } } & Record<string, unknown>) => ({ ...timing, httpGet: { path: httpGet.path, port: VLLM_PORT } });
  return {
    startupProbe: { ...chartProbe(startupProbe), ...productionStackStartupProbe(config) },
    livenessProbe: { initialDelaySeconds: PROBE.initialDelaySeconds, ...chartProbe(livenessProbe) },
    readinessProbe: { initialDelaySeconds: PROBE.initialDelaySeconds, ...chartProbe(readinessProbe) },
  };
}

/** Minutes Pulumi waits for the chart's engines: startup budget, buffer pinning, node and pull slack. */
export function productionStackStartupMinutes(config: ExperimentConfig): number {
  const pinSeconds = config.kvCache.tier === "lmcache-cpu" ? (config.kvCache.sizeGb ?? 0) * PIN_SECONDS_PER_GB : 0;
  return engineAwaitMinutes(config.engine, config.model, pinSeconds);
}

/** The chart values (assumes checkRules accepted the config). */
export function renderProductionStackValues(input: ProductionStackValuesInput): Record<string, unknown> {
  const { config, facts, release } = input;
  const { engine, model, router, kvCache } = config;
  const spec = renderVllmSpec(model, engine);
  const image = splitImage(withRegistry(productionStackImage(config), config.cluster.imageRegistry));
  if (!image) throw new Error(`servelab: engine.image ${engine.image} has no tag (checkRules should have refused it)`);
  const res = engineResources(engine, facts.gpu);
  const { memory } = productionStackMemory(config, facts);

  const modelSpec: Record<string, unknown> = {
    name: PS_MODEL_SPEC_NAME,
    repository: image.repository,
    tag: image.tag,
    modelURL: hfRepo(model),
    replicaCount: engine.replicas,
    requestCPU: res.cpu,
    requestMemory: memory,
    requestGPU: res.gpus,
    shmSize: engine.shmSize,
    vllmConfig: vllmConfigFromArgs(spec.args),
    annotations: productionStackEngineAwait(config),
    serviceAnnotations: PS_SERVICE_AWAIT_ANNOTATIONS,
  };
  const env = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  if (env.length > 0) modelSpec.env = env;
  if (kvCache.tier === "lmcache-cpu") {
    modelSpec.lmcacheConfig = { enabled: true, cpuOffloadingBufferSize: String(kvCache.sizeGb) };
  }
  if (input.hfTokenSecret) modelSpec.hf_token = { secretName: input.hfTokenSecret, secretKey: "token" };
  const gpuTerms = nodeSelectorTerms(input.gpuPlacement.nodeSelector);
  if (gpuTerms) modelSpec.nodeSelectorTerms = gpuTerms;
  if (input.gpuPlacement.tolerations.length > 0) modelSpec.tolerations = tolerations(input.gpuPlacement.tolerations);

  const servingEngineSpec: Record<string, unknown> = {
    // Maps merge with the chart's {environment: test, release: test}: override both so the router's
    // label selector (built from these labels) only finds this release's engines.
    labels: { environment: "servelab", release },
    containerPort: VLLM_PORT,
    strategy: { type: "Recreate" },
    ...productionStackProbes(config),
    modelSpec: [modelSpec],
  };
  // GKE has no `nvidia` RuntimeClass (the chart's default); its device plugin needs none.
  if (facts.cloud === "gke") servingEngineSpec.runtimeClassName = "";

  const routerImage = splitImage(withRegistry(IMAGES.lmstackRouter, config.cluster.imageRegistry))!;
  const routerSpec: Record<string, unknown> = {
    repository: routerImage.repository,
    tag: routerImage.tag,
    imagePullPolicy: "IfNotPresent",
    routingLogic: router.routing ?? "roundrobin",
    resources: PS_ROUTER_RESOURCES,
  };
  if (router.sessionKey) routerSpec.sessionKey = router.sessionKey;
  const routerTerms = nodeSelectorTerms(input.systemPlacement?.nodeSelector ?? {});
  if (routerTerms) routerSpec.nodeSelectorTerms = routerTerms;

  return { servingEngineSpec, routerSpec };
}
