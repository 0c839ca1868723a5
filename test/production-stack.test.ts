/** production-stack (vllm-stack 0.1.12): values renderer against the chart's schema and values.yaml, rules, ps_stack plan. */
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { IMAGES } from "../components/catalog/versions";
import { resolveClusterFacts } from "../components/cluster/facts";
import { parseExperimentConfig } from "../components/validate";
import { ExperimentConfig } from "../components/config/schema";
import { engineProbes } from "../components/engine/manifests";
import { startupBudgetMinutes } from "../components/engine/sizing";
import { renderVllmSpec } from "../components/engine/vllmArgs";
import { planStack } from "../components/plan/planStack";
import {
  productionStackBaseUrl,
  productionStackRelease,
  renderProductionStackValues,
  splitImage,
  vllmConfigFromArgs,
} from "../components/serving/productionStackValues";
import { productionStackConnectorProblems } from "../components/serving/productionStackConnectorRules";
import { testDataJson } from "./data/sources";
import { minimalRaw, rawStackValues, configProblems } from "./helpers/configs";

const chartSchema = testDataJson("upstream/production-stack-0.1.12/values.schema.json");
const chartDefaults = testDataJson("upstream/production-stack-0.1.12/values.json");
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateValues = ajv.compile(chartSchema);

const GPU = { nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-gpu", "cloud.google.com/gke-accelerator": "nvidia-h100-80gb" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" as const, effect: "NoSchedule" as const }] };
const SYSTEM = { nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-system" }, tolerations: [] };

function values(config: ExperimentConfig, hfTokenSecret: string | null = "hf-token") {
  const { facts } = resolveClusterFacts(config.cluster);
  return renderProductionStackValues({ config, facts: facts!, release: productionStackRelease("ps-stack"), gpuPlacement: GPU, systemPlacement: SYSTEM, hfTokenSecret: hfTokenSecret ?? undefined }) as any;
}

function psConfig(edit: (raw: Record<string, any>) => void = () => {}): ExperimentConfig {
  const raw = rawStackValues("ps_stack");
  edit(raw);
  return parseExperimentConfig(raw);
}

const problems = configProblems;

/**
 * Keys the templates read although neither values.yaml nor the schema shows them: every probe's timeoutSeconds and
 * successThreshold (vllm-project/production-stack@vllm-stack-0.1.12:helm/templates/_helpers.tpl, `chart.templateProbe`).
 */
const TEMPLATE_ONLY_KEYS = new Set(["timeoutSeconds", "successThreshold"]);

/** Key paths of `v` the chart does not know: not in the schema's properties and not in values.yaml. */
function unknownKeyPaths(v: unknown, schema: any, defaults: any, path = ""): string[] {
  if (Array.isArray(v)) {
    const items = schema?.items;
    const item = Array.isArray(defaults) ? defaults[0] : undefined;
    return v.flatMap((x, i) => unknownKeyPaths(x, items, item, `${path}[${i}]`));
  }
  if (v === null || typeof v !== "object") return [];
  // A free-form map in the chart (labels, resources, nodeSelectorTerms items): no keys to check below it.
  // (objects Kubernetes defines, passed through verbatim: strategy, tolerations, nodeSelectorTerms).
  const defaultKeys = defaults && typeof defaults === "object" && !Array.isArray(defaults) ? Object.keys(defaults) : [];
  if (!schema?.properties && defaultKeys.length === 0) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(v)) {
    const s = schema?.properties?.[key];
    const d = defaults && typeof defaults === "object" && !Array.isArray(defaults) ? defaults[key] : undefined;
    const inDefaults = defaults && typeof defaults === "object" && !Array.isArray(defaults) && key in defaults;
    if (!s && !inDefaults && !(TEMPLATE_ONLY_KEYS.has(key) && /Probe$/.test(path))) {
      out.push(`${path}.${key}`);
      continue;
    }
    out.push(...unknownKeyPaths(child, s, d, `${path}.${key}`));
  }
  return out;
}

