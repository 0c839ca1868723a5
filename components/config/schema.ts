/**
 * The shape of every servelab:* stack config key, with defaults. Field names are the user interface
 * (README.md §Configuration). Rules that relate several fields live in rules.ts.
 */
import { z } from "zod";
import { AIBRIX_INFINISTORE_DEFAULTS as INFINISTORE, IMAGES, LATENCY_PROFILES, SONNET_DATASET } from "../catalog/versions";
import { IMAGE_REGISTRY_PATTERN } from "../catalog/imageRegistry";
import { VKE_GPU_TYPES } from "../catalog/vkeMachines";
import { KV_TIERS, ROUTER_KINDS } from "../catalog/routers";
import { QUANTITY_PATTERN, quantityBytes } from "./quantity";

const int = (min: number) => z.number().int().min(min);
const quantity = z.string().regex(QUANTITY_PATTERN, { error: 'must be a Kubernetes quantity such as "150Gi"' });
/** A memory quantity of at least `min` (e.g. "1Gi"): smaller values are typos (1Mi for 1Ti) that no pod would start with. */
const memoryAtLeast = (min: string, why: string) =>
  quantity.refine((q) => (quantityBytes(q) ?? 0) >= (quantityBytes(min) ?? 0), { error: (issue) => `${JSON.stringify(issue.input)} is too small: at least ${min} (${why})` });
const dnsLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, { error: "must be lowercase letters, digits and '-', starting with a letter" });

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).default("Equal"),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
});
export type Toleration = z.infer<typeof toleration>;

/** Registry prefix every deployed image is pulled through (catalog/imageRegistry.ts); any provider. */
const imageRegistry = z
  .string()
  .regex(IMAGE_REGISTRY_PATTERN, { error: 'must be a registry host with an optional path, such as "cr.example.com/mirror" (no scheme, lowercase)' })
  .optional();

const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { error: 'must be an http(s):// URL such as "https://mirrors.example.com/pypi/simple/"' });

/**
 * Where the cluster's location gets what Hugging Face, PyPI and Docker Hub would give elsewhere (components/config/clusterDefaults.ts):
 * defaults for every row on the cluster, which a row's own model.weights / benchmark.pipIndexUrl override.
 */
const mirrors = z
  .strictObject({
    /** PIP_INDEX_URL of the benchmark Jobs (a row's benchmark.pipIndexUrl). */
    pipIndexUrl: httpUrl.optional(),
    /** A Hugging Face mirror (a row's model.weights.hfEndpoint). */
    hfEndpoint: z.string().regex(/^https?:\/\/[^\s/]+\/?$/, { error: 'must be an endpoint such as "https://hf-mirror.example.com" (no path)' }).optional(),
    /** Object storage holding model repositories as <from><org>/<name>/ (a row's model.weights.from and its settings). */
    weights: z
      .strictObject({
        from: z.string().regex(/^(tos|s3|gs):\/\/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](\/[\w./-]*)?$/, { error: 'must be an object-storage prefix such as "tos://my-models/" (tos://, s3:// or gs://)' }),
        endpoint: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/, { error: 'must be an https:// endpoint such as "https://tos-s3-cn-beijing.ivolces.com"' }).optional(),
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-?\d*$/, { error: 'must be a region such as "cn-beijing"' }).optional(),
        credentialsSecret: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a Kubernetes Secret name" }).optional(),
        image: z.string().min(1).optional(),
      })
      .optional(),
  })
  .optional();
export type ClusterMirrors = NonNullable<z.infer<typeof mirrors>>;

/**
 * A cache of model weights on the cluster, which every row on it reads (engine/weightsCache.ts): `nodeDisk` keeps
 * each model once in a directory on each GPU node (a hostPath), filled by the first engine that misses it.
 */
const weightsCache = z
  .strictObject({
    kind: z.enum(["none", "nodeDisk"]).default("none"),
    /** nodeDisk: the directory on the node (default /var/lib/servelab/weights-cache). */
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)+$/, { error: 'must be an absolute directory at least two levels deep, such as "/var/lib/servelab/weights-cache"' })
      .optional(),
  })
  .optional();
export type WeightsCacheConfig = z.infer<typeof weightsCache>;

