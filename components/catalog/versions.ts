/**
 * Every image, chart and fetched file servelab deploys, pinned in one place (never "latest").
 * Stack config may override engine and router versions; everything else comes from here.
 * Each pin cites its upstream source; "unverified" marks what could not be checked from this machine.
 */
import { VKE_RDMA_RESOURCE } from "./vkeMachines";

export const IMAGES = {
  /** Upstream vLLM used by the AIBrix v0.3.0 regression rows (k8s_stack, aibrix_naive*). */
  vllm: "vllm/vllm-openai:v0.8.5",
  /**
   * Image for the `vllm-bench` harness: `vllm bench serve` exists from vLLM 0.9 on, so the engine's
   * v0.8.5 cannot run it. v0.10.2 is KubeAI 0.22.1's engine; that its `vllm bench serve` runs without
   * extra pip installs is unverified. On the CPU node its CLI stops at "Failed to infer device type"
   * (vllm-project/vllm#23967, fixed after v0.10.2 by #25283), so the driver starts it through
   * benchmarks/scripts/vllm_cli_on_cpu.py, which applies that fix's CPU-platform switch.
   */
  vllmBench: "vllm/vllm-openai:v0.10.2",
  /** Python for benchmark drivers that pip-install their own client (multi-round-qa). */
  python: "python:3.12.11-slim-bookworm",
  /** LMCache's vLLM build used by production-stack's own routing CI (vllm-project/production-stack tests/assets/values-0{6,7,8,9}-*.yaml). */
  lmcacheVllm: "lmcache/vllm-openai:v0.3.9post2",
  /**
   * production-stack router at the chart's version tag. Upstream re-pushes `v<chart version>` on every
   * chart change until the next version bump, so this tag is mutable; which commit it holds is unverified.
   */
  lmstackRouter: "lmcache/lmstack-router:v0.1.12",
  /** AIBrix v0.3.0 KV-cache vLLM build; Docker Hub copy of the VKE registry image is unverified. */
  aibrixKvcacheVllm: "aibrix/vllm-openai:aibrix-kvcache-v0.8.5-20250520",
  aibrixInfinistore: "aibrix/infinistore:v0.2.42-20250506",
  /** KubeAI's engine for nvidia-gpu profiles in chart 0.22.1 (values.yaml modelServers.VLLM.images). */
  kubeaiVllm: "vllm/vllm-openai:v0.10.2",
  /**
   * KubeAI's multi-turn ShareGPT build of benchmark_serving (benchmarks/chat-py; python:3.10 base,
   * ENTRYPOINT python benchmark_serving.py, dataset at /app/sharegpt_16_messages_or_more.json).
   * The tag is the one KubeAI's docs use; its digest is unverified from this machine.
   */
  kubeaiBenchmarkServing: "substratusai/benchmark_serving:v0.0.1",
} as const;

/**
 * llm-d's vLLM simulator, the engine of a rehearsal (components/rehearsal/): a Go binary in a distroless image
 * (llm-d/llm-d-inference-sim@v0.10.2 = f36f6526, 2026-07-15: Dockerfile ENTRYPOINT ["/app/llm-d-inference-sim"],
 * no shell, no Python, no vLLM). Its flags are read in pkg/common/parser.go, its metric names in
 * pkg/llm-d-inference-sim/metrics.go at that tag.
 */
export const INFERENCE_SIM = {
  version: "v0.10.2",
  image: "ghcr.io/llm-d/llm-d-inference-sim:v0.10.2",
} as const;

/**
 * The simulator's published latency profiles (per-token calculator), as flags: manifests/latency-profiles/
 * {8b-h100-balanced,70b-h100-tp8-throughput,small-l40s-edge}-per-token.yaml at v0.10.2 (their KV-transfer keys only
 * matter for disaggregated prefill, which no row runs). `none` answers without delay.
 */
export const INFERENCE_SIM_LATENCY = {
  "small-l40s-edge": { "inter-token-latency": "15ms", "inter-token-latency-std-dev": "2ms", "prefill-overhead": "20ms", "prefill-time-per-token": "350us", "prefill-time-std-dev": "3ms", "time-factor-under-load": "1.5" },
  "8b-h100-balanced": { "inter-token-latency": "12ms", "inter-token-latency-std-dev": "2ms", "prefill-overhead": "30ms", "prefill-time-per-token": "250us", "prefill-time-std-dev": "5ms", "time-factor-under-load": "2.0" },
  "70b-h100-tp8-throughput": { "inter-token-latency": "25ms", "inter-token-latency-std-dev": "4ms", "prefill-overhead": "80ms", "prefill-time-per-token": "500us", "prefill-time-std-dev": "15ms", "time-factor-under-load": "3.0" },
  none: {},
} as const satisfies Record<string, Record<string, string>>;
export type LatencyProfile = keyof typeof INFERENCE_SIM_LATENCY;
export const LATENCY_PROFILES = Object.keys(INFERENCE_SIM_LATENCY) as [LatencyProfile, ...LatencyProfile[]];

