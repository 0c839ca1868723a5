import { describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../components/validate";
import { minimalRaw, rawStackValues, configProblems } from "./helpers/configs";

const problems = configProblems;

describe("parseExperimentConfig", () => {
  it("applies defaults to a minimal config", () => {
    const config = parseExperimentConfig(minimalRaw());
    expect(config.router).toEqual({ kind: "k8s-service" });
    expect(config.kvCache).toEqual({ tier: "none" });
    expect(config.engine).toMatchObject({ image: "vllm/vllm-openai:v0.8.5", replicas: 1, tensorParallel: 1, prefixCaching: true, kvCacheDtype: "auto", gpuMemoryUtilization: 0.9 });
    expect(config.cluster).toMatchObject({ provider: "gke", system: { machineType: "e2-standard-8", nodes: 2 }, gpu: { nodes: 1, provisioning: "on-demand" } });
    expect(config.benchmark).toBeUndefined();
  });

  it("reads the regression row's settings from k8s_stack", () => {
    const config = parseExperimentConfig(rawStackValues("k8s_stack"));
    expect(config.engine).toMatchObject({ replicas: 8, tensorParallel: 1, maxModelLen: 32000, image: "vllm/vllm-openai:v0.8.5" });
    expect(config.benchmark).toMatchObject({ harness: "multi-round-qa", users: 320, rounds: 10, qps: { from: 0.1, to: 4.1, step: 0.4 } });
  });

  it("reports every problem at once, never a zod dump", () => {
    const raw = minimalRaw();
    raw.engine = { replicas: 0, kvCacheDtype: "fp16" };
    const found = problems(raw);
    expect(found).toHaveLength(2);
    expect(found.join("\n")).not.toMatch(/ZodError|"code"|issues/);
  });
});

type Mutation = (raw: Record<string, any>) => void;
const withStack = (m: Mutation) => () => {
  const raw = rawStackValues("k8s_stack");
  m(raw);
  return raw;
};
const withVke = (m: Mutation) => () => {
  const raw = rawStackValues("k8s_stack_vke");
  m(raw);
  return raw;
};
const withMinimal = (m: Mutation) => () => {
  const raw = minimalRaw();
  m(raw);
  return raw;
};

/** Each bad config and a pattern the message for its key must match. */
const BAD_CONFIGS: Array<[string, () => Record<string, any>, string, RegExp]> = [
  ["missing cluster", withMinimal((r) => delete r.cluster), "servelab:cluster", /is required/],
  ["typo in a top-level key", withMinimal((r) => (r.benchmarks = {})), "servelab:benchmarks", /unknown key; servelab reads .*servelab:benchmark\b/],
  ["typo in a nested key", withMinimal((r) => (r.engine = { replica: 2 })), "servelab:engine", /unknown key "replica"; allowed keys: .*replicas/],
  ["unknown cloud", withMinimal((r) => (r.cluster.provider = "aks")), "servelab:cluster.provider", /needs "provider": one of gke, kubeconfig, vke, stack, got "aks"/],
  ["GPU type GKE does not offer", withMinimal((r) => (r.cluster.gpu.type = "a100")), "servelab:cluster.gpu.type", /"a100" is not allowed; allowed: l4, h100, h200/],
  ["GPU count no machine has", withMinimal((r) => (r.cluster.gpu = { type: "h200", perNode: 4 })), "servelab:cluster.gpu.perNode", /no h200 machine with 4 GPUs; allowed for h200: 8/],
  ["machine type of another GPU", withMinimal((r) => (r.cluster.gpu.machineType = "a3-highgpu-8g")), "servelab:cluster.gpu.machineType", /has h100 GPUs, but cluster.gpu.type is l4/],
  ["no zone on GKE", withMinimal((r) => delete r.cluster.zones), "servelab:cluster.zones", /is required on GKE/],
  ["zone outside the region", withMinimal((r) => (r.cluster.zones = ["europe-west4-b"])), "servelab:cluster.zones[0]", /not in region us-central1/],
  ["more GPUs than the pool", withStack((r) => (r.engine.replicas = 16)), "servelab:engine.replicas", /16 replicas × tensorParallel 1 = 16 GPUs, but the GPU pool has 8/],
  ["replica larger than a node", withStack((r) => { r.engine.replicas = 1; r.engine.tensorParallel = 16; }), "servelab:engine.tensorParallel", /must share one node, and a node has 8 h100/],
  ["replicas that do not pack", withStack((r) => { r.cluster.gpu.nodes = 2; r.engine.replicas = 5; r.engine.tensorParallel = 3; }), "servelab:engine.replicas", /5 replicas of 3 GPUs do not pack into 2 nodes × 8 h100 \(at most 4: 2 a node\)/],
  ["pod memory over the node", withStack((r) => (r.engine.memory = "300Gi")), "servelab:engine.memory", /300Gi × 8 replicas on an a3-highgpu-8g node = 2577 GB, but pods can use about 18\d\d GB/],
  ["pod CPUs over the node", withStack((r) => (r.engine.cpu = 40)), "servelab:engine.cpu", /40 × 8 replicas .* = 320 CPUs/],
  ["routing mode of another router", withStack((r) => { r.router = { kind: "aibrix", routing: "session" }; }), "servelab:router.routing", /"session" is not a routing mode of aibrix; allowed: random, least-request/],
  ["routing on a plain Service", withStack((r) => (r.router.routing = "roundrobin")), "servelab:router.routing", /k8s-service has no routing modes/],
  ["session routing without a key", withStack((r) => (r.router = { kind: "production-stack", routing: "session" })), "servelab:router.sessionKey", /is required with routing: session/],
  ["AIBrix KV tier behind another router", withStack((r) => (r.kvCache = { tier: "aibrix-l1-dram", sizeGb: 120 })), "servelab:kvCache.tier", /aibrix-l1-dram needs router.kind: aibrix/],
  ["LMCache behind a plain Service with upstream vLLM", withStack((r) => (r.kvCache = { tier: "lmcache-cpu", sizeGb: 120 })), "servelab:kvCache.tier", /lmcache-cpu needs router.kind: production-stack/],
  ["InfiniStore without RDMA", withStack((r) => { r.router = { kind: "aibrix", routing: "prefix-cache" }; r.kvCache = { tier: "aibrix-l2-infinistore" }; }), "servelab:kvCache.tier", /needs RDMA NICs.*standard GKE nodes have none/],
  ["KubeAI model name over 40 characters", withStack((r) => { r.router = { kind: "kubeai" }; r.model.name = "llama-3.1-8b-instruct-fp8-l4-prefix-hash-test"; }), "servelab:model.name", /45 characters; KubeAI model names are at most 40/],
  ["extra arg that servelab renders", withStack((r) => r.engine.extraArgs.push("--max-model-len=4096")), "servelab:engine.extraArgs[5]", /is set by servelab; use engine.maxModelLen/],
  ["token in the stack file", withStack((r) => (r.engine.env.HF_TOKEN = "hf_abc")), "servelab:engine.env.HF_TOKEN", /would put a secret in the stack file/],
  ["GPU memory utilization over 1", withStack((r) => (r.engine.gpuMemoryUtilization = 1.5)), "servelab:engine.gpuMemoryUtilization", /must be at most 1, got 1.5/],
  ["replicas as a string", withStack((r) => (r.engine.replicas = "8")), "servelab:engine.replicas", /must be a number, got "8"/],
  ["benchmark prompts longer than max-model-len", withStack((r) => (r.engine.maxModelLen = 16384)), "servelab:benchmark.historyTokens", /needs about 22200 tokens .* more than engine.maxModelLen 16384/],
  ["QPS range upside down", withStack((r) => (r.benchmark.qps = { from: 4.1, to: 0.1, step: 0.4 })), "servelab:benchmark.qps", /from \(4.1\) must not be above to \(0.1\)/],
  ["unknown harness", withStack((r) => (r.benchmark.harness = "locust")), "servelab:benchmark.harness", /needs "harness": one of multi-round-qa, vllm-bench, kubeai-benchmark-serving, kubeai-chat-k6, sonnet, got "locust"/],
  ["benchmark client larger than a system node", withStack((r) => (r.benchmark.cpu = 16)), "servelab:benchmark", /asks for 16 CPUs and 8Gi, more than a e2-standard-8 system node offers/],
  ["model source that is not Hugging Face", withStack((r) => (r.model.source = "s3://models/llama")), "servelab:model.source", /must be a Hugging Face model/],
  ["memory without a unit pattern", withStack((r) => (r.engine.memory = "150 GB")), "servelab:engine.memory", /must be a Kubernetes quantity/],
  ["results bucket of an unknown store", withStack((r) => (r.results = { bucket: "azure://x" })), "servelab:results.bucket", /must be a bucket URL/],
  ["gs:// bucket without GKE Workload Identity", withMinimal((r) => { r.cluster = { provider: "kubeconfig", kubeconfig: "~/.kube/lab", gpu: { type: "a100-80gb", perNode: 8 } }; r.results = { bucket: "gs://lab-results" }; }), "servelab:results.bucket", /"gs:\/\/lab-results": gs:\/\/ buckets are written through GKE Workload Identity, which needs cluster.provider: gke \(cluster is kubeconfig\); use an s3:\/\/ or tos:\/\/ bucket/],
  ["s3:// bucket without a region", withStack((r) => (r.results = { bucket: "s3://lab-results/servelab" })), "servelab:results.region", /is required with an s3:\/\/ bucket: the AWS region/],
  ["tos:// bucket outside VKE without a region", withStack((r) => (r.results = { bucket: "tos://lab-results" })), "servelab:results.region", /is required with a tos:\/\/ bucket outside VKE \(cluster is gke\).*tos-s3-<region>\.volces\.com/],
  ["destroyResults on a bucket servelab did not create", withStack((r) => (r.results = { bucket: "gs://lab-results", destroyResults: true })), "servelab:results.destroyResults", /only applies with create: true: servelab never deletes a bucket it did not create/],
  ["GCS location on an S3 bucket", withStack((r) => (r.results = { bucket: "s3://lab-results", region: "us-east-1", create: true, location: "US" })), "servelab:results.location", /does not apply to s3:\/\/ buckets; it is for gs:\/\//],
  ["region on a GCS bucket", withStack((r) => (r.results = { bucket: "gs://lab-results", region: "us-east-1" })), "servelab:results.region", /does not apply to gs:\/\/ buckets; it is for s3:\/\/ and tos:\/\//],
  ["location of an existing bucket", withStack((r) => (r.results = { bucket: "gs://lab-results", location: "US" })), "servelab:results.location", /only applies with create: true/],
  ["bucket settings without a bucket", withStack((r) => (r.results = { create: true })), "servelab:results.create", /only applies with results.bucket/],
  ["underscore in an S3 bucket name", withStack((r) => (r.results = { bucket: "s3://lab_results", region: "us-east-1" })), "servelab:results.bucket", /"lab_results": s3:\/\/ bucket names cannot contain "_"/],
  ["dot in a TOS bucket name", withStack((r) => (r.results = { bucket: "tos://lab.results", region: "cn-beijing" })), "servelab:results.bucket", /virtual-hosted addressing .* breaks the TLS certificate/],
  ["endpoint that is not https", withStack((r) => (r.results = { bucket: "s3://lab-results", region: "us-east-1", endpoint: "http://minio:9000" })), "servelab:results.endpoint", /must be an https:\/\/ endpoint/],
  ["destroyResults on TOS", withStack((r) => (r.results = { bucket: "tos://lab-results", region: "cn-beijing", create: true, destroyResults: true })), "servelab:results.destroyResults", /is not available for tos:\/\/ buckets: the Volcengine provider .* only deletes empty TOS buckets/],
  ["results bucket without a benchmark", withMinimal((r) => (r.results = { bucket: "gs://lab-results" })), "servelab:results.bucket", /has no effect without servelab:benchmark/],
  ["unknown results key", withStack((r) => (r.results = { bucket: "gs://lab-results", public: true })), "servelab:results", /unknown key "public"; allowed keys: bucket, create, destroyResults, location, region, endpoint/],
  ["VKE GPU type outside the catalog's list", withVke((r) => (r.cluster.gpu.type = "h100")), "servelab:cluster.gpu.type", /"h100" is not allowed; allowed: a10, l20, a100-80gb, a800-80gb, h20, h800/],
  ["VKE GPU type without a known instance type", withVke((r) => (r.cluster.gpu = { type: "l20", perNode: 1 })), "servelab:cluster.gpu.instanceType", /is required for 1 l20 GPUs a node \(servelab knows no VKE instance type id for l20\); find the id .*volcengine.ecs.getInstanceTypes\(\).*set cluster.gpu.instanceType and cluster.gpu.perNode/],
  ["VKE GPU count the catalog has no instance for", withVke((r) => (r.cluster.gpu.perNode = 4)), "servelab:cluster.gpu.instanceType", /is required for 4 h20 GPUs a node \(servelab knows h20 nodes with 8 GPUs\)/],
  ["VKE instance type outside the catalog without perNode", withVke((r) => (r.cluster.gpu = { type: "l20", instanceType: "ecs.gni3.8xlarge" })), "servelab:cluster.gpu.perNode", /is required with an instance type servelab's catalog does not have \("ecs.gni3.8xlarge"\)/],
  ["VKE instance type of another GPU", withVke((r) => (r.cluster.gpu.instanceType = "ecs.gni2.3xlarge")), "servelab:cluster.gpu.instanceType", /"ecs.gni2.3xlarge" has a10 GPUs, but cluster.gpu.type is h20/],
  ["RDMA on an instance type without RDMA", withVke((r) => (r.cluster.gpu = { type: "a10", perNode: 1, rdma: true })), "servelab:cluster.gpu.rdma", /ecs.gni2.3xlarge is not known to have RDMA NICs; use an HPC instance type .*ecs.ebmhpcpni3l.48xlarge/],
  ["VKE zone outside the region", withVke((r) => (r.cluster.zones = ["cn-shanghai-a"])), "servelab:cluster.zones[0]", /"cn-shanghai-a" is not in region cn-beijing/],
  ["VKE system instance type of unknown size", withVke((r) => (r.cluster.system.instanceType = "ecs.c3i.large")), "servelab:cluster.system.instanceType", /"ecs.c3i.large" is not a CPU instance type servelab knows the size of/],
  ["InfiniStore on VKE without RDMA", withVke((r) => { r.cluster.gpu.rdma = false; r.router = { kind: "aibrix", routing: "prefix-cache" }; r.kvCache = { tier: "aibrix-l2-infinistore" }; }), "servelab:kvCache.tier", /needs RDMA NICs, which this cluster does not have \(vke with gpu.rdma: false\)/],
  ["image registry with a scheme", withStack((r) => (r.cluster.imageRegistry = "https://cr.example.com/mirror")), "servelab:cluster.imageRegistry", /must be a registry host with an optional path/],
  ["a KubeAI chart version not in the catalog (it would also not match the mirrored images' tags)", withStack((r) => { r.cluster.imageRegistry = "cr.example.com/mirror"; r.router = { kind: "kubeai", version: "0.23.0" }; r.model.name = "llama"; }), "servelab:router.version", /"0.23.0" is not a kubeai chart version servelab has pinned; allowed: 0.22.1/],
  ["a production-stack chart version not in the catalog", withStack((r) => { r.router = { kind: "production-stack", version: "9.9.9" }; }), "servelab:router.version", /"9.9.9" is not a vllm-stack chart version servelab has pinned; allowed: 0.1.12/],
  ["mirrored LMCache image under production-stack", withStack((r) => { r.cluster.imageRegistry = "cr.example.com/mirror"; r.router = { kind: "production-stack", routing: "session", sessionKey: "x-user-id" }; r.kvCache = { tier: "lmcache-cpu", sizeGb: 120 }; delete r.engine.image; }), "servelab:cluster.imageRegistry", /would rename lmcache\/vllm-openai.*production-stack#454/],
];

describe("bad configs are refused with the key, the value and what is allowed", () => {
  it.each(BAD_CONFIGS)("%s", (_title, make, path, message) => {
    const found = problems(make());
    const forKey = found.filter((line) => line.startsWith(`${path}: `));
    expect(forKey, `problems were:\n${found.join("\n")}`).not.toHaveLength(0);
    expect(forKey.join("\n")).toMatch(message);
  });

  it("the error message is a short list of lines without a stack trace", () => {
    const raw = rawStackValues("k8s_stack");
    raw.engine.replicas = 16;
    raw.router.routing = "session";
    try {
      parseExperimentConfig(raw);
      throw new Error("accepted");
    } catch (err) {
      const text = (err as Error).message;
      expect(text.split("\n")[0]).toBe("servelab: the stack config has 3 problems:");
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });
});