const gkeGpu = z.strictObject({
  type: z.enum(["l4", "h100", "h200"]),
  perNode: int(1).optional(),
  nodes: int(1).default(1),
  provisioning: z.enum(["on-demand", "spot", "reservation", "flex-start"]).default("on-demand"),
  /** Reservation name for `provisioning: reservation`; without it any matching reservation is used. */
  reservation: z.string().min(1).optional(),
  machineType: z.string().optional(),
  bootDiskGb: int(50).default(200),
});

/**
 * Guard against a typo that buys a fleet: a created cluster above either limit is refused unless the stack raises it
 * (defaults in components/cluster/limitRules.ts: 64 GPUs, $1000/hour where priced).
 */
const limits = z.strictObject({ maxGpus: int(1).optional(), maxUsdPerHour: z.number().positive().optional() }).optional();

const gkeSystemPool = z.strictObject({
  machineType: z.string().default("e2-standard-8"),
  nodes: int(1).default(2),
  bootDiskGb: int(20).default(100),
});

const gkeCluster = z.strictObject({
  provider: z.literal("gke"),
  /** GCP project; defaults to the gcp:project stack setting. */
  project: z.string().optional(),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'must be a GCP region such as "us-central1"' }),
  zones: z.array(z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { error: 'must be a GCP zone such as "us-central1-a"' })).optional(),
  /** GKE cluster name; defaults to servelab-<stack>. */
  name: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, { error: "must be a GKE cluster name: lowercase, digits, '-', at most 40 characters" }).optional(),
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
  kubernetesVersion: z.string().optional(),
  gpu: gkeGpu,
  system: gkeSystemPool.default(() => gkeSystemPool.parse({})),
  imageRegistry,
  mirrors,
  weightsCache,
  limits,
});

const existingGpu = z.strictObject({
  /** Free text for existing clusters (e.g. "a100-80gb"); used in messages and the plan. */
  type: z.string().min(1),
  perNode: int(1),
  nodes: int(1).default(1),
  /** Allocatable memory (GB) and CPUs of one GPU node; when given, pod sizes are checked against them. */
  nodeMemoryGb: z.number().positive().optional(),
  nodeCpu: z.number().positive().optional(),
  gpuMemoryGb: z.number().positive().optional(),
});

const kubeconfigCluster = z.strictObject({
  provider: z.literal("kubeconfig"),
  /** Path to a kubeconfig file. */
  kubeconfig: z.string().min(1),
  context: z.string().optional(),
  gpu: existingGpu,
  gpuNodeSelector: z.record(z.string(), z.string()).default({}),
  gpuTolerations: z.array(toleration).default([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]),
  systemNodeSelector: z.record(z.string(), z.string()).default({}),
  systemTolerations: z.array(toleration).default([]),
  rdma: z.boolean().default(false),
  imageRegistry,
  mirrors,
  weightsCache,
});

const vkeGpu = z.strictObject({
  type: z.enum(VKE_GPU_TYPES),
  perNode: int(1).optional(),
  nodes: int(1).default(1),
  /** ECS instance type id; overrides the catalog's choice (catalog/vkeMachines.ts says how to find one). */
  instanceType: z.string().regex(/^[a-z]+\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'must be a Volcengine instance type id such as "ecs.ebmhpcpni3l.48xlarge"' }).optional(),
  /** RDMA NICs on the GPU nodes (needed by aibrix-l2-infinistore); only for instance types that have them. */
  rdma: z.boolean().default(false),
  /** System disk of a GPU node (ESSD_PL0, 20-2048 GB): images and model downloads land there. */
  diskGb: int(20).max(2048).default(200),
});

const vkeSystemPool = z.strictObject({
  instanceType: z.string().default("ecs.g3il.2xlarge"),
  nodes: int(1).default(2),
  diskGb: int(20).max(2048).default(100),
});

