/**
 * AIBrix KV-cache tiers of v0.3.0 (pure, no Pulumi): what the engine pods need for the L1 DRAM tier
 * and the L2 InfiniStore tier, and the KVCache custom resource that runs InfiniStore.
 * Facts: vllm-project/aibrix@v0.3.0 benchmarks/scenarios/ps-experiment/llama-8b-v0.3.0/{aibrix_kvcache_dram,
 * aibrix_kvcache_external}.yaml, samples/kvcache/infinistore/{kvcache,vllm}.yaml and
 * api/orchestration/v1alpha1/kvcache_types.go.
 */
import { withRegistry } from "../catalog/imageRegistry";
import { VKE_RDMA_RESOURCE } from "../catalog/vkeMachines";
import { AIBRIX_INFINISTORE_DEFAULTS, AIBRIX_KVCACHE_IMAGES, IMAGES } from "../catalog/versions";
import { ClusterFacts } from "../cluster/facts";
import { Placement } from "../cluster/types";
import { quantityGb } from "../config/quantity";
import { ExperimentConfig, KvCacheConfig } from "../config/schema";
import { engineResources } from "../engine/sizing";

export type AibrixKvTier = "aibrix-l1-dram" | "aibrix-l2-infinistore";

export function isAibrixKvTier(tier: string): tier is AibrixKvTier {
  return tier === "aibrix-l1-dram" || tier === "aibrix-l2-infinistore";
}

/**
 * The connector the v0.3.0 KV-cache vLLM build registers (a patched vLLM 0.8.5; upstream vLLM plus
 * `pip install aibrix-kvcache` does not have it). It runs on vLLM's V0 engine only.
 */
export const AIBRIX_KV_TRANSFER_CONFIG = '{"kv_connector":"AIBrixOffloadingConnector", "kv_role":"kv_both"}';
/** The regression runs the build through the API server module, not the image's entrypoint (which is unverified). */
export const AIBRIX_KV_ENGINE_COMMAND = ["python3", "-m", "vllm.entrypoints.openai.api_server"];
/** Maintainer's rule (vllm-project/aibrix#1154): pod memory ≈ TP × (L1 capacity + 20) GB. */
export const AIBRIX_L1_OVERHEAD_GB = 20;
/** Pod annotation VKE's RDMA CNI needs; the KVCache controller adds it to its own pods for this resource only. */
export const VKE_RDMA_ANNOTATION = { "k8s.volcengine.com/pod-networks": '[{"cniConf":{"name":"rdma"}}]' };

/** The pod annotations a pod asking for `rdmaResource` needs: VKE's CNI wants its RDMA network named. */
function rdmaPodAnnotations(rdmaResource: string): Record<string, string> {
  return rdmaResource === VKE_RDMA_RESOURCE ? { ...VKE_RDMA_ANNOTATION } : {};
}

/** The KVCache object; the controller names its Redis pod and Service `<name>-redis`. */
export const KVCACHE_NAME = "kvcache-cluster";
export const INFINISTORE_PORTS = { service: 12345, admin: 8088 };
/** The controller preallocates floor(0.9 × memory limit in GiB) for InfiniStore (v0.3.0 getPreallocSizeFromResources). */
export const INFINISTORE_PREALLOC_SHARE = 0.9;

export function infinistoreSettings(kvCache: KvCacheConfig) {
  return { ...AIBRIX_INFINISTORE_DEFAULTS, ...kvCache.infinistore };
}

/** Host memory (decimal GB) an engine pod with the L1 tier needs. */
export function aibrixL1MinMemoryGb(tensorParallel: number, sizeGb: number): number {
  return tensorParallel * (sizeGb + AIBRIX_L1_OVERHEAD_GB);
}

/** Whether an image is an AIBrix KV-cache vLLM build (the connector exists only there). */
export function isAibrixKvImage(image: string): boolean {
  return /aibrix-kvcache/.test(image);
}

/** The engine image for an AIBrix KV tier: the default upstream vLLM becomes the pinned KV-cache build. */
export function aibrixKvImage(engineImage: string): string {
  return engineImage === IMAGES.vllm ? IMAGES.aibrixKvcacheVllm : engineImage;
}