describe("production-stack values", () => {
  const config = psConfig();
  const v = values(config);

  it("validate against the chart's values.schema.json (JSON Schema 2020-12)", () => {
    const ok = validateValues(v);
    expect(validateValues.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("set only keys the chart knows (the chart ignores unknown keys silently)", () => {
    expect(unknownKeyPaths(v, chartSchema, chartDefaults)).toEqual([]);
  });

  it("the key check catches keys the chart ignores", () => {
    const bad = structuredClone(v);
    bad.routerSpec.tolerations = [];
    bad.servingEngineSpec.nodeSelector = {};
    bad.servingEngineSpec.modelSpec[0].vllmConfig.maxModelLength = 1;
    expect(unknownKeyPaths(bad, chartSchema, chartDefaults).sort()).toEqual([
      ".routerSpec.tolerations",
      ".servingEngineSpec.modelSpec[0].vllmConfig.maxModelLength",
      ".servingEngineSpec.nodeSelector",
    ]);
  });

  it("the schema check catches values of the wrong type", () => {
    const bad = structuredClone(v);
    bad.servingEngineSpec.modelSpec[0].requestCPU = 7.5;
    bad.servingEngineSpec.modelSpec[0].vllmConfig.extraArgs.push(0);
    expect(validateValues(bad)).toBe(false);
  });

  it("derive vllmConfig from the one engine spec: no flag lost, none twice", () => {
    const spec = renderVllmSpec(config.model, config.engine);
    const vc = v.servingEngineSpec.modelSpec[0].vllmConfig;
    expect(vc).toEqual(vllmConfigFromArgs(spec.args));
    // ps_stack: prefix caching off as the regression's V0 engine ran it (vllm-project/aibrix@v0.3.0
    // benchmarks/scenarios/ps-experiment/llama-8b-v0.3.0/lmcache_helm_stack.yaml enablePrefixCaching: false).
    expect(vc).toMatchObject({ enablePrefixCaching: false, enableChunkedPrefill: false, maxModelLen: 32000, tensorParallelSize: 1, gpuMemoryUtilization: 0.9 });
    expect(vc.extraArgs).toEqual(["--served-model-name", "meta-llama/Llama-3.1-8B-Instruct", "--kv-cache-dtype", "auto", "--disable-fastapi-docs", "--trust-remote-code"]);
    for (const a of vc.extraArgs) expect(typeof a).toBe("string");
    // Flags the chart writes itself never reach extraArgs.
    expect(vc.extraArgs).not.toContain("--model");
    expect(vc.extraArgs).not.toContain("--port");
  });

  it("renders prefix caching explicitly off, seed and fp8 KV cache as extra args", () => {
    const vc = values(psConfig((r) => Object.assign(r.engine, { prefixCaching: false, seed: 7, kvCacheDtype: "fp8", maxNumSeqs: 64 }))).servingEngineSpec.modelSpec[0].vllmConfig;
    expect(vc.enablePrefixCaching).toBe(false);
    expect(vc.maxNumSeqs).toBe(64);
    expect(vc.extraArgs).toEqual(expect.arrayContaining(["--seed", "7", "--kv-cache-dtype", "fp8"]));
  });

  it("engine pods: integer CPU, memory, GPU, split image, HF token Secret, GPU placement, release-unique labels, GKE runtime class, Recreate", () => {
    const m = v.servingEngineSpec.modelSpec[0];
    expect(m).toMatchObject({ repository: "lmcache/vllm-openai", tag: "v0.3.9post2", modelURL: "meta-llama/Llama-3.1-8B-Instruct", replicaCount: 8, requestCPU: 10, requestMemory: "150Gi", requestGPU: 1 });
    expect(m.hf_token).toEqual({ secretName: "hf-token", secretKey: "token" });
    expect(m.nodeSelectorTerms[0].matchExpressions).toContainEqual({ key: "cloud.google.com/gke-accelerator", operator: "In", values: ["nvidia-h100-80gb"] });
    expect(m.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(v.servingEngineSpec.labels).toEqual({ environment: "servelab", release: "ps-ps-stack" });
    expect(v.servingEngineSpec.runtimeClassName).toBe("");
    expect(v.servingEngineSpec.strategy).toEqual({ type: "Recreate" });
    expect(values(config, null).servingEngineSpec.modelSpec[0].hf_token).toBeUndefined();
  });

  it("startup probe covers the engine budget plus pinning the LMCache buffer", () => {
    const p = v.servingEngineSpec.startupProbe;
    expect(p.periodSeconds * p.failureThreshold).toBeGreaterThanOrEqual(15 * 60 + 120);
    const noCache = values(psConfig((r) => { r.kvCache = { tier: "none" }; })).servingEngineSpec.startupProbe;
    expect(noCache.failureThreshold).toBeLessThan(p.failureThreshold);
  });

  it("engine liveness and readiness probes time like servelab's own engines (the chart's defaults leave Kubernetes' 1 s timeout)", () => {
    const own = engineProbes(startupBudgetMinutes(config.engine, config.model));
    const { livenessProbe, readinessProbe, startupProbe } = v.servingEngineSpec;
    for (const [chart, mine] of [[livenessProbe, own.livenessProbe], [readinessProbe, own.readinessProbe]] as const) {
      expect(chart).toMatchObject({ periodSeconds: mine.periodSeconds, timeoutSeconds: mine.timeoutSeconds, failureThreshold: mine.failureThreshold, httpGet: { path: "/health", port: 8000 } });
    }
    expect(livenessProbe.timeoutSeconds).toBeGreaterThan(1);
    expect(readinessProbe.timeoutSeconds).toBeGreaterThan(1);
    expect(startupProbe.timeoutSeconds).toBe(own.startupProbe.timeoutSeconds);
    expect(validateValues(v)).toBe(true);
  });

  it("router: pinned image, session on x-user-id, CPU pool through nodeSelectorTerms, sized for long prompts", () => {
    expect(v.routerSpec).toMatchObject({ repository: "lmcache/lmstack-router", tag: "v0.1.12", routingLogic: "session", sessionKey: "x-user-id" });
    expect(v.routerSpec.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: "cloud.google.com/gke-nodepool", operator: "In", values: ["servelab-system"] }] }]);
    expect(v.routerSpec.resources.requests).toEqual({ cpu: "2", memory: "8Gi" });
    expect(v.routerSpec.tolerations).toBeUndefined();
  });

  it("routing modes: prefixaware and roundrobin (default) need no session key", () => {
    const pa = values(psConfig((r) => { r.router = { kind: "production-stack", routing: "prefixaware" }; })).routerSpec;
    expect(pa.routingLogic).toBe("prefixaware");
    expect(pa.sessionKey).toBeUndefined();
    expect(values(psConfig((r) => { r.router = { kind: "production-stack" }; })).routerSpec.routingLogic).toBe("roundrobin");
  });

  it("LMCache: CPU buffer as a string; none without the tier; default image becomes the pinned LMCache build", () => {
    expect(v.servingEngineSpec.modelSpec[0].lmcacheConfig).toEqual({ enabled: true, cpuOffloadingBufferSize: "120" });
    const none = values(psConfig((r) => { r.kvCache = { tier: "none" }; r.engine.image = "vllm/vllm-openai:v0.8.5"; }));
    expect(none.servingEngineSpec.modelSpec[0].lmcacheConfig).toBeUndefined();
    expect(none.servingEngineSpec.modelSpec[0].repository).toBe("vllm/vllm-openai");
    expect(validateValues(none)).toBe(true);
    const dflt = values(psConfig((r) => { delete r.engine.image; })).servingEngineSpec.modelSpec[0];
    expect(`${dflt.repository}:${dflt.tag}`).toBe(IMAGES.lmcacheVllm);
  });

  it("LMCache: defaulted pod memory is raised to buffer + 30 GB", () => {
    const m = values(psConfig((r) => { delete r.engine.memory; r.kvCache.sizeGb = 190; })).servingEngineSpec.modelSpec[0];
    expect(m.requestMemory).toBe(`${Math.ceil((220 * 1e9) / 2 ** 30)}Gi`);
  });

  it("splits images with registry ports and refuses digests", () => {
    expect(splitImage("registry:5000/lmcache/vllm-openai:v1")).toEqual({ repository: "registry:5000/lmcache/vllm-openai", tag: "v1" });
    expect(splitImage("lmcache/vllm-openai")).toBeUndefined();
    expect(splitImage("lmcache/vllm-openai@sha256:abc")).toBeUndefined();
  });

  it("base URL is the router service on port 80", () => {
    expect(productionStackBaseUrl("ps-ps-stack", "ps-stack")).toBe("http://ps-ps-stack-router-service.ps-stack.svc.cluster.local/v1");
  });
});