const vkeCluster = z.strictObject({
  provider: z.literal("vke"),
  region: z.string().regex(/^[a-z]{2}-[a-z]+(-\d+)?$/, { error: 'must be a Volcengine region such as "cn-beijing"' }),
  /** Zones of the node subnets; the first one holds the NAT gateway. */
  zones: z.array(z.string().regex(/^[a-z]{2}-[a-z]+(-\d+)?-?[a-z]$/, { error: 'must be a Volcengine zone such as "cn-beijing-a"' })).min(1),
  /** VKE cluster name; defaults to servelab-<stack>. */
  name: z.string().regex(/^[a-z]([-a-z0-9]{0,62}[a-z0-9])?$/, { error: "must be lowercase letters, digits and '-', at most 64 characters" }).optional(),
  /** e.g. "1.28"; omitted = VKE's latest. */
  kubernetesVersion: z.string().regex(/^v?\d+\.\d+(\.\d+)?(-vke\.\d+)?$/, { error: 'must be a Kubernetes version such as "1.28"' }).optional(),
  /** Volcengine project of every resource; omitted = "default". */
  projectName: z.string().min(1).optional(),
  /** VPC address range; subnets are /20s carved from it, one a zone. */
  vpcCidr: z
    .string()
    .regex(/^(10\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)|172\.(1[6-9]|2\d|3[01])|192\.168)\.0\.0\/16$/, {
      error: 'must be a private /16 (10.x, 172.16-31.x or 192.168) such as "172.16.0.0/16"',
    })
    .default("172.16.0.0/16"),
  /** Bandwidth of the NAT gateway's public IP (image pulls, model downloads). */
  natBandwidthMbps: int(1).max(1000).default(200),
  /** An existing ECS key pair for SSH to the nodes; omitted = no login configured. */
  sshKeyPairName: z.string().min(1).optional(),
  gpu: vkeGpu,
  system: vkeSystemPool.default(() => vkeSystemPool.parse({})),
  imageRegistry,
  mirrors,
  weightsCache,
  limits,
});

/** A cluster that servelab creates or reaches itself: what a cluster stack holds, and an experiment row's inline cluster. */
export const clusterSchema = z.discriminatedUnion("provider", [gkeCluster, kubeconfigCluster, vkeCluster]);

/**
 * A cluster stack's name: `<stack>` in this project and organisation, or fully qualified `<org>/<project>/<stack>`
 * (components/cluster/clusterStack.ts reads it).
 */
export const CLUSTER_STACK_NAME = /^([A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/)?[A-Za-z0-9_.-]+$/;

/** An experiment row's cluster from a cluster stack (`pulumi up -s <stack>` first). */
const stackCluster = z.strictObject({
  provider: z.literal("stack"),
  stack: z.string().regex(CLUSTER_STACK_NAME, { error: 'must be a stack name such as "cluster-gke-h100x8", or fully qualified "<org>/<project>/<stack>"' }),
});

/** servelab:cluster as a stack file gives it: a cluster, or a reference to a cluster stack. */
export const clusterKeySchema = z.discriminatedUnion("provider", [gkeCluster, kubeconfigCluster, vkeCluster, stackCluster]);

/** Where the engines get the weights (engine/weights.ts); omitted = Hugging Face. */
const modelWeights = z.strictObject({
  /** A Hugging Face mirror (HF_ENDPOINT on the engines and the benchmark Job), e.g. "https://hf-mirror.example.com". */
  hfEndpoint: z.string().regex(/^https?:\/\/[^\s/]+\/?$/, { error: 'must be an endpoint such as "https://hf-mirror.example.com" (no path)' }).optional(),
  /** An object-storage prefix holding the repository's files (config.json, *.safetensors, tokenizer), copied to the node before vLLM starts. */
  from: z.string().regex(/^(tos|s3|gs):\/\/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](\/[\w./-]*)?$/, { error: 'must be an object-storage prefix such as "tos://my-bucket/models/llama-3.1-8b-instruct/" (tos://, s3:// or gs://)' }).optional(),
  /** S3-compatible endpoint for s3:// and tos:// (tos:// defaults to https://tos-s3-<cluster region>.ivolces.com). */
  endpoint: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/, { error: 'must be an https:// endpoint such as "https://tos-s3-cn-beijing.ivolces.com"' }).optional(),
  /** Region of the bucket (AWS_DEFAULT_REGION); tos:// defaults to the VKE cluster's region. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-?\d*$/, { error: 'must be a region such as "cn-beijing"' }).optional(),
  /** An existing Secret in the experiment's namespace whose keys become the copy's env (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
  credentialsSecret: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a Kubernetes Secret name" }).optional(),
  /** The copy's image (default: the AWS CLI for s3:// and tos://, the Google Cloud CLI for gs://). */
  image: z.string().min(1).optional(),
});

