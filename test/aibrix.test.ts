/** AIBrix rows: release files, model naming, gateway routing, KV tiers, the KVCache against the upstream CRD, config refusals. */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { AIBRIX, IMAGES } from "../components/catalog/versions";
import { resolveClusterFacts } from "../components/cluster/facts";
import { GPU_TOLERATION } from "../components/cluster/types";
import { parseExperimentConfig } from "../components/validate";
import { ExperimentConfig } from "../components/config/schema";
import { engineDeployment, engineService } from "../components/engine/manifests";
import { quantityGb } from "../components/config/quantity";
import { AIBRIX_KV_TRANSFER_CONFIG, infinistoreKvCacheManifest } from "../components/kvcache/aibrixKvCache";
import { jsonStream } from "../components/serving/aibrixStack";
import { StackPlan, planStack } from "../components/plan/planStack";
import { stackFilePath } from "../components/plan/stackFile";
import {
  AIBRIX_BASE_URL, GATEWAY_ENV_HASH_ANNOTATION, aibrixEngineInput, aibrixEnvoyProxyService, aibrixGatewayEnv, aibrixGatewayPatch, aibrixReleaseFiles,
} from "../components/serving/aibrixSpec";
import { admitKvCache } from "./aibrixCrd";
import { configProblems, rawStackValues } from "./helpers/configs";

const plans = new Map<string, StackPlan>();
async function plan(stack: string): Promise<StackPlan> {
  if (!plans.has(stack)) plans.set(stack, await planStack(stack));
  return plans.get(stack)!;
}
async function docs(stack: string): Promise<any[]> {
  return parseAllDocuments((await plan(stack)).manifests).map((d) => d.toJS());
}
const find = (all: any[], kind: string, name: string) => all.find((d) => d.kind === kind && d.metadata.name === name);
const envOf = (container: any) => Object.fromEntries((container.env ?? []).filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));

function configOf(stack: string, edit: (raw: Record<string, any>) => void = () => {}): ExperimentConfig {
  const raw = rawStackValues(stack);
  edit(raw);
  return parseExperimentConfig(raw);
}

function engineFor(config: ExperimentConfig) {
  const { facts } = resolveClusterFacts(config.cluster);
  return aibrixEngineInput({ config, facts: facts!, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [GPU_TOLERATION] } });
}

const ROWS = ["aibrix_naive", "aibrix_naive_prefix_cache", "aibrix_kvcache_dram", "aibrix_kvcache_external"];