describe("production-stack bad configs", () => {
  const cases: [string, (r: Record<string, any>) => void, string][] = [
    ["kvaware needs the controller", (r) => { r.router.routing = "kvaware"; }, 'servelab:router.routing: "kvaware" needs the LMCache controller'],
    ["session without key", (r) => { delete r.router.sessionKey; }, "servelab:router.sessionKey: is required with routing: session"],
    ["session key multi-round-qa never sends", (r) => { r.router.sessionKey = "x-session-id"; }, 'servelab:router.sessionKey: "x-session-id": the multi-round-qa harness never sends this header, so no request would carry a session and the router would not route by session; set sessionKey: x-user-id'],
    ["session routing under a harness without a session header", (r) => {
      r.benchmark = { harness: "vllm-bench", points: [{ requestRate: 1 }] };
    }, 'servelab:router.sessionKey: "x-user-id": the vllm-bench harness never sends this header'],
    ["unknown routing", (r) => { r.router.routing = "least-request"; }, 'servelab:router.routing: "least-request" is not a routing mode of production-stack; allowed: roundrobin, session, prefixaware, kvaware'],
    ["fractional CPU", (r) => { r.engine.cpu = 7.5; }, "servelab:engine.cpu: 7.5: the vllm-stack chart takes requestCPU as an integer; use 7 or 8"],
    ["image without tag", (r) => { r.engine.image = "lmcache/vllm-openai"; }, 'servelab:engine.image: "lmcache/vllm-openai" needs an explicit tag'],
    ["LMCache with upstream vLLM", (r) => { r.engine.image = "vllm/vllm-openai:v0.10.2"; }, "servelab:engine.image: \"vllm/vllm-openai:v0.10.2\": with kvCache.tier lmcache-cpu the image repository must be exactly lmcache/vllm-openai"],
    ["LMCache mirror under another name", (r) => { r.engine.image = "us-docker.pkg.dev/p/r/vllm-openai:v1"; }, "must be exactly lmcache/vllm-openai"],
    ["buffer does not fit the pod", (r) => { r.engine.memory = "100Gi"; }, "servelab:engine.memory: 100Gi (107 GB) cannot hold the pinned LMCache buffer of kvCache.sizeGb 120 GB plus about 30 GB for the engine; raise engine.memory to at least 150 GB"],
    ["buffer does not fit the node", (r) => { delete r.engine.memory; r.kvCache.sizeGb = 300; }, "servelab:kvCache.sizeGb: 300 GB of pinned LMCache buffer needs 308Gi a replica; × 8 replicas a node"],
    ["LMCache size missing", (r) => { delete r.kvCache.sizeGb; }, "servelab:kvCache.sizeGb: is required with tier: lmcache-cpu"],
    ["LMCache behind k8s-service", (r) => { r.router = { kind: "k8s-service" }; }, "servelab:kvCache.tier: lmcache-cpu is deployed only through router.kind: production-stack"],
    ["V0 engine behind the chart's LMCacheConnectorV1", (r) => { r.engine.env = { VLLM_USE_V1: "0" }; }, 'servelab:engine.env.VLLM_USE_V1: "0" with router production-stack and kvCache.tier lmcache-cpu: the vllm-stack chart passes LMCacheConnectorV1'],
    ["tainted system pool", (r) => {
      r.cluster = { provider: "kubeconfig", kubeconfig: "/k", gpu: { type: "h100", perNode: 8 }, systemTolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }] };
    }, "servelab:cluster.systemTolerations: the production-stack router template has no tolerations"],
  ];
  it.each(cases)("%s", (_name, edit, expected) => {
    const raw = rawStackValues("ps_stack");
    edit(raw);
    const found = problems(raw);
    expect(found.some((p) => p.includes(expected)), `${found.join("\n")}\n  should include: ${expected}`).toBe(true);
  });

  it("a minimal production-stack config with roundrobin and no KV tier is accepted", () => {
    const raw = minimalRaw();
    raw.router = { kind: "production-stack" };
    expect(problems(raw)).toEqual([]);
  });
});

