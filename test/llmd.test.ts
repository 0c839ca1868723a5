/** llm-d router (llm-d-router v0.10.0): chart values against the keys the chart has, the InferencePool against the GAIE v1.5.0 CRD, modes, metric names, rules, both rows. */
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { ROUTERS } from "../components/catalog/routers";
import { LLMD } from "../components/catalog/versions";
import { ExperimentConfig } from "../components/config/schema";
import { planStack } from "../components/plan/planStack";
import { enginePods } from "../components/serving/enginePods";
import { vllmImageVersion } from "../components/engine/vllmVersion";
import { LLMD_ROUTING_MODES, llmdEppConfig, llmdEppConfigObject, llmdMetricNames } from "../components/serving/llmdEppConfig";
import { LLMD_RELEASE, llmdBaseUrl, llmdInferencePool, llmdPoolLabels, nodeAffinityFor, renderLlmdValues } from "../components/serving/llmdSpec";
import { parseExperimentConfig } from "../components/validate";
import { testDataJson } from "./data/sources";
import { configProblems, rawStackValues } from "./helpers/configs";
import { LLMD_VALUES_SCHEMA, TEMPLATE_ONLY_KEYS, schemaKeyPaths } from "./llmdValuesSchema";

const SYSTEM = { nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-system" }, tolerations: [] };
const ajv = new Ajv({ strict: false, allErrors: true, formats: { int32: true, int64: true } });
const validateValues = ajv.compile(LLMD_VALUES_SCHEMA);
const poolCrd = testDataJson("upstream/gaie-v1.5.0/inferencepool-crd-v1.json");
const validatePoolSchema = ajv.compile(poolCrd.openAPIV3Schema);
const routerlibDefaults = testDataJson("upstream/llm-d-router-v0.10.0/routerlib-values.json");
const standaloneDefaults = testDataJson("upstream/llm-d-router-v0.10.0/standalone-values.json");

/** The InferencePool CRD as the API server admits it: the structural schema, then its two CEL rules (written out here). */
function admitInferencePool(pool: any): string[] {
  const errors = validatePoolSchema(pool) ? [] : validatePoolSchema.errors!.map((e) => `${e.instancePath} ${e.message}`);
  const spec = poolCrd.openAPIV3Schema.properties.spec.properties;
  const rules = [...spec.endpointPickerRef["x-kubernetes-validations"], ...spec.targetPorts["x-kubernetes-validations"]].map((r: { rule: string }) => r.rule);
  expect(rules).toEqual(["self.kind != 'Service' || has(self.port)", "self.all(p1, self.exists_one(p2, p1.number==p2.number))"]);
  const ref = pool.spec?.endpointPickerRef ?? {};
  if ((ref.kind ?? "Service") === "Service" && !ref.port) errors.push("endpointPickerRef: port is required when kind is 'Service'");
  const numbers = (pool.spec?.targetPorts ?? []).map((p: { number: number }) => p.number);
  if (new Set(numbers).size !== numbers.length) errors.push("targetPorts: port number must be unique");
  return errors;
}

function config(stack: string, edit: (raw: Record<string, any>) => void = () => {}): ExperimentConfig {
  const raw = rawStackValues(stack);
  edit(raw);
  return parseExperimentConfig(raw);
}

const valuesOf = (c: ExperimentConfig) => renderLlmdValues({ config: c, systemPlacement: SYSTEM }) as any;
const MODES = LLMD_ROUTING_MODES.filter((m) => m !== "precise-prefix-cache");

describe("llm-d-router-standalone values", () => {
  it("the schema of the keys servelab sets names only keys the chart has (routerlib or standalone values.yaml)", () => {
    // The standalone chart's values.yaml overlays routerlib's (dependency alias `router`); its modelServers is empty (comments only).
    const defaults = { router: { ...routerlibDefaults, extraServicePorts: standaloneDefaults.router.extraServicePorts, proxy: { ...routerlibDefaults.proxy, ...standaloneDefaults.router.proxy } } };
    const has = (path: string) => path.split(".").reduce<any>((o, k) => (o && typeof o === "object" && k in o ? o[k] : undefined), defaults) !== undefined;
    const missing = schemaKeyPaths().filter((p) => !has(p) && !TEMPLATE_ONLY_KEYS[p]);
    expect(missing).toEqual([]);
    // And the template-only keys really are absent from values.yaml (else they belong in the check above).
    expect(Object.keys(TEMPLATE_ONLY_KEYS).filter(has)).toEqual([]);
  });

  it.each(["llmd_prefix_cache", "llmd_8b_l4"])("%s: every mode's values match that schema", (stack) => {
    for (const routing of MODES) {
      const v = valuesOf(config(stack, (raw) => (raw.router.routing = routing)));
      expect(validateValues(v), JSON.stringify(validateValues.errors)).toBe(true);
    }
  });

  it("pins the EPP to the released image, not the chart source's main with pullPolicy Always", () => {
    const v = valuesOf(config("llmd_prefix_cache"));
    expect(routerlibDefaults.epp.image).toEqual({ registry: "ghcr.io/llm-d", repository: "llm-d-router-endpoint-picker", tag: "main", pullPolicy: "Always" });
    expect(v.router.epp.image).toEqual({ ...LLMD.eppImage, pullPolicy: "IfNotPresent" });
    expect(LLMD.eppImage.tag).toBe(LLMD.version);
  });

  it("mirrors the EPP and the Envoy sidecar through cluster.imageRegistry", () => {
    const v = valuesOf(config("llmd_prefix_cache", (raw) => (raw.cluster.imageRegistry = "cr.example.com/mirror")));
    expect(`${v.router.epp.image.registry}/${v.router.epp.image.repository}:${v.router.epp.image.tag}`).toBe("cr.example.com/mirror/llm-d/llm-d-router-endpoint-picker:v0.10.0");
    expect(v.router.proxy.image).toBe("cr.example.com/mirror/envoyproxy/envoy:distroless-v1.33.2");
    expect(standaloneDefaults.router.proxy.presets.envoy.image).toBe(LLMD.envoyImage);
  });

  it("places the EPP pod on the system pool through node affinity (the chart has no nodeSelector)", () => {
    const v = valuesOf(config("llmd_prefix_cache"));
    expect(v.router.epp.affinity).toEqual(nodeAffinityFor(SYSTEM));
    expect(v.router.epp.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: "cloud.google.com/gke-nodepool", operator: "In", values: ["servelab-system"] },
    ]);
  });

  it("keeps the data plane in the cluster: the standalone chart's Envoy port on the ClusterIP EPP Service", () => {
    expect(standaloneDefaults.router.extraServicePorts).toEqual([{ name: "http", port: 8081, protocol: "TCP", targetPort: 8081 }]);
    expect(llmdBaseUrl(LLMD_RELEASE, "ns")).toBe("http://llmd-epp.ns.svc.cluster.local:8081/v1");
  });
});

