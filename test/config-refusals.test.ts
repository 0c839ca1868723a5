/** Configs accepted or refused unhelpfully before issue 13, each as (title, mutation, key, message fragment). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ExperimentConfig } from "../components/config/schema";
import { resolveClusterFacts } from "../components/cluster/facts";
import { configWarnings, machineWarnings, parseExperimentConfig } from "../components/validate";
import { checkStackText } from "./helpers/stackCheck";
import { configProblems, minimalRaw, rawStackValues } from "./helpers/configs";

type Raw = Record<string, any>;
const stackRaw = (stack: string, m: (r: Raw) => void) => () => {
  const r = rawStackValues(stack);
  m(r);
  return r;
};
const k8s = (m: (r: Raw) => void) => stackRaw("k8s_stack", m);
const minimal = (m: (r: Raw) => void) => () => {
  const r = minimalRaw();
  m(r);
  return r;
};
const existing = (gpu: Raw) => ({ provider: "kubeconfig", kubeconfig: "/k", gpu });

const BAD: Array<[string, () => Raw, string, RegExp]> = [
  ["maxModelLen beyond the model's context", k8s((r) => (r.engine.maxModelLen = 10_000_000)), "servelab:engine.maxModelLen", /beyond meta-llama\/Llama-3.1-8B-Instruct's maximum context of 131072/],
  ["tensorParallel that does not divide the heads", k8s((r) => { r.engine.tensorParallel = 3; r.engine.replicas = 2; }), "servelab:engine.tensorParallel", /3 does not divide .* 32 attention heads.*use 1, 2, 4, 8, 16/],
  ["tensorParallel 7 on Qwen's 14 heads is fine, 4 is not", minimal((r) => { r.cluster.gpu = { type: "h100", perNode: 8 }; r.engine = { tensorParallel: 4 }; }), "servelab:engine.tensorParallel", /does not divide .*14 attention heads/],
  ["batched tokens below the context on V0 without chunked prefill", k8s((r) => { r.engine.env.VLLM_USE_V1 = "0"; r.engine.maxNumBatchedTokens = 8192; }), "servelab:engine.maxNumBatchedTokens", /8192 is below the context of 32000 tokens .*V0/],
  ["maxNumSeqs above maxNumBatchedTokens", k8s((r) => { r.engine.maxNumBatchedTokens = 256; r.engine.maxNumSeqs = 512; r.engine.chunkedPrefill = true; }), "servelab:engine.maxNumSeqs", /512 is above engine.maxNumBatchedTokens 256/],
  ["vllm-bench prompt longer than maxModelLen", k8s((r) => (r.benchmark = { harness: "vllm-bench", points: [{ requestRate: 1 }], inputTokens: 32000, prefixTokens: 100 })), "servelab:benchmark.inputTokens", /32000 input \+ 100 prefix \+ 128 output tokens exceed engine.maxModelLen 32000/],
  ["sonnet prompt beyond the model's context", stackRaw("k8s_stack", (r) => { r.benchmark = { harness: "sonnet", requestRate: 1, inputTokens: 200000, prefixTokens: 10 }; delete r.engine.maxModelLen; }), "servelab:benchmark.inputTokens", /the model's maximum context 131072/],
  ["answers blamed on answerTokens", k8s((r) => { r.benchmark.historyTokens = 100; r.benchmark.answerTokens = 4000; }), "servelab:benchmark.answerTokens", /more than engine.maxModelLen 32000/],
  ["timeout shorter than the sweep", k8s((r) => (r.benchmark.timeoutMinutes = 5)), "servelab:benchmark.timeoutMinutes", /5 is shorter than the load it bounds .*raise it to at least \d+/],
  ["engine memory of 1Mi", k8s((r) => (r.engine.memory = "1Mi")), "servelab:engine.memory", /"1Mi" is too small: at least 4Gi/],
  ["benchmark memory of 1k", k8s((r) => (r.benchmark.memory = "1k")), "servelab:benchmark.memory", /too small/],
  ["HF token in env under another name", k8s((r) => (r.engine.env.HUGGINGFACEHUB_API_TOKEN = "hf_x")), "servelab:engine.env.HUGGINGFACEHUB_API_TOKEN", /would put a secret in the stack file/],
  ["vLLM API key in env", k8s((r) => (r.engine.env.VLLM_API_KEY = "abc")), "servelab:engine.env.VLLM_API_KEY", /plan.json and the manifests in clear text/],
  ["token in extraArgs", k8s((r) => r.engine.extraArgs.push("--hf-token", "hf_abcdefghijklmnopqrstuvwxyz")), "servelab:engine.extraArgs[5]", /"--hf-token" would put a credential/],
  ["token value in benchmark extraArgs", stackRaw("vllm_405b_h200", (r) => (r.benchmark.extraArgs = ["--header=Authorization: hf_abcdefghijklmnopqrstuvwxyz"])), "servelab:benchmark.extraArgs[0]", /credential/],
  ["a thousand GPU nodes", k8s((r) => (r.cluster.gpu.nodes = 1000)), "servelab:cluster.gpu.nodes", /8000 GPUs \(about \$[\d,]+\/hour\), above the limit of 64 GPUs; .*cluster.limits.maxGpus: 8000/],
  ["a large VKE pool (no prices: GPUs count)", stackRaw("k8s_stack_vke", (r) => (r.cluster.gpu.nodes = 100)), "servelab:cluster.gpu.nodes", /800 GPUs, above the limit of 64 GPUs/],
  ["a pool over the hourly limit", k8s((r) => { r.cluster.gpu.nodes = 8; r.cluster.limits = { maxGpus: 64, maxUsdPerHour: 100 }; }), "servelab:cluster.gpu.nodes", /above the limit of \$100\/hour/],
  ["H100 on an existing cluster without gpuMemoryGb", k8s((r) => (r.cluster = existing({ type: "h100", perNode: 8 }))), "servelab:cluster.gpu.gpuMemoryGb", /is required for "h100" on an existing cluster: it comes with 80 or 94 GB/],
  ["qps as a range string", k8s((r) => (r.benchmark.qps = "0.1..4.1")), "servelab:benchmark.qps", /matches none of the allowed forms: a list of rates such as \[0.5, 1, 2\], or a range such as \{ from: 0.1, to: 4.1, step: 0.4 \}/],
  ["qps missing", k8s((r) => delete r.benchmark.qps), "servelab:benchmark.qps", /^is required: a list of rates/],
  ["provider missing", minimal((r) => delete r.cluster.provider), "servelab:cluster.provider", /needs "provider": one of gke, kubeconfig, vke, stack \(it is missing\)/],
  ["cluster as a string", minimal((r) => (r.cluster = "gke")), "servelab:cluster", /must be a map of keys to values, got "gke"/],
  ["required number missing", k8s((r) => (r.cluster = existing({ type: "a100-80gb" }))), "servelab:cluster.gpu.perNode", /is required \(a number\)/],
  ["tensorParallel above a node names the fix", k8s((r) => { r.cluster.gpu = { type: "l4", perNode: 1 }; r.engine.replicas = 1; r.engine.tensorParallel = 2; r.engine.memory = "40Gi"; r.engine.cpu = 4; }), "servelab:engine.tensorParallel", /set cluster.gpu.perNode: 2/],
  ["pod memory over a small machine names a larger one", minimal((r) => (r.engine = { memory: "60Gi" })), "servelab:engine.memory", /60Gi × 1 replica on a g2-standard-8 node .*or set cluster.gpu.machineType: g2-standard-\d+/],
  ["LMCache behind a Service: one message", k8s((r) => { r.kvCache = { tier: "lmcache-cpu", sizeGb: 100 }; r.engine.image = "lmcache/vllm-openai:v0.3.9post2"; }), "servelab:kvCache.tier", /^lmcache-cpu is deployed only through router.kind: production-stack[^;]*$/],
];

describe("refused, naming the key", () => {
  it.each(BAD)("%s", (_title, make, path, message) => {
    const found = configProblems(make());
    const forKey = found.filter((line) => line.startsWith(`${path}: `));
    expect(forKey, `problems were:\n${found.join("\n")}`).toHaveLength(1);
    expect(forKey[0].slice(path.length + 2)).toMatch(message);
    expect(found.length).toBeLessThanOrEqual(12);
  });
});

const K8S_STACK = readFileSync(join(__dirname, "../stacks/Pulumi.k8s_stack.yaml"), "utf8");

describe("stack files refused before the schema", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["misspelled namespace", K8S_STACK.replace("servelab:engine:", "servlab:engine:"), /servlab:engine: unknown config namespace "servlab"; did you mean servelab:engine\?/],
    ["hfToken in plain text", `${K8S_STACK}  servelab:hfToken: hf_abcdefghijklmnop\n`, /servelab:hfToken: is plain text in the stack file; it must be a Pulumi secret/],
    ["hfToken as a number", `${K8S_STACK}  servelab:hfToken: 12345\n`, /servelab:hfToken: is a number in plain text/],
    ["confg: for config:", K8S_STACK.replace(/^config:/m, "confg:"), /unknown top-level key "confg"; did you mean config:\?/],
    ["config: as a list", "config:\n  - servelab:cluster\n", /config: must be a map of "servelab:<key>: value" lines, got a list/],
    ["config: as a string", "config: servelab\n", /config: must be a map .*got a string/],
    [".inf as a number", K8S_STACK.replace("secondsPerPoint: 100", "secondsPerPoint: .inf"), /servelab:benchmark.secondsPerPoint: must be a number, got ".inf"/],
    [".nan as a number", K8S_STACK.replace("gpuMemoryUtilization", "x").replace("maxModelLen: 32000", "maxModelLen: .nan"), /servelab:engine.maxModelLen: must be a number, got ".nan"/],
  ];
  it.each(cases)("%s", (_title, yaml, message) => {
    const result = checkStackText(yaml);
    expect(result.accepted).toBe(false);
    if (!result.accepted) expect(result.text).toMatch(message);
  });

  it("accepts hfToken as a secret", () => {
    expect(checkStackText(`${K8S_STACK}  servelab:hfToken:\n    secure: AAABAGV4YW1wbGU=\n`).accepted).toBe(true);
  });
});

describe("warnings", () => {
  const warningsOf = (config: ExperimentConfig) => configWarnings(config, resolveClusterFacts(config.cluster).facts!);
  it("a model outside the catalog is accepted, saying which checks were skipped", () => {
    const raw = minimalRaw();
    raw.model.source = "hf://example/unknown-model";
    expect(warningsOf(parseExperimentConfig(raw)).join("\n")).toMatch(/example\/unknown-model is not in servelab's model catalog .* were skipped/);
  });
  it("GPUs the engines leave idle", () => {
    const raw = rawStackValues("k8s_stack");
    raw.engine.replicas = 1;
    expect(warningsOf(parseExperimentConfig(raw)).join("\n")).toMatch(/1 replica × tensorParallel 1 use 1 of the pool's 8 h100 GPUs; 7 stay idle \(raise engine.replicas or lower/);
  });
  it("idle GPUs beside InfiniStore do not suggest fewer nodes, which the RDMA fit may refuse", () => {
    const warnings = warningsOf(parseExperimentConfig(rawStackValues("aibrix_kvcache_external"))).join("\n");
    expect(warnings).toMatch(/8 stay idle \(the InfiniStore pod's RDMA unit may need that node/);
    expect(warnings).not.toMatch(/lower cluster.gpu.nodes/);
  });
  it("a kubeconfig path that does not exist is a warning offline", () => {
    const raw = rawStackValues("k8s_stack");
    raw.cluster = { provider: "kubeconfig", kubeconfig: "/no/such/kubeconfig", gpu: { type: "a100-80gb", perNode: 8, gpuMemoryGb: 80 } };
    expect(machineWarnings(parseExperimentConfig(raw)).join("\n")).toMatch(/servelab:cluster.kubeconfig: "\/no\/such\/kubeconfig" does not exist on this machine; .* `pulumi up` will refuse it/);
  });
});

describe("valid variations stay accepted", () => {
  const GOOD: Array<[string, () => Raw]> = [
    ["V1 with batched tokens below the context (chunked prefill forced on)", k8s((r) => (r.engine.maxNumBatchedTokens = 8192))],
    ["a raised GPU limit", k8s((r) => { r.cluster.gpu.nodes = 10; r.cluster.limits = { maxGpus: 80, maxUsdPerHour: 2000 }; })],
    ["a long enough timeout", k8s((r) => (r.benchmark.timeoutMinutes = 60))],
    ["tensorParallel 2 on Llama-3.1-8B", k8s((r) => { r.engine.tensorParallel = 2; r.engine.replicas = 4; })],
    ["H100 with its memory given", k8s((r) => (r.cluster = existing({ type: "h100", perNode: 8, gpuMemoryGb: 80 })))],
    ["maxModelLen at the model's maximum", k8s((r) => { r.engine.maxModelLen = 131072; r.engine.memory = "200Gi"; })],
  ];
  it.each(GOOD)("%s", (_title, make) => {
    expect(configProblems(make())).toEqual([]);
  });

  it("a stack file round-tripped through YAML is accepted", () => {
    expect(checkStackText(stringify(parse(K8S_STACK))).accepted).toBe(true);
  });
});