describe("AIBrix control plane", () => {
  it("applies v0.3.0's dependency file, then its core; v0.7.0 adds the CRD file between them", () => {
    expect(aibrixReleaseFiles("v0.3.0").map((f) => f.name)).toEqual(["aibrix-dependency-v0.3.0.yaml", "aibrix-core-v0.3.0.yaml"]);
    expect(aibrixReleaseFiles("v0.7.0").map((f) => f.name)).toEqual(["aibrix-dependency-v0.7.0.yaml", "aibrix-core-crds-v0.7.0.yaml", "aibrix-core-v0.7.0.yaml"]);
    expect(() => aibrixReleaseFiles("v9")).toThrow();
  });

  it.each(ROWS)("%s plans the release files in order, server-side applied, and points the benchmark at the Envoy data plane", async (stack) => {
    const p = await plan(stack);
    expect(p.remote).toEqual([]);
    const release = p.resources.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup");
    expect(release.map((r) => r.name)).toEqual(["servelab-serving-release-0", "servelab-serving-release-1"]);
    const registry = p.plan.config.cluster.imageRegistry;
    expect(release.map((r) => r.inputs.yaml)).toEqual(aibrixReleaseFiles("v0.3.0", registry).map((f) => jsonStream(f.objs)));
    // Server-side apply is the provider default; nothing may turn it off (client-side apply fails on the CRDs).
    for (const provider of p.resources.filter((r) => r.type === "pulumi:providers:kubernetes")) {
      expect(String((provider.inputs as any).enableServerSideApply ?? "true")).toBe("true");
    }
    expect(AIBRIX_BASE_URL).toBe("http://envoy-aibrix-system-aibrix-eg-903790dc.envoy-gateway-system/v1");
    expect(p.plan.outputs.baseUrl).toBe(AIBRIX_BASE_URL);
    const job = (await docs(stack)).find((d) => d.kind === "Job");
    expect(envOf(job.spec.template.spec.containers[0]).SERVELAB_BASE_URL).toBe(AIBRIX_BASE_URL);
  });

  it("plans v0.7.0's three files in order and, with exposeGateway, gives the Envoy data plane the release's LoadBalancer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "servelab-aibrix-"));
    const doc = parse(readFileSync(stackFilePath("aibrix_naive_prefix_cache"), "utf8"));
    doc.config["servelab:router"] = { kind: "aibrix", version: "v0.7.0", routing: "power-of-two", exposeGateway: true };
    writeFileSync(stackFilePath("aibrix_v070", dir), stringify(doc));
    copyFileSync(stackFilePath("cluster-gke-h100x8"), stackFilePath("cluster-gke-h100x8", dir));
    const p = await planStack("aibrix_v070", dir);
    expect(p.remote).toEqual([]);
    const release = p.resources.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup");
    expect(release.map((r) => r.inputs.yaml)).toEqual(aibrixReleaseFiles("v0.7.0").map((f) => jsonStream(f.objs)));
    const all = parseAllDocuments(p.manifests).map((d) => d.toJS());
    // Still servelab's EnvoyProxy (and namespace), only the type differs: switching exposeGateway on a live stack
    // is an update, never a delete of the objects the core file shares with them.
    const proxy = find(all, "EnvoyProxy", AIBRIX.envoyProxy.name);
    expect(proxy.spec.provider.kubernetes.envoyService).toEqual({ type: "LoadBalancer" });
    expect(find(all, "Namespace", AIBRIX.envoyProxy.namespace)).toBeDefined();
    expect(envOf(find(all, "Deployment", "aibrix-gateway-plugins").spec.template.spec.containers[0])).toEqual({ ROUTING_ALGORITHM: "power-of-two" });
  });

  it("makes the Envoy data plane ClusterIP unless the stack opts into the release's LoadBalancer", async () => {
    const proxy = find(await docs("aibrix_naive"), "EnvoyProxy", AIBRIX.envoyProxy.name);
    expect(proxy.metadata.namespace).toBe("aibrix-system");
    expect(proxy.spec.provider).toEqual({ type: "Kubernetes", kubernetes: { envoyService: { type: "ClusterIP" } } });
    expect(aibrixEnvoyProxyService(undefined)).toEqual({ apiVersion: "gateway.envoyproxy.io/v1alpha1", kind: "EnvoyProxy", metadata: proxy.metadata, spec: proxy.spec });
    expect(configProblems({ ...rawStackValues("k8s_stack"), router: { kind: "k8s-service", exposeGateway: true } })).toEqual([
      "servelab:router.exposeGateway: applies only to router.kind: aibrix (kind is k8s-service); remove it",
    ]);
  });
});