export interface AibrixKvEngine {
  image: string;
  command: string[];
  /** Appended to the rendered vLLM arguments. */
  args: string[];
  /** Set by the tier; the config may not set these names itself. */
  env: Record<string, string>;
  capabilities: string[];
  /** Extended resources added to the engine container's requests and limits. */
  extraLimits: Record<string, string>;
  podAnnotations: Record<string, string>;
  /** Run before vLLM: with L2, wait until an InfiniStore node is registered in the KVCache's Redis. */
  initContainers: Array<{ name: string; image: string; command: string[]; resources: Record<string, Record<string, string>> }>;
}

/**
 * The v0.3.0 kvcache-watcher writes Redis key `kvcache_nodes` only once an InfiniStore pod is Running with an
 * RDMA address (vllm-project/aibrix@v0.3.0:cmd/kvcache-watcher/main.go, InfiniStoreRedisNodeMemberKey), and the
 * controller never writes the KVCache's status (pkg/controller/kvcache at that tag has no status update), so the
 * KVCache object itself cannot be awaited. The engines wait for the key instead: started earlier, the AIBrix
 * connector finds no L2 node and the row would measure vLLM without its L2 cache.
 */
export const INFINISTORE_REGISTERED_KEY = "kvcache_nodes";

export function waitForInfinistoreInit() {
  const redis = `${KVCACHE_NAME}-redis`;
  const small = { cpu: "100m", memory: "64Mi" };
  return {
    name: "wait-for-infinistore",
    image: AIBRIX_KVCACHE_IMAGES.redis,
    command: [
      "sh", "-c",
      `until [ "$(redis-cli -h ${redis} -p 6379 EXISTS ${INFINISTORE_REGISTERED_KEY} 2>/dev/null)" = "1" ]; do echo "waiting for an InfiniStore node in ${redis}/${INFINISTORE_REGISTERED_KEY}"; sleep 5; done`,
    ],
    resources: { requests: small, limits: small },
  };
}

/** Engine env names a tier sets (the config's engine.env may not repeat them). */
export function aibrixKvEnv(tier: AibrixKvTier, kvCache: KvCacheConfig): Record<string, string> {
  if (tier === "aibrix-l1-dram") {
    return {
      VLLM_USE_V1: "0",
      AIBRIX_KV_CACHE_OL_L1_CACHE_ENABLED: "1",
      AIBRIX_KV_CACHE_OL_L1_CACHE_CAPACITY_GB: String(kvCache.sizeGb),
    };
  }
  const s = infinistoreSettings(kvCache);
  return {
    VLLM_USE_V1: "0",
    AIBRIX_KV_CACHE_OL_L1_CACHE_ENABLED: "0",
    AIBRIX_KV_CACHE_OL_L2_CACHE_BACKEND: "infinistore",
    AIBRIX_KV_CACHE_OL_INFINISTORE_CONNECTION_TYPE: "RDMA",
    AIBRIX_KV_CACHE_OL_INFINISTORE_IB_PORT: "1",
    AIBRIX_KV_CACHE_OL_INFINISTORE_LINK_TYPE: s.linkType,
    AIBRIX_KV_CACHE_OL_INFINISTORE_VISIBLE_DEV_LIST: s.devices,
    // "Cluster" mode: the engines find the InfiniStore nodes through the KVCache's Redis (docs: fixed values).
    AIBRIX_KV_CACHE_OL_META_SERVICE_BACKEND: "redis",
    AIBRIX_KV_CACHE_OL_META_SERVICE_URL: `redis://${KVCACHE_NAME}-redis:6379`,
    AIBRIX_KV_CACHE_OL_META_SERVICE_CLUSTER_META_KEY: "kvcache_nodes",
  };
}

/** Everything an AIBrix KV tier changes in the engine pods (assumes checkRules accepted the config). */
export function aibrixKvEngine(tier: AibrixKvTier, kvCache: KvCacheConfig, engine: { image: string; chunkedPrefill?: boolean }): AibrixKvEngine {
  const args = ["--kv-transfer-config", AIBRIX_KV_TRANSFER_CONFIG];
  // The connector needs chunked prefill off; the config may only set it false (rules refuse true).
  if (engine.chunkedPrefill === undefined) args.push("--no-enable-chunked-prefill");
  const l2 = tier === "aibrix-l2-infinistore";
  const rdma = infinistoreSettings(kvCache).rdmaResource;
  return {
    image: aibrixKvImage(engine.image),
    command: AIBRIX_KV_ENGINE_COMMAND,
    args,
    env: aibrixKvEnv(tier, kvCache),
    capabilities: ["IPC_LOCK"],
    extraLimits: l2 ? { [rdma]: "1" } : {},
    podAnnotations: l2 ? rdmaPodAnnotations(rdma) : {},
    initContainers: l2 ? [waitForInfinistoreInit()] : [],
  };
}