export const modelSchema = z.strictObject({
  /** The served model name clients send as `model`; defaults to the repository id of `source`. */
  name: z.string().min(1).max(253).optional(),
  source: z.string().regex(/^hf:\/\/[\w.-]+\/[\w.-]+$/, { error: 'must be a Hugging Face model such as "hf://meta-llama/Llama-3.1-8B-Instruct"' }),
  tokenizer: z.string().min(1).optional(),
  revision: z.string().min(1).optional(),
  /** Weights on disk in GB; estimated from the repository name when omitted (used for startup budgets). */
  sizeGb: z.number().positive().optional(),
  weights: modelWeights.optional(),
});

export const engineSchema = z.strictObject({
  image: z.string().min(1).default(IMAGES.vllm),
  replicas: int(1).default(1),
  tensorParallel: int(1).default(1),
  maxModelLen: int(128).optional(),
  prefixCaching: z.boolean().default(true),
  /** Sets --enable-chunked-prefill / --no-enable-chunked-prefill explicitly; omitted = vLLM's default. */
  chunkedPrefill: z.boolean().optional(),
  kvCacheDtype: z.enum(["auto", "fp8"]).default("auto"),
  /** vLLM --quantization: fp8 quantizes a 16-bit checkpoint's weights to 8 bits while loading (half the GPU memory). */
  quantization: z.enum(["fp8"]).optional(),
  gpuMemoryUtilization: z.number().gt(0).max(1).default(0.9),
  maxNumBatchedTokens: int(1).optional(),
  maxNumSeqs: int(1).optional(),
  seed: int(0).optional(),
  /** CPUs and memory of one replica; default: an even share of the GPU node. */
  cpu: z.number().positive().optional(),
  memory: memoryAtLeast("4Gi", "a vLLM replica needs several GB of host memory to load a model").optional(),
  /** /dev/shm for tensor-parallel replicas (memory-backed). */
  shmSize: memoryAtLeast("64Mi", "NCCL needs shared memory between tensor-parallel workers").default("20Gi"),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }), z.string()).default({}),
  extraArgs: z.array(z.string()).default([]),
  /** Budget for image pull + weight download + load; derived from the model size when omitted. */
  startupTimeoutMinutes: int(1).optional(),
});

export const routerSchema = z.strictObject({
  kind: z.enum(ROUTER_KINDS).default("k8s-service"),
  version: z.string().min(1).optional(),
  routing: z.string().min(1).optional(),
  sessionKey: z.string().min(1).optional(),
  /** KubeAI PrefixHash parameters; omitted fields keep KubeAI's defaults (125, 256, 100). */
  prefixHash: z
    .strictObject({ meanLoadFactor: int(100).optional(), replication: int(1).optional(), prefixCharLength: int(1).optional() })
    .optional(),
  /** AIBrix prefix-cache tuning (gateway env AIBRIX_PREFIX_CACHE_*); omitted fields keep the v0.3.0 release values. */
  prefixCache: z
    .strictObject({
      tokenizer: z.enum(["character", "tiktoken"]).optional(),
      blockSize: int(1).optional(),
      blockNumber: int(1).optional(),
      imbalanceAbsCount: int(1).optional(),
      stdDevFactor: z.number().positive().optional(),
    })
    .optional(),
  /** AIBrix: keep the release's public LoadBalancer for the Envoy data plane (default: ClusterIP only). */
  exposeGateway: z.boolean().optional(),
});

export const kvCacheSchema = z.strictObject({
  tier: z.enum(KV_TIERS).default("none"),
  sizeGb: z.number().positive().optional(),
  /** aibrix-l2-infinistore: the KVCache's InfiniStore nodes and their RDMA setup (defaults: AIBrix's VKE samples). */
  infinistore: z
    .strictObject({
      nodes: int(1).default(INFINISTORE.nodes),
      cpu: z.number().positive().default(INFINISTORE.cpu),
      /** Extended resource that gives a pod an RDMA NIC. */
      rdmaResource: z.string().min(1).default(INFINISTORE.rdmaResource),
      /** Engine-side AIBRIX_KV_CACHE_OL_INFINISTORE_VISIBLE_DEV_LIST (device:gid,...). */
      devices: z.string().min(1).default(INFINISTORE.devices),
      linkType: z.enum(["Ethernet", "IB"]).default(INFINISTORE.linkType),
      hintGidIndex: int(0).default(INFINISTORE.hintGidIndex),
    })
    .optional(),
});