describe("models the AIBrix way", () => {
  it.each(ROWS)("%s: Deployment, Service, model.aibrix.ai/name and --served-model-name are the model name; vLLM and the Service on 8000", async (stack) => {
    const all = await docs(stack);
    const deployment = find(all, "Deployment", "llama3-1-8b");
    const service = find(all, "Service", "llama3-1-8b");
    for (const labels of [deployment.metadata.labels, deployment.spec.template.metadata.labels]) {
      expect(labels["model.aibrix.ai/name"]).toBe("llama3-1-8b");
      expect(labels["model.aibrix.ai/port"]).toBe("8000");
    }
    const args: string[] = deployment.spec.template.spec.containers[0].args;
    expect(args[args.indexOf("--served-model-name") + 1]).toBe("llama3-1-8b");
    expect(args[args.indexOf("--port") + 1]).toBe("8000");
    expect(service.spec.ports).toEqual([{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }]);
    expect(service.spec.type).toBe("ClusterIP");
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.metadata.namespace).toBe(deployment.metadata.namespace);
  });

  it("refuses model names that cannot be the Service and label, and a missing one", () => {
    const raw = rawStackValues("aibrix_naive");
    expect(configProblems({ ...raw, model: { source: raw.model.source } })).toEqual([
      'servelab:model.name: is required with router.kind: aibrix: it names the Deployment, the Service and the model.aibrix.ai/name label, and must equal --served-model-name (e.g. "llama3-1-8b")',
    ]);
    for (const name of ["meta-llama/Llama-3.1-8B-Instruct", "Llama3", "8b-model", `m${"x".repeat(63)}`]) {
      const problems = configProblems({ ...raw, model: { ...raw.model, name } });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^servelab:model\.name: ".*" cannot be an AIBrix model name: it becomes a Service name and a label value/);
    }
  });

  it("refuses the flags servelab renders for the AIBrix contract (port, served name) in extraArgs", () => {
    const raw = rawStackValues("aibrix_naive");
    raw.engine.extraArgs = ["--port=8080", "--served-model-name", "x"];
    expect(configProblems(raw)).toEqual([
      'servelab:engine.extraArgs[0]: "--port=8080" is set by servelab; use (fixed: 8000) instead',
      'servelab:engine.extraArgs[1]: "--served-model-name" is set by servelab; use model.name instead',
    ]);
  });

  it("refuses an AIBrix version servelab has not pinned", () => {
    const raw = rawStackValues("aibrix_naive");
    raw.router.version = "v0.5.0";
    expect(configProblems(raw)).toEqual(['servelab:router.version: "v0.5.0" is not an AIBrix release servelab has pinned; allowed: v0.3.0, v0.7.0']);
  });
});