describe("the InferencePool", () => {
  it.each(["llmd_prefix_cache", "llmd_8b_l4"])("%s: the pool the chart renders passes the GAIE v1.5.0 CRD and selects the engine pods", (stack) => {
    const pool = llmdInferencePool(valuesOf(config(stack)), LLMD_RELEASE, "ns") as any;
    expect(admitInferencePool(pool)).toEqual([]);
    expect(pool.spec.selector.matchLabels).toEqual(llmdPoolLabels());
    expect(pool.spec.targetPorts).toEqual([{ number: 8000 }]);
    expect(pool.spec.endpointPickerRef).toEqual({ name: "llmd-epp", port: { number: 9002 }, failureMode: "FailClose" });
  });

  it("the CRD refuses what the API server refuses", () => {
    const pool = llmdInferencePool(valuesOf(config("llmd_prefix_cache")), LLMD_RELEASE, "ns") as any;
    expect(admitInferencePool({ ...pool, spec: { ...pool.spec, targetPorts: [{ number: 8000 }, { number: 8000 }] } })).not.toEqual([]);
    expect(admitInferencePool({ ...pool, spec: { ...pool.spec, endpointPickerRef: { name: "x" } } })).not.toEqual([]);
    expect(admitInferencePool({ ...pool, spec: { ...pool.spec, selector: undefined } })).not.toEqual([]);
  });

  it("the engine pods carry every label the pool selects", async () => {
    const { manifests } = await planStack("llmd_prefix_cache");
    const deployment = parseAllDocuments(manifests).map((d) => d.toJS()).find((d) => d.kind === "Deployment" && d.metadata.name === "vllm-llmd");
    expect(deployment.spec.template.metadata.labels).toMatchObject(llmdPoolLabels());
    expect(deployment.spec.template.spec.containers[0].ports).toContainEqual({ name: "http", containerPort: 8000 });
    expect(enginePods(config("llmd_prefix_cache"), "ns")).toEqual({ selector: "app.kubernetes.io/name=vllm,app.kubernetes.io/instance=vllm-llmd", container: "vllm" });
  });
});