/**
 * The environment the v0.3.0 controller gives its own InfiniStore container (vllm-project/aibrix@v0.3.0:
 * pkg/controller/kvcache/backends/infinistore.go buildCacheStatefulSetForInfiniStore), which a custom template
 * replaces wholesale. AIBRIX_KVCACHE_UID is left out: the KVCache's UID does not exist before the object does.
 */
export function infinistoreControllerEnv() {
  const field = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  return [
    field("MY_HOST_NAME", "status.podIP"),
    field("MY_NODE_NAME", "spec.nodeName"),
    field("MY_POD_NAME", "metadata.name"),
    field("MY_POD_NAMESPACE", "metadata.namespace"),
    field("MY_POD_IP", "status.podIP"),
    field("MY_UID", "metadata.uid"),
    { name: "AIBRIX_KVCACHE_NAME", value: KVCACHE_NAME },
    field("AIBRIX_KVCACHE_NAMESPACE", "metadata.namespace"),
    { name: "AIBRIX_KVCACHE_BACKEND", value: "infinistore" },
    { name: "AIBRIX_KVCACHE_RDMA_PORT", value: String(INFINISTORE_PORTS.service) },
    { name: "AIBRIX_KVCACHE_ADMIN_PORT", value: String(INFINISTORE_PORTS.admin) },
  ];
}

/** The controller's InfiniStore pod (v0.3.0), placed on the GPU pool where the RDMA NICs are. */
function infinistorePodTemplate(
  s: ReturnType<typeof infinistoreSettings>,
  image: string,
  resources: Record<string, string>,
  memory: string,
  placement: Placement,
) {
  // As the controller computes it (getPreallocSizeFromResources): 90 % of the memory limit in GiB.
  const preallocGb = Math.max(1, Math.floor((INFINISTORE_PREALLOC_SHARE * quantityGb(memory) * 1e9) / 2 ** 30));
  const annotations: Record<string, string> = {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": String(INFINISTORE_PORTS.admin),
    "prometheus.io/path": "/metrics",
    ...rdmaPodAnnotations(s.rdmaResource),
  };
  return {
    metadata: { annotations },
    spec: {
      hostIPC: true,
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
      containers: [
        {
          name: "kvcache-server",
          image,
          imagePullPolicy: "IfNotPresent",
          command: ["infinistore"],
          args: [
            `--service-port=${INFINISTORE_PORTS.service}`,
            `--manage-port=${INFINISTORE_PORTS.admin}`,
            `--link-type=${s.linkType}`,
            `--hint-gid-index=${s.hintGidIndex}`,
            `--prealloc-size=${preallocGb}`,
          ],
          ports: [
            { name: "service", containerPort: INFINISTORE_PORTS.service, protocol: "TCP" },
            { name: "manage", containerPort: INFINISTORE_PORTS.admin, protocol: "TCP" },
          ],
          env: infinistoreControllerEnv(),
          resources: { requests: resources, limits: resources },
          securityContext: { capabilities: { add: ["IPC_LOCK", "SYS_RESOURCE"] }, privileged: false },
          volumeMounts: [{ name: "shared-mem", mountPath: "/dev/shm" }],
        },
      ],
      volumes: [{ name: "shared-mem", emptyDir: { medium: "Memory" } }],
    },
  };
}

/** Memory limit of one InfiniStore pod so that the controller's prealloc (90 %) is at least sizeGb. */
export function infinistoreMemory(sizeGb: number): string {
  return `${Math.ceil(sizeGb / INFINISTORE_PREALLOC_SHARE)}Gi`;
}