describe("gateway routing", () => {
  it("sets no env without a routing mode, and never an empty ROUTING_ALGORITHM", () => {
    expect(aibrixGatewayEnv(configOf("aibrix_naive").router)).toBeUndefined();
    expect(() => parseExperimentConfig({ ...rawStackValues("aibrix_naive"), router: { kind: "aibrix", routing: "" } })).toThrow(/routing/);
    const env = aibrixGatewayEnv(configOf("aibrix_naive", (r) => (r.router.routing = "least-request")).router)!;
    expect(env).toEqual({ ROUTING_ALGORITHM: "least-request" });
  });

  it("naive leaves the gateway untouched; prefix-cache patches only the gateway, server-side, after the release", async () => {
    const naive = await plan("aibrix_naive");
    expect(naive.resources.some((r) => r.type === "kubernetes:apps/v1:DeploymentPatch")).toBe(false);
    expect(naive.manifests).not.toContain("ROUTING_ALGORITHM");
    expect(naive.manifests).not.toContain("aibrix-gateway-plugins");

    const prefix = await plan("aibrix_naive_prefix_cache");
    const patches = prefix.resources.filter((r) => r.type === "kubernetes:apps/v1:DeploymentPatch");
    expect(patches.map((r) => r.parent)).toEqual(["servelab-serving"]);
    const patch = patches[0].inputs as any;
    expect(patch.metadata).toMatchObject({ name: "aibrix-gateway-plugins", namespace: "aibrix-system" });
    expect(patch.metadata.annotations["pulumi.com/patchForce"]).toBe("true");
    const container = patch.spec.template.spec.containers[0];
    expect(container.name).toBe("gateway-plugin");
    expect(envOf(container)).toEqual({
      ROUTING_ALGORITHM: "prefix-cache",
      AIBRIX_PREFIX_CACHE_TOKENIZER_TYPE: "character",
      AIBRIX_PREFIX_CACHE_BLOCK_SIZE: "128",
      AIBRIX_PREFIX_CACHE_BLOCK_NUMBER: "200000",
      AIBRIX_PREFIX_CACHE_POD_RUNNING_REQUEST_IMBALANCE_ABS_COUNT: "16",
      AIBRIX_PREFIX_CACHE_STANDARD_DEVIATION_FACTOR: "2",
    });
    expect(patch.spec.template.metadata.annotations[GATEWAY_ENV_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("naive and prefix-cache differ only in the gateway's routing", async () => {
    // The benchmark Job records the routing it measured (--evidence-serving router=...), so that is left out too.
    const strip = (stack: string, text: string) => text.replaceAll(stack.replace(/_/g, "-"), "NS").replaceAll(stack, "STACK").replace(/router=aibrix[^\n]*/g, "router=ROUTER");
    const naive = parseAllDocuments(strip("aibrix_naive", (await plan("aibrix_naive")).manifests)).map((d) => d.toJS());
    const prefix = parseAllDocuments(strip("aibrix_naive_prefix_cache", (await plan("aibrix_naive_prefix_cache")).manifests)).map((d) => d.toJS());
    const extra = prefix.filter((d) => !naive.some((n) => JSON.stringify(n) === JSON.stringify(d)));
    expect(extra.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(["Deployment/aibrix-gateway-plugins"]);
    expect(prefix).toHaveLength(naive.length + 1);
    const a = configOf("aibrix_naive");
    const b = configOf("aibrix_naive_prefix_cache");
    expect({ ...b, router: { ...b.router, routing: undefined } }).toEqual({ ...a, router: { ...a.router, routing: undefined } });
  });

  it("rolls the gateway pod when the algorithm or its tuning changes", () => {
    const hash = (edit: (raw: Record<string, any>) => void) => {
      const env = aibrixGatewayEnv(configOf("aibrix_naive_prefix_cache", edit).router)!;
      return aibrixGatewayPatch(env).spec.template.metadata.annotations[GATEWAY_ENV_HASH_ANNOTATION];
    };
    const base = hash(() => {});
    expect(hash(() => {})).toBe(base);
    expect(hash((r) => (r.router.routing = "least-request"))).not.toBe(base);
    expect(hash((r) => (r.router.prefixCache = { blockSize: 16, tokenizer: "tiktoken" }))).not.toBe(base);
  });

  it("takes prefix-cache tuning only with prefix-cache routing, and the chosen version's algorithm names", () => {
    const tuned = aibrixGatewayEnv(configOf("aibrix_naive_prefix_cache", (r) => (r.router.prefixCache = { blockSize: 16, tokenizer: "tiktoken" })).router)!;
    expect(tuned).toMatchObject({ AIBRIX_PREFIX_CACHE_BLOCK_SIZE: "16", AIBRIX_PREFIX_CACHE_TOKENIZER_TYPE: "tiktoken", AIBRIX_PREFIX_CACHE_BLOCK_NUMBER: "200000" });
    const raw = rawStackValues("aibrix_naive");
    raw.router.prefixCache = { blockSize: 16 };
    expect(configProblems(raw)).toEqual(["servelab:router.prefixCache: applies only to routing: prefix-cache (routing is unset); remove it"]);
    const v070 = rawStackValues("aibrix_naive");
    v070.router.routing = "power-of-two";
    expect(configProblems(v070)[0]).toMatch(/^servelab:router\.routing: "power-of-two" is not a routing mode of aibrix; allowed: random, least-request/);
    v070.router.version = "v0.7.0";
    expect(configProblems(v070)).toEqual([]);
  });
});

describe("AIBrix KV tiers", () => {
  it("aibrix_kvcache_dram runs the v0.3.0 KV-cache build with the connector, V0, L1 env, IPC_LOCK and TP × (capacity + 20) GB", async () => {
    const deployment = find(await docs("aibrix_kvcache_dram"), "Deployment", "llama3-1-8b");
    const c = deployment.spec.template.spec.containers[0];
    expect(c.image).toBe(IMAGES.aibrixKvcacheVllm);
    expect(c.image).toBe("aibrix/vllm-openai:aibrix-kvcache-v0.8.5-20250520");
    expect(c.command).toEqual(["python3", "-m", "vllm.entrypoints.openai.api_server"]);
    expect(c.args[c.args.indexOf("--kv-transfer-config") + 1]).toBe(AIBRIX_KV_TRANSFER_CONFIG);
    expect(JSON.parse(AIBRIX_KV_TRANSFER_CONFIG)).toEqual({ kv_connector: "AIBrixOffloadingConnector", kv_role: "kv_both" });
    expect(c.args).toContain("--no-enable-chunked-prefill");
    expect(envOf(c)).toMatchObject({ VLLM_USE_V1: "0", AIBRIX_KV_CACHE_OL_L1_CACHE_ENABLED: "1", AIBRIX_KV_CACHE_OL_L1_CACHE_CAPACITY_GB: "120" });
    expect(c.securityContext).toEqual({ capabilities: { add: ["IPC_LOCK"] } });
    expect(quantityGb(c.resources.limits.memory)).toBeGreaterThanOrEqual(1 * (120 + 20));
    expect(c.resources.requests.memory).toBe(c.resources.limits.memory);
  });

  it("the L1 tier raises a defaulted pod memory to TP × (capacity + 20) GB, and refuses a configured one below it", () => {
    const config = configOf("aibrix_kvcache_dram", (r) => {
      delete r.engine.memory;
      r.engine.replicas = 4;
      r.engine.tensorParallel = 2;
      r.kvCache.sizeGb = 200;
    });
    const input = engineFor(config);
    expect(input.resources.memoryGb).toBeGreaterThanOrEqual(2 * (200 + 20));
    expect((engineDeployment(input) as any).spec.template.spec.containers[0].resources).toMatchObject({ limits: { memory: input.resources.memory } });

    const raw = rawStackValues("aibrix_kvcache_dram");
    raw.engine.memory = "130Gi";
    expect(configProblems(raw)).toEqual([
      "servelab:engine.memory: 130Gi (139 GB) is below tensorParallel 1 × (kvCache.sizeGb 120 + 20) = 140 GB, what an AIBrix L1 DRAM engine needs (vllm-project/aibrix#1154: less gets OOM-killed); raise engine.memory or lower kvCache.sizeGb",
    ]);
    const tooBig = rawStackValues("aibrix_kvcache_dram");
    delete tooBig.engine.memory;
    tooBig.kvCache.sizeGb = 400;
    expect(configProblems(tooBig)[0]).toMatch(/^servelab:kvCache\.sizeGb: 400 GB of L1 DRAM cache needs \d+Gi a replica; × 8 replicas a node = \d+ GB, but pods can use about \d+ GB/);
  });

  it("uses the KV-cache build for the default image, and refuses an engine without the connector or with what the tier sets", () => {
    const raw = rawStackValues("aibrix_kvcache_dram");
    delete raw.engine.image;
    expect(engineFor(parseExperimentConfig(raw)).image).toBe(IMAGES.aibrixKvcacheVllm);
    const bad = rawStackValues("aibrix_kvcache_dram");
    bad.engine.image = "vllm/vllm-openai:v0.9.0";
    bad.engine.chunkedPrefill = true;
    bad.engine.env.VLLM_USE_V1 = "1";
    bad.engine.extraArgs.push("--kv-transfer-config={}");
    expect(configProblems(bad)).toEqual([
      'servelab:engine.image: "vllm/vllm-openai:v0.9.0" is not an AIBrix KV-cache vLLM build; aibrix-l1-dram needs one (its patched vLLM registers the AIBrixOffloadingConnector, upstream vLLM has none); omit engine.image for the pinned aibrix/vllm-openai:aibrix-kvcache-v0.8.5-20250520',
      "servelab:engine.chunkedPrefill: true: the AIBrix KV-cache connector runs with chunked prefill off; set false or omit it with aibrix-l1-dram",
      'servelab:engine.extraArgs[5]: "--kv-transfer-config={}" is set by servelab for aibrix-l1-dram; remove it',
      'servelab:engine.env.VLLM_USE_V1: is set by servelab for kvCache.tier aibrix-l1-dram (to "0"); remove it',
    ]);
    const v070 = rawStackValues("aibrix_kvcache_dram");
    v070.router.version = "v0.7.0";
    expect(configProblems(v070)).toEqual([
      'servelab:router.version: "v0.7.0": servelab renders the AIBrix KV-cache connector of v0.3.0 only (AIBrixOffloadingConnector on vLLM 0.8.5, V0 engine); use version v0.3.0 with aibrix-l1-dram',
    ]);
  });

  it("aibrix_kvcache_external points the engines at the KVCache's Redis, with RDMA, IPC_LOCK and the KV-cache build", async () => {
    const all = await docs("aibrix_kvcache_external");
    const deployment = find(all, "Deployment", "llama3-1-8b");
    const pod = deployment.spec.template;
    const c = pod.spec.containers[0];
    const mirror = "servelab-cn-beijing.cr.volces.com/mirror/";
    expect(c.image).toBe(mirror + IMAGES.aibrixKvcacheVllm);
    expect(envOf(c)).toMatchObject({
      VLLM_USE_V1: "0",
      AIBRIX_KV_CACHE_OL_L1_CACHE_ENABLED: "0",
      AIBRIX_KV_CACHE_OL_L2_CACHE_BACKEND: "infinistore",
      AIBRIX_KV_CACHE_OL_INFINISTORE_CONNECTION_TYPE: "RDMA",
      AIBRIX_KV_CACHE_OL_META_SERVICE_BACKEND: "redis",
      AIBRIX_KV_CACHE_OL_META_SERVICE_URL: "redis://kvcache-cluster-redis:6379",
      AIBRIX_KV_CACHE_OL_META_SERVICE_CLUSTER_META_KEY: "kvcache_nodes",
    });
    expect(envOf(c)).not.toHaveProperty("AIBRIX_KV_CACHE_OL_INFINISTORE_HOST_ADDR");
    expect(c.resources.limits["vke.volcengine.com/rdma"]).toBe("1");
    expect(c.resources.requests["vke.volcengine.com/rdma"]).toBe("1");
    expect(c.securityContext.capabilities.add).toContain("IPC_LOCK");
    expect(pod.metadata.annotations["k8s.volcengine.com/pod-networks"]).toContain("rdma");

    const kvcache = find(all, "KVCache", "kvcache-cluster");
    expect(kvcache.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(kvcache.metadata.annotations["kvcache.orchestration.aibrix.ai/backend"]).toBe("infinistore");
    expect(kvcache.spec.cache.image).toBe(mirror + IMAGES.aibrixInfinistore);
    // The regression's pool: infinistore.yaml ran --prealloc-size=950 (GB) in about 960Gi.
    expect(kvcache.spec.cache.resources.limits).toEqual({ cpu: "10", memory: "1056Gi", "vke.volcengine.com/rdma": "1" });
    // The RDMA NICs are on the tainted GPU node: the cache pod is given as a template with the engines' placement.
    const cachePod = kvcache.spec.cache.template;
    expect(cachePod.spec.nodeSelector).toEqual(pod.spec.nodeSelector);
    expect(cachePod.spec.tolerations).toEqual(pod.spec.tolerations);
    const server = cachePod.spec.containers[0];
    expect(server.command).toEqual(["infinistore"]);
    expect(server.args).toEqual(["--service-port=12345", "--manage-port=8088", "--link-type=Ethernet", "--hint-gid-index=7", "--prealloc-size=950"]);
    // A custom template replaces the controller's pod: it keeps the controller's own environment.
    expect(envOf(server)).toMatchObject({ AIBRIX_KVCACHE_NAME: "kvcache-cluster", AIBRIX_KVCACHE_BACKEND: "infinistore", AIBRIX_KVCACHE_RDMA_PORT: "12345", AIBRIX_KVCACHE_ADMIN_PORT: "8088" });
    for (const name of ["MY_HOST_NAME", "MY_NODE_NAME", "MY_POD_NAME", "MY_POD_NAMESPACE", "MY_POD_IP", "MY_UID", "AIBRIX_KVCACHE_NAMESPACE"]) {
      expect(server.env.map((e: any) => e.name)).toContain(name);
    }
    // The engines start only once InfiniStore is registered in the KVCache's Redis (the KVCache has no status to await).
    // The row's weights are copied from TOS first (model.weights), then the engines wait for InfiniStore.
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(["copy-weights", "wait-for-infinistore"]);
    const wait = pod.spec.initContainers[1];
    expect(wait.name).toBe("wait-for-infinistore");
    expect(wait.command.join(" ")).toContain("redis-cli -h kvcache-cluster-redis -p 6379 EXISTS kvcache_nodes");
    expect(server.resources.limits).toEqual(kvcache.spec.cache.resources.limits);
    expect(server.securityContext.capabilities.add).toEqual(["IPC_LOCK", "SYS_RESOURCE"]);
    expect(cachePod.spec.hostIPC).toBe(true);
    expect(cachePod.metadata.annotations["k8s.volcengine.com/pod-networks"]).toContain("rdma");
    const p = await plan("aibrix_kvcache_external");
    const engines = p.resources.findIndex((r) => r.name === "servelab-serving-engines-deployment");
    expect(p.resources.findIndex((r) => r.name === "servelab-serving-kvcache")).toBeLessThan(engines);
  });

  it("the KVCache validates against the upstream v0.3.0 CRD after the API server's defaults", () => {
    const config = configOf("aibrix_kvcache_external");
    const { errors, stored } = admitKvCache(infinistoreKvCacheManifest(config.kvCache, "ns", { a: "b" }));
    expect(errors).toEqual([]);
    expect(stored.spec.mode).toBe("distributed");
    expect(stored.spec.cache.env).toEqual([]);
    expect(stored.spec.watcher.imagePullPolicy).toBe("IfNotPresent");
    const placed = infinistoreKvCacheManifest(config.kvCache, "ns", {}, undefined, { nodeSelector: { "servelab.dev/pool": "gpu" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] });
    expect(admitKvCache(placed).errors).toEqual([]);
    // The check can fail: a misspelt field and a wrong type are reported.
    const bad = infinistoreKvCacheManifest(config.kvCache, "ns", {}) as any;
    bad.spec.cache.resource = bad.spec.cache.resources;
    bad.spec.cache.replicas = "one";
    expect(admitKvCache(bad).errors).toEqual([".spec.cache.resource is not in the schema", "/spec/cache/replicas must be integer"]);
  });

  it("refuses L2 InfiniStore without RDMA, saying why and what to use", () => {
    const gke = rawStackValues("aibrix_kvcache_dram");
    gke.kvCache = { tier: "aibrix-l2-infinistore", sizeGb: 90 };
    const problems = configProblems(gke);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^servelab:kvCache\.tier: aibrix-l2-infinistore needs RDMA NICs, which this cluster does not have \(gke: standard GKE nodes have none\)/);
    expect(problems[0]).toContain("use aibrix-l1-dram");
    expect(problems[0]).toContain("rdma: true");
    const noRdma = rawStackValues("aibrix_kvcache_external");
    noRdma.cluster.gpu.rdma = false;
    expect(configProblems(noRdma)[0]).toMatch(/^servelab:kvCache\.tier: aibrix-l2-infinistore needs RDMA NICs, which this cluster does not have \(vke with gpu.rdma: false\)/);
    const noSize = rawStackValues("aibrix_kvcache_external");
    delete noSize.kvCache.sizeGb;
    expect(configProblems(noSize)).toEqual(["servelab:kvCache.sizeGb: is required with tier: aibrix-l2-infinistore (InfiniStore pool per cache node, in GB)"]);
    const stray = rawStackValues("aibrix_kvcache_dram");
    stray.kvCache.infinistore = { nodes: 2 };
    expect(configProblems(stray)).toEqual(["servelab:kvCache.infinistore: applies only to tier: aibrix-l2-infinistore (tier is aibrix-l1-dram); remove it"]);
  });

  it("refuses an InfiniStore pool or CPU that cannot fit a GPU node beside the engines", () => {
    // The regression's hand-made InfiniStore pod had 960Gi: it fits beside the row's 20Gi engines...
    const big = rawStackValues("aibrix_kvcache_external");
    big.kvCache.sizeGb = 960;
    expect(configProblems(big)).toEqual([]);
    // ...but not beside engines that take their default even share of the node.
    delete big.engine.memory;
    expect(configProblems(big)).toEqual([
      expect.stringMatching(/^servelab:kvCache\.sizeGb: 960 GB of InfiniStore pool needs 1067Gi an InfiniStore pod, which runs on the GPU nodes; with the engines' \d+Gi each, a GPU node \(8 engine replicas and 1 InfiniStore pod\) needs \d+ GB, but pods can use about \d+ GB of it/),
    ]);
    const cpu = rawStackValues("aibrix_kvcache_external");
    delete cpu.engine.cpu;
    cpu.kvCache.infinistore.cpu = 40;
    expect(configProblems(cpu)).toEqual([expect.stringMatching(/^servelab:kvCache\.infinistore\.cpu: 40: an InfiniStore pod runs on the GPU nodes; with the engines' \d+ CPUs each/)]);
  });

  it("puts the RDMA pod annotation only with VKE's RDMA resource, and the engine Service keeps the model labels", () => {
    const config = configOf("aibrix_kvcache_external", (r) => (r.kvCache.infinistore.rdmaResource = "rdma/hca_shared_devices_a"));
    const input = engineFor(config);
    const deployment = engineDeployment(input) as any;
    expect(deployment.spec.template.metadata).not.toHaveProperty("annotations");
    expect(deployment.spec.template.spec.containers[0].resources.limits["rdma/hca_shared_devices_a"]).toBe("1");
    expect((engineService(input).metadata as any).labels["model.aibrix.ai/name"]).toBe("llama3-1-8b");
    const kv = infinistoreKvCacheManifest(config.kvCache, "ns", {});
    expect(kv.spec.cache.resources.limits).toHaveProperty("rdma/hca_shared_devices_a", "1");
  });
});

describe("RDMA units on the GPU nodes (L2 InfiniStore)", () => {
  it("refuses more RDMA pods than the nodes offer, naming the node count that fits", () => {
    const raw = rawStackValues("aibrix_kvcache_external");
    raw.cluster.gpu.nodes = 1;
    const problems = configProblems(raw);
    expect(problems).toEqual([
      "servelab:cluster.gpu.nodes: 1: 8 engines and 1 InfiniStore pod each ask for one vke.volcengine.com/rdma, 9 in all, but 1 × ecs.ebmhpcpni3l.48xlarge offers 8 (8 a node), so one pod would stay Pending; raise cluster.gpu.nodes to 2 or lower engine.replicas to 7",
    ]);
    raw.engine.replicas = 7;
    expect(configProblems(raw)).toEqual([]);
  });

  it("the committed row fits: two nodes for 8 engines and InfiniStore", () => {
    expect(configProblems(rawStackValues("aibrix_kvcache_external"))).toEqual([]);
  });
});