const qpsRange = z.strictObject({ from: z.number().positive(), to: z.number().positive(), step: z.number().positive() });
const QPS_FORMS = "a list of rates such as [0.5, 1, 2], or a range such as { from: 0.1, to: 4.1, step: 0.4 }";

/** Upper bound of benchmark.repeats (the report's t table covers it). */
export const MAX_REPEATS = 20;

const benchmarkCommon = {
  /** Package index for the Job's pip installs (PIP_INDEX_URL), e.g. a PyPI mirror near the cluster; omitted = PyPI. */
  pipIndexUrl: httpUrl.optional(),
  /** Upper bound for the whole Job; derived from the load points when omitted. */
  timeoutMinutes: int(1).optional(),
  /** How long the readiness gate waits for the model to be listed and answer once. */
  readyTimeoutMinutes: int(1).default(20),
  cpu: z.number().positive().default(4),
  memory: memoryAtLeast("256Mi", "the benchmark client is a Python process").default("8Gi"),
  /** Lost requests a load point may have before the Job fails (0: any lost request fails it); for long stress runs. */
  maxFailedRequests: int(0).default(0),
  /** Service-level objective: the report counts the requests per second that met both (goodput), from per-request data. */
  slo: z.strictObject({ ttftMs: z.number().positive(), tpotMs: z.number().positive() }).optional(),
  /** Runs the whole sweep this many times, each repeat on fresh prompts (benchmarks/README.md, Repeats); omitted = 1. */
  repeats: int(1).max(MAX_REPEATS).optional(),
};

const multiRoundQa = z.strictObject({
  harness: z.literal("multi-round-qa"),
  users: int(1).default(320),
  rounds: int(1).default(10),
  systemPromptTokens: int(0).default(1000),
  historyTokens: int(0).default(20000),
  answerTokens: int(1).default(100),
  qps: z.union([z.array(z.number().positive()).min(1), qpsRange]).describe(QPS_FORMS),
  /** Order the points run in; production-stack's run.sh runs ascending for its baseline, descending otherwise. */
  order: z.enum(["ascending", "descending", "as-listed"]).default("as-listed"),
  secondsPerPoint: int(1).default(100),
  pauseSeconds: int(0).default(10),
  /** run.sh's warm-up: one user, two rounds at 2 QPS for this long; 0 skips it. */
  warmupSeconds: int(0).default(200),
  ...benchmarkCommon,
});

const vllmBenchPoint = z.strictObject({
  requestRate: z.union([z.number().positive(), z.literal("inf")]),
  maxConcurrency: int(1).optional(),
});

const vllmBench = z.strictObject({
  harness: z.literal("vllm-bench"),
  image: z.string().min(1).default(IMAGES.vllmBench),
  backend: z.enum(["openai-chat", "openai", "vllm"]).default("openai-chat"),
  dataset: z.enum(["random", "sharegpt", "sonnet", "prefix_repetition"]).default("random"),
  datasetPath: z.string().min(1).optional(),
  inputTokens: int(1).default(1024),
  outputTokens: int(1).default(128),
  prefixTokens: int(0).optional(),
  numPrompts: int(1).default(1000),
  seed: int(0).default(0),
  points: z.array(vllmBenchPoint).min(1),
  percentiles: z.array(z.number().gt(0).lt(100)).min(1).default([50, 90, 99]),
  extraArgs: z.array(z.string()).default([]),
  ...benchmarkCommon,
});

const kubeAiBenchmarkServing = z.strictObject({
  harness: z.literal("kubeai-benchmark-serving"),
  image: z.string().min(1).default(IMAGES.kubeaiBenchmarkServing),
  points: z.array(z.strictObject({ maxConcurrency: int(1), requestRate: z.number().positive() })).min(1),
  numPrompts: int(1).default(8000),
  maxConversations: int(1).default(1000),
  seed: int(0).default(12345),
  extraArgs: z.array(z.string()).default([]),
  ...benchmarkCommon,
});