/**
 * The KVCache custom resource (orchestration.aibrix.ai/v1alpha1) for InfiniStore, as in AIBrix's
 * samples/kvcache/infinistore/kvcache.yaml: the backend is chosen by annotation (the default is
 * vineyard), Redis holds the cluster membership the engines read, the cache pods get RDMA.
 * RDMA NICs sit on the (tainted) GPU nodes, and the controller's own cache pod has no node selector
 * or tolerations, so with a placement the pod is given as `spec.cache.template` (the controller then
 * uses it as is: samples/kvcache/infinistore/kvcache_customized.yaml), built like the controller's
 * default pod (v0.3.0 buildCacheStatefulSetForInfiniStore) plus the GPU pool's placement.
 */
export function infinistoreKvCacheManifest(
  kvCache: KvCacheConfig,
  namespace: string,
  labels: Record<string, string>,
  imageRegistry?: string,
  placement?: Placement,
) {
  const s = infinistoreSettings(kvCache);
  const memory = infinistoreMemory(kvCache.sizeGb ?? 1);
  const cacheResources = { cpu: String(s.cpu), memory, [s.rdmaResource]: "1" };
  const image = withRegistry(IMAGES.aibrixInfinistore, imageRegistry);
  return {
    apiVersion: "orchestration.aibrix.ai/v1alpha1",
    kind: "KVCache",
    metadata: {
      name: KVCACHE_NAME,
      namespace,
      labels,
      annotations: {
        "kvcache.orchestration.aibrix.ai/backend": "infinistore",
        "infinistore.kvcache.orchestration.aibrix.ai/link-type": s.linkType,
        "infinistore.kvcache.orchestration.aibrix.ai/hint-gid-index": String(s.hintGidIndex),
      },
    },
    spec: {
      metadata: {
        redis: {
          runtime: {
            image: withRegistry(AIBRIX_KVCACHE_IMAGES.redis, imageRegistry),
            replicas: 1,
            resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
          },
        },
      },
      service: {
        type: "ClusterIP",
        ports: [
          { name: "service", port: INFINISTORE_PORTS.service, targetPort: INFINISTORE_PORTS.service, protocol: "TCP" },
          { name: "admin", port: INFINISTORE_PORTS.admin, targetPort: INFINISTORE_PORTS.admin, protocol: "TCP" },
        ],
      },
      watcher: {
        image: withRegistry(AIBRIX_KVCACHE_IMAGES.watcher, imageRegistry),
        resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      },
      cache: {
        replicas: s.nodes,
        image,
        imagePullPolicy: "IfNotPresent",
        resources: { requests: cacheResources, limits: cacheResources },
        ...(placement ? { template: infinistorePodTemplate(s, image, cacheResources, memory, placement) } : {}),
      },
    },
  };
}

/**
 * Resource options of the KVCache object. The v0.3.0 controller creates the InfiniStore StatefulSet, the
 * Redis and the watcher once and afterwards propagates only image and replica changes
 * (backends/reconciler.go needsUpdateStatefulset, ReconcilePodObject): an updated size, CPU, link type, GID
 * index or placement would be accepted by the API server and silently never reach the pods. So a change of
 * the spec or of the backend annotations replaces the KVCache (deleted first: the name is fixed), and the
 * controller rebuilds everything from the new object.
 */
export const KVCACHE_RESOURCE_OPTIONS = { replaceOnChanges: ["spec", "metadata.annotations"], deleteBeforeReplace: true };

/**
 * Engine pod memory with an AIBrix KV tier: the configured or default size, raised for the L1 tier to
 * TP × (capacity + 20) GB (rounded up to whole Gi). The L2 tier keeps the default (the regression's
 * engines had 20G: the cache lives in InfiniStore).
 */
export function aibrixEngineMemory(config: ExperimentConfig, facts: ClusterFacts): { memory: string; memoryGb: number } {
  const res = engineResources(config.engine, facts.gpu);
  const { kvCache, engine } = config;
  if (kvCache.tier !== "aibrix-l1-dram" || engine.memory !== undefined) return { memory: res.memory, memoryGb: res.memoryGb };
  const needGb = aibrixL1MinMemoryGb(engine.tensorParallel, kvCache.sizeGb ?? 0);
  if (res.memoryGb >= needGb) return { memory: res.memory, memoryGb: res.memoryGb };
  const gi = Math.ceil((needGb * 1e9) / 2 ** 30);
  return { memory: `${gi}Gi`, memoryGb: quantityGb(`${gi}Gi`) };
}