/**
 * Images the kubeai chart 0.22.1 deploys by default (values.yaml; the controller's tag is the chart's
 * appVersion). servelab sets them only to pull them through servelab:cluster.imageRegistry.
 */
export const KUBEAI_CHART_IMAGES = {
  controllerRepository: "ghcr.io/kubeai-project/kubeai",
  vllmDefault: "vllm/vllm-openai:v0.10.2",
  modelLoader: "ghcr.io/kubeai-project/kubeai-model-loader:v0.14.0",
} as const;

/**
 * KubeAI's k6 multi-turn chat (benchmarks/multi-turn-chat-k6) at the commit that last changed it
 * (379018b6, PR #414; unchanged at f442a2cd, 2025-10-15), carried in benchmarks/vendor/kubeai/k6.js (shipped
 * in the Job's scripts ConfigMap) and checked by sha256; `k6Js` records where it came from.
 * k6 is the release binary KubeAI's Dockerfile installs (v0.55.0); its archive checksum is unverified.
 */
export const KUBEAI_CHAT_K6 = {
  commit: "379018b6a09e2ee1bea432581c767bdec4935d0d",
  k6Js: "https://raw.githubusercontent.com/kubeai-project/kubeai/379018b6a09e2ee1bea432581c767bdec4935d0d/benchmarks/multi-turn-chat-k6/k6.js",
  k6JsSha256: "8fd4f1de563511b2a66b1c11794674bcd6edff8bff73d2eaf158c7539ced5c47",
  k6Archive: "https://github.com/grafana/k6/releases/download/v0.55.0/k6-v0.55.0-linux-amd64.tar.gz",
  shareGpt: "https://huggingface.co/datasets/anon8231489123/ShareGPT_Vicuna_unfiltered/resolve/main/ShareGPT_V3_unfiltered_cleaned_split.json",
} as const;

/**
 * vLLM's sonnet benchmark text. The vllm/vllm-openai images copy the repository's benchmarks/ folder
 * into /vllm-workspace (seen in derived Dockerfiles; unverified for v0.10.2 from this machine), so the
 * driver uses that copy and downloads the file at the image's tag only when it is missing.
 */
export const SONNET_DATASET = {
  path: "/vllm-workspace/benchmarks/sonnet.txt",
  fallbackUrl: "https://raw.githubusercontent.com/vllm-project/vllm/v0.10.2/benchmarks/sonnet.txt",
} as const;

export const CHARTS = {
  productionStack: { chart: "vllm-stack", version: "0.1.12", repo: "https://vllm-project.github.io/production-stack" },
  kubeai: { chart: "kubeai", version: "0.22.1", repo: "https://www.kubeai.org" },
} as const;

/**
 * llm-d's router (endpoint picker, EPP) at release v0.10.0 (llm-d/llm-d-router@v0.10.0, commit 71f4f099).
 * - Chart: `llm-d-router-standalone` from config/charts, built on the `routerlib` library chart. Its source says
 *   version 0.0.0 and points at the `main` EPP image with pullPolicy Always; the release job (hack/push-chart.sh,
 *   .github/workflows/ci-build-images.yaml) packages it as version `<tag>` and pushes it to oci://ghcr.io/llm-d/charts.
 *   That the v0.10.0 package is there is unverified from this machine; the chart renders from the tag's source.
 * - EPP image: set explicitly (router.epp.image) to the tag the release job builds, ghcr.io/llm-d/llm-d-router-endpoint-picker:<tag>.
 * - go.mod at the tag pins sigs.k8s.io/gateway-api-inference-extension v1.5.0 (the InferencePool API
 *   inference.networking.k8s.io/v1) and sigs.k8s.io/gateway-api v1.5.1 (used only by the gateway chart's HTTPRoute).
 * - InferencePool CRD: the file llm-d's own deploy/components/crds-gie/kustomization.yaml installs at the tag.
 */