describe("routing modes and EPP configurations", () => {
  it("the catalog lists servelab's llm-d modes", () => {
    expect(ROUTERS["llm-d"].routingModes).toEqual([...LLMD_ROUTING_MODES]);
    expect(ROUTERS["llm-d"].defaultRouting).toBe("prefix-cache");
  });

  it("maps each mode to its scheduling profile", () => {
    const profile = (m: (typeof MODES)[number]) => (llmdEppConfigObject(m, "vllm/vllm-openai:v0.10.2") as any).schedulingProfiles[0].plugins;
    expect(profile("random")).toEqual([{ pluginRef: "random-picker" }]);
    expect(profile("load-aware")).toEqual([{ pluginRef: "queue-scorer", weight: 2 }, { pluginRef: "kv-cache-utilization-scorer", weight: 2 }, { pluginRef: "max-score-picker" }]);
    // The chart's default-plugins.yaml (routerlib templates/_config.yaml): queue 2, KV-cache utilization 2, prefix cache 3.
    expect(profile("prefix-cache")).toEqual([
      { pluginRef: "queue-scorer", weight: 2 },
      { pluginRef: "kv-cache-utilization-scorer", weight: 2 },
      { pluginRef: "prefix-cache-scorer", weight: 3 },
      { pluginRef: "max-score-picker" },
    ]);
  });

  it("every plugin a profile or the data layer refers to is declared, and the file is what the chart mounts", () => {
    for (const m of MODES) {
      const cfg = parse(llmdEppConfig(m, "vllm/vllm-openai:v0.8.5"));
      const declared = new Set(cfg.plugins.map((p: { type: string; name?: string }) => p.name ?? p.type));
      const refs = [...cfg.schedulingProfiles.flatMap((p: any) => p.plugins.map((x: any) => x.pluginRef)), ...cfg.dataLayer.sources.flatMap((s: any) => [s.pluginRef, ...s.extractors.map((e: any) => e.pluginRef)])];
      expect(refs.filter((r: string) => !declared.has(r))).toEqual([]);
      expect(cfg).toMatchObject({ apiVersion: "llm-d.ai/v1alpha1", kind: "EndpointPickerConfig" });
      const v = valuesOf(config("llmd_prefix_cache", (raw) => (raw.router.routing = m)));
      expect(Object.keys(v.router.epp.pluginsCustomConfig)).toEqual([v.router.epp.pluginsConfigFile]);
    }
  });

  it("tells the EPP the KV-cache metric the row's vLLM exports (v0.8.5: gpu_cache_usage_perc; v0.10: kv_cache_usage_perc)", () => {
    expect(vllmImageVersion("vllm/vllm-openai:v0.8.5")).toEqual([0, 8, 5]);
    expect(vllmImageVersion("cr.example.com/m/vllm/vllm-openai:v0.10.2")).toEqual([0, 10, 2]);
    expect(vllmImageVersion("lmcache/vllm-openai:v0.3.9post2")).toBeUndefined();
    expect(llmdMetricNames("vllm/vllm-openai:v0.8.5")?.kvUsage).toBe("vllm:gpu_cache_usage_perc");
    expect(llmdMetricNames("vllm/vllm-openai:v0.10.2")?.kvUsage).toBe("vllm:kv_cache_usage_perc");
    const kvSpec = (stack: string) => {
      const v = valuesOf(config(stack));
      const cfg = parse(v.router.epp.pluginsCustomConfig[v.router.epp.pluginsConfigFile]);
      return cfg.plugins.find((p: any) => p.type === "core-metrics-extractor").parameters.engineConfigs[0];
    };
    expect(kvSpec("llmd_prefix_cache")).toMatchObject({ name: "vllm", kvUsageSpec: "vllm:gpu_cache_usage_perc", queuedRequestsSpec: "vllm:num_requests_waiting", runningRequestsSpec: "vllm:num_requests_running" });
    expect(kvSpec("llmd_8b_l4")).toMatchObject({ name: "vllm", kvUsageSpec: "vllm:kv_cache_usage_perc" });
  });
});