const kubeAiChatK6 = z.strictObject({
  harness: z.literal("kubeai-chat-k6"),
  /** Python image for the driver, which fetches k6, KubeAI's k6.js and ShareGPT at run time. */
  image: z.string().min(1).default(IMAGES.python),
  vus: int(1).default(320),
  iterations: int(1).default(1000),
  maxTokens: int(1).default(10),
  maxDurationSeconds: int(1).default(600),
  /** prepare-message-threads.py: how many threads to keep (2000), each with >= 5 user messages totalling >= 2500 characters. */
  threads: int(1).default(2000),
  /** Unrecorded k6 runs before the measured one: KubeAI ran the scenario twice so both strategies start with a preloaded cache. */
  warmupRuns: int(0).default(1),
  /** Where the Job downloads ShareGPT_V3_unfiltered_cleaned_split.json (default: Hugging Face), e.g. a copy in object storage near the cluster. */
  shareGptUrl: httpUrl.optional(),
  /** Where the Job downloads k6's linux-amd64 release archive (default: GitHub releases). */
  k6ArchiveUrl: httpUrl.optional(),
  ...benchmarkCommon,
  /** KubeAI's chat-benchmark pod (the scenarios' pod.yaml): k6.js parses the threads once per VU. */
  cpu: z.number().positive().default(6),
  memory: memoryAtLeast("256Mi", "the benchmark client is a Python process").default("24Gi"),
});

/**
 * The vllm-inference-benchmark chart's load (cyril-k/vllm-inference-benchmark@a916d3d4:README.md): `vllm bench serve` on the sonnet dataset, one
 * fixed request rate. `profile: stress` is its GPU stress test (500000 prompts, about 11 hours at rate 12).
 */
const sonnet = z.strictObject({
  harness: z.literal("sonnet"),
  image: z.string().min(1).default(IMAGES.vllmBench),
  profile: z.enum(["standard", "stress"]).default("standard"),
  requestRate: z.number().positive(),
  /** Default from the profile: 1000 (standard) or 500000 (stress). */
  numPrompts: int(1).optional(),
  inputTokens: int(1).default(512),
  prefixTokens: int(0).default(128),
  outputTokens: int(1).default(2),
  backend: z.enum(["openai-chat", "openai"]).default("openai-chat"),
  /** sonnet.txt inside the image; fetched from vLLM's repository when the image lacks it. */
  datasetPath: z.string().min(1).default(SONNET_DATASET.path),
  /** Where the Job downloads sonnet.txt when the image lacks it (default: vLLM's repository on GitHub). */
  datasetUrl: httpUrl.optional(),
  seed: int(0).default(0),
  extraArgs: z.array(z.string()).default([]),
  ...benchmarkCommon,
});

export const benchmarkSchema = z.discriminatedUnion("harness", [multiRoundQa, vllmBench, kubeAiBenchmarkServing, kubeAiChatK6, sonnet]);

export const resultsSchema = z.strictObject({
  bucket: z
    .string()
    .regex(/^(gs|s3|tos):\/\/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](\/[\w./-]*)?$/, { error: 'must be a bucket URL such as "gs://my-bucket/servelab" (gs://, s3:// or tos://)' })
    .optional(),
  /** Create the bucket (true) or write into an existing one (omitted/false); see components/results/. */
  create: z.boolean().optional(),
  /** With create: true, `pulumi destroy` deletes the bucket and every result in it; otherwise the bucket is left behind. */
  destroyResults: z.boolean().optional(),
  /** GCS location of a created gs:// bucket (e.g. "US-CENTRAL1", "US"); defaults to the GKE cluster's region. */
  location: z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'must be a GCS location such as "US-CENTRAL1" or "US"' }).optional(),
  /** Region of an s3:// or tos:// bucket (e.g. "us-east-1", "cn-beijing"); the Job signs its uploads for it. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-?\d*$/, { error: 'must be a region such as "us-east-1" or "cn-beijing"' }).optional(),
  /** S3 endpoint the Job uploads to (s3:// and tos://); tos:// defaults to https://tos-s3-<region>.ivolces.com on VKE. */
  endpoint: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/, { error: 'must be an https:// endpoint such as "https://tos-s3-cn-beijing.volces.com"' }).optional(),
});

/**
 * A rehearsal's own keys (components/rehearsal/compose.ts): the row it rehearses and what it changes. Everything else
 * comes from the row's stack file, which is not edited. Not in KEY_SCHEMAS: a row cannot set it.
 */