export const LLMD = {
  version: "v0.10.0",
  chart: { chart: "oci://ghcr.io/llm-d/charts/llm-d-router-standalone", version: "v0.10.0" },
  eppImage: { registry: "ghcr.io/llm-d", repository: "llm-d-router-endpoint-picker", tag: "v0.10.0" },
  /** The chart's Envoy sidecar (routerlib values: router.proxy.presets.envoy.image at v0.10.0); set only to mirror it. */
  envoyImage: "docker.io/envoyproxy/envoy:distroless-v1.33.2",
  /**
   * The tokenizer sidecar of the precise prefix-cache mode (routerlib values.yaml router.tokenizer.image at v0.10.0):
   * vLLM's CPU image, which has `vllm launch render`. Set explicitly so the pin is visible and mirrorable.
   */
  tokenizerImage: { registry: "docker.io", repository: "vllm/vllm-openai-cpu", tag: "v0.19.1" },
  gaieVersion: "v1.5.0",
  inferencePoolCrds: "https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/v1.5.0/v1-manifests.yaml",
} as const;

/**
 * production-stack's multi-round-qa benchmark, carried in benchmarks/vendor/production-stack/ and shipped in the
 * benchmark Job's scripts ConfigMap, from the commit
 * the AIBrix v0.3.0 regression ran: its CSVs are dated 2025-05-16..19 (vllm-project/aibrix@v0.3.0:
 * benchmarks/scenarios/ps-experiment/llama-8b-v0.3.0/benchmark_output_20250519.zip) and its README fetches
 * the scripts from production-stack main, where multi-round-qa.py last changed on 2025-04-11 (57b30f05,
 * "[Benchmark] Add api key option") before 2025-06-12 (8c59276e), and utils.py last changed in 8ff65927
 * (2025-02-25). So main held these files then. Later commits time a response without content differently
 * (e92d43fb, 2026-03-13: TTFT = the whole request instead of a failed request). Its requirements are
 * unpinned upstream; these pins are ours.
 */
export const MULTI_ROUND_QA = {
  repo: "vllm-project/production-stack",
  commit: "57b30f05dbe6a433d41192bb4159f04d3faff5e0",
  files: ["benchmarks/multi-round-qa/multi-round-qa.py", "benchmarks/multi-round-qa/utils.py"],
  /** Versions known on PyPI in 2025; not installable from this machine, so unverified here. */
  pipRequirements: ["openai==1.82.0", "pandas==2.2.3", "tqdm==4.67.1"],
} as const;

export function rawGithubUrl(repo: string, commit: string, path: string): string {
  return `https://raw.githubusercontent.com/${repo}/${commit}/${path}`;
}

/**
 * The AIBrix release objects servelab addresses by name (same in vllm-project/aibrix v0.3.0
 * and v0.7.0: config/ and pkg/plugins/gateway/types.go). The release files of both are carried as derived
 * objects (components/serving/aibrix-release/, which names the published files), images through cluster.imageRegistry.
 */
export const AIBRIX = {
  /** Envoy data plane Envoy Gateway creates for Gateway aibrix-system/aibrix-eg (the hash is EG's of that name). */
  envoyService: { name: "envoy-aibrix-system-aibrix-eg-903790dc", namespace: "envoy-gateway-system", port: 80 },
  /** EnvoyProxy the GatewayClass aibrix-eg points at; its envoyService.type decides the data plane Service type. */
  envoyProxy: { name: "aibrix-custom-proxy-config", namespace: "aibrix-system" },
  /** The routing ext-proc; reads ROUTING_ALGORITHM once at start. */
  gatewayPlugins: { deployment: "aibrix-gateway-plugins", namespace: "aibrix-system", container: "gateway-plugin" },
} as const;

/**
 * kvCache.infinistore defaults: one InfiniStore node with AIBrix's VKE RDMA setup (samples/kvcache/infinistore,
 * the v0.3.0 regression's engine devices). The schema's defaults and the KV tier's read these.
 */
export const AIBRIX_INFINISTORE_DEFAULTS = {
  nodes: 1,
  cpu: 10,
  rdmaResource: VKE_RDMA_RESOURCE,
  devices: "mlx5_1:7,mlx5_2:7,mlx5_3:7,mlx5_4:7",
  linkType: "Ethernet" as const,
  hintGidIndex: 7,
};

/** Images of the KVCache (InfiniStore) side objects; the Docker Hub copies of AIBrix's VKE-registry images are unverified. */
export const AIBRIX_KVCACHE_IMAGES = {
  watcher: "aibrix/kvcache-watcher:v0.3.0",
  redis: "redis:7.4.2",
} as const;