describe("llm-d config errors", () => {
  const problems = (edit: (raw: Record<string, any>) => void) => {
    const raw = rawStackValues("llmd_prefix_cache");
    edit(raw);
    return configProblems(raw);
  };

  it("accepts both rows and every deployable mode", () => {
    expect(configProblems(rawStackValues("llmd_prefix_cache"))).toEqual([]);
    expect(configProblems(rawStackValues("llmd_8b_l4"))).toEqual([]);
    for (const m of MODES) expect(problems((raw) => (raw.router.routing = m))).toEqual([]);
  });

  it("refuses a routing mode of another router", () => {
    expect(problems((raw) => (raw.router.routing = "PrefixHash"))).toEqual([
      'servelab:router.routing: "PrefixHash" is not a routing mode of llm-d; allowed: random, load-aware, prefix-cache, precise-prefix-cache (omit for prefix-cache)',
    ]);
    expect(problems((raw) => (raw.router.routing = "session")).join("\n")).toContain('"session" is not a routing mode of llm-d');
  });

  it("refuses precise prefix-cache routing on the row's vLLM v0.8.5 (test/llmdPrecise.test.ts has the rest)", () => {
    const out = problems((raw) => (raw.router.routing = "precise-prefix-cache"));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^servelab:router\.routing: "precise-prefix-cache" needs engines that publish KV-cache events .*vllm\/vllm-openai:v0\.8\.5 \(vLLM 0\.8\.5\) is older than v0\.10\.2/);
  });

  it("refuses KV-aware scoring on an image whose vLLM version (so metric name) servelab cannot tell; random needs no metric", () => {
    expect(problems((raw) => (raw.engine.image = "example.com/my/vllm:latest"))[0]).toMatch(/^servelab:engine\.image: "example\.com\/my\/vllm:latest": llm-d routing prefix-cache scores KV-cache usage/);
    expect(problems((raw) => ((raw.engine.image = "example.com/my/vllm:latest"), (raw.router.routing = "random")))).toEqual([]);
  });

  it("refuses a public data plane and another llm-d release", () => {
    expect(problems((raw) => (raw.router.exposeGateway = true))).toEqual(["servelab:router.exposeGateway: applies only to router.kind: aibrix (kind is llm-d); remove it"]);
    expect(problems((raw) => (raw.router.version = "v0.9.0"))[0]).toMatch(/^servelab:router\.version: "v0\.9\.0": servelab renders values, EPP configurations and metric names for llm-d-router v0\.10\.0 only/);
  });

  it("refuses other routers' settings under llm-d", () => {
    expect(problems((raw) => (raw.router.sessionKey = "x-user-id"))).toContain("servelab:router.sessionKey: only applies to session or kvaware routing (routing is prefix-cache)");
    expect(problems((raw) => (raw.router.prefixHash = { replication: 256 }))[0]).toMatch(/^servelab:router\.prefixHash: applies only to router\.kind: kubeai/);
  });
});

describe("the llm-d rows", () => {
  it("llmd_prefix_cache differs from k8s_stack only in servelab:router", () => {
    const a = rawStackValues("k8s_stack");
    const b = rawStackValues("llmd_prefix_cache");
    expect({ ...b, router: undefined }).toEqual({ ...a, router: undefined });
    expect(b.router).toEqual({ kind: "llm-d", routing: "prefix-cache" });
  });

  it("llmd_8b_l4 has the KubeAI 8B hardware, engine (fp8 KV on L4 included) and benchmark_serving points", () => {
    const a = rawStackValues("kubeai_prefix_hash_8b_l4");
    const b = rawStackValues("llmd_8b_l4");
    expect({ ...b, router: undefined }).toEqual({ ...a, router: undefined });
    expect(b.engine.env).toEqual({ VLLM_ATTENTION_BACKEND: "FLASHINFER" });
  });

  it.each(["llmd_prefix_cache", "llmd_8b_l4"])("%s installs the pinned CRD file and chart and points the benchmark at the EPP's Envoy", async (stack) => {
    const { plan, manifests, remote } = (await planStack(stack)) as any;
    expect(remote ?? plan.resources.filter((r: any) => r.type === "kubernetes:yaml/v2:ConfigFile").map((r: any) => r.inputs.file)).toEqual([LLMD.inferencePoolCrds]);
    const chart = plan.resources.find((r: any) => r.type === "kubernetes:helm.sh/v4:Chart");
    expect(chart.inputs).toMatchObject({ name: "llmd", chart: LLMD.chart.chart, version: "v0.10.0" });
    const job = parseAllDocuments(manifests).map((d) => d.toJS()).find((d) => d.kind === "Job");
    const env = job.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "SERVELAB_BASE_URL", value: llmdBaseUrl("llmd", plan.config.namespace ?? job.metadata.namespace) });
  });
});