export const rehearsalSchema = z.strictObject({
  /** The stack (stacks/Pulumi.<row>.yaml) this rehearses. */
  row: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'must be the name of a stack file such as "k8s_stack" (stacks/Pulumi.k8s_stack.yaml)' }),
  /** Factor on the row's load: users, prompts, concurrency, rates and durations (harness registry, benchmark/harnesses.ts). */
  loadScale: z.number().gt(0).max(1).default(0.05),
  /** The simulator's latency profile; default from the model's size. */
  latencyProfile: z.enum(LATENCY_PROFILES).optional(),
  /** CPU and memory of one simulated engine replica. */
  engineCpu: z.number().positive().default(0.25),
  engineMemory: memoryAtLeast("64Mi", "the simulator is a Go process").default("512Mi"),
  /** CPU and memory of the benchmark Job's pod. */
  benchmarkCpu: z.number().positive().default(1),
  benchmarkMemory: memoryAtLeast("256Mi", "the benchmark client is a Python process").default("2Gi"),
  /** The Job's package index instead of the row's benchmark.pipIndexUrl (e.g. a cloud-internal mirror); "pypi" drops it. */
  pipIndexUrl: z.union([z.literal("pypi"), httpUrl]).optional(),
});

/** Where a rehearsal runs: an existing cluster without GPUs (kind, minikube), so no GPU pool to describe or select. */
export const rehearsalClusterSchema = z.strictObject({
  provider: z.literal("kubeconfig"),
  kubeconfig: z.string().min(1),
  context: z.string().optional(),
  systemNodeSelector: z.record(z.string(), z.string()).default({}),
  systemTolerations: z.array(toleration).default([]),
  imageRegistry,
});

/** Each servelab:* key and its schema. A key that is not here is a typo. */
export const KEY_SCHEMAS = {
  cluster: clusterKeySchema,
  model: modelSchema,
  engine: engineSchema,
  router: routerSchema,
  kvCache: kvCacheSchema,
  benchmark: benchmarkSchema,
  results: resultsSchema,
} as const;

export const REQUIRED_KEYS = ["cluster", "model"] as const;
export const SECRET_KEYS = ["hfToken", "weightsCredentials"] as const;

export type ClusterConfig = z.infer<typeof clusterSchema>;
export type StackClusterConfig = z.infer<typeof stackCluster>;
export type GkeClusterConfig = z.infer<typeof gkeCluster>;
export type KubeconfigClusterConfig = z.infer<typeof kubeconfigCluster>;
export type VkeClusterConfig = z.infer<typeof vkeCluster>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type EngineConfig = z.infer<typeof engineSchema>;
export type RouterConfig = z.infer<typeof routerSchema>;
export type KvCacheConfig = z.infer<typeof kvCacheSchema>;
export type BenchmarkConfig = z.infer<typeof benchmarkSchema>;
export type MultiRoundQaConfig = z.infer<typeof multiRoundQa>;
export type VllmBenchConfig = z.infer<typeof vllmBench>;
export type KubeAiBenchmarkServingConfig = z.infer<typeof kubeAiBenchmarkServing>;
export type KubeAiChatK6Config = z.infer<typeof kubeAiChatK6>;
export type SonnetConfig = z.infer<typeof sonnet>;
export type ResultsConfig = z.infer<typeof resultsSchema>;
export type RehearsalConfig = z.infer<typeof rehearsalSchema>;
export type RehearsalClusterConfig = z.infer<typeof rehearsalClusterSchema>;

/**
 * The parsed stack config with defaults applied. `cluster` is always the cluster itself: for a row on a cluster
 * stack it is that stack's servelab:cluster, and `clusterStack` names the stack.
 */
export interface ExperimentConfig {
  cluster: ClusterConfig;
  /** The cluster stack the row runs on (servelab:cluster.stack), when it does not create its own cluster. */
  clusterStack?: string;
  model: ModelConfig;
  engine: EngineConfig;
  router: RouterConfig;
  kvCache: KvCacheConfig;
  benchmark?: BenchmarkConfig;
  results: ResultsConfig;
  /** Set only on a rehearsal's composed config: engines are the simulator, the load is scaled (components/rehearsal/). */
  rehearsal?: RehearsalConfig;
}

export { dnsLabel };