describe("ps_stack plan", () => {
  it("installs vllm-stack 0.1.12 once, session on x-user-id, 8 engines with 120 GB LMCache offload, benchmark aimed at the router", async () => {
    const { charts, manifests } = await planStack("ps_stack");
    expect(charts.map((c) => c.release)).toEqual(["ps-ps-stack"]);
    const chart = parse(charts[0].content);
    expect(chart).toMatchObject({ chart: "vllm-stack", version: "0.1.12", repo: "https://vllm-project.github.io/production-stack", namespace: "ps-stack" });
    expect(validateValues(chart.values)).toBe(true);
    expect(chart.values.routerSpec).toMatchObject({ routingLogic: "session", sessionKey: "x-user-id" });
    const m = chart.values.servingEngineSpec.modelSpec;
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ replicaCount: 8, requestGPU: 1, lmcacheConfig: { enabled: true, cpuOffloadingBufferSize: "120" } });
    expect(manifests).toContain("http://ps-ps-stack-router-service.ps-stack.svc.cluster.local/v1");
    expect(manifests).not.toContain("vllm-engine-service");
  });
});

describe("production-stack connector vs engine generation (productionStackConnectorProblems)", () => {
  /** A parsed ps_stack config edited after parsing (parsing runs the rules this tests). */
  const edited = (edit: (c: ExperimentConfig) => void) => { const c = structuredClone(psConfig()); edit(c); return c; };

  it("VLLM_USE_V1=0 is refused only where the chart passes LMCacheConnectorV1", () => {
    const v0 = edited((c) => { c.engine.env = { VLLM_USE_V1: "0" }; });
    expect(productionStackConnectorProblems(v0).map((p) => p.path)).toEqual(["servelab:engine.env.VLLM_USE_V1"]);
    expect(productionStackConnectorProblems(psConfig())).toEqual([]);
    expect(productionStackConnectorProblems(edited((c) => { c.engine.env = { VLLM_USE_V1: "0" }; c.kvCache = { tier: "none" } as ExperimentConfig["kvCache"]; }))).toEqual([]);
    expect(productionStackConnectorProblems(edited((c) => { c.engine.env = { VLLM_USE_V1: "1" }; }))).toEqual([]);
  });

  it("the chart gets no vllmConfig.v0 from servelab, so it renders LMCacheConnectorV1", () => {
    const vc = values(edited((c) => { c.engine.env = { VLLM_USE_V1: "0" }; })).servingEngineSpec.modelSpec[0].vllmConfig;
    expect(vc.v0).toBeUndefined();
    expect(values(psConfig()).servingEngineSpec.modelSpec[0].lmcacheConfig.enabled).toBe(true);
  });
});
