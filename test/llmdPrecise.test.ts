/**
 * llm-d's precise-prefix-cache mode: what the engines publish (vLLM --kv-events-config) is what the endpoint picker
 * subscribes to, the tokenizer sidecar tokenizes for the model the engines serve with servelab's HF token, and engines
 * that cannot publish are refused. The example stack is test/fixtures/stacks/Pulumi.llmd_precise.yaml.
 */
import { resolve } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { LLMD } from "../components/catalog/versions";
import { resolveClusterFacts } from "../components/cluster/facts";
import { ExperimentConfig } from "../components/config/schema";
import { kvEventsConfig, kvEventsGap } from "../components/engine/kvEvents";
import { engineDeployment } from "../components/engine/manifests";
import { renderVllmSpec } from "../components/engine/vllmArgs";
import { planStack } from "../components/plan/planStack";
import { isGatedRepo, llmdTokenProblems } from "../components/serving/llmdRules";
import { LLMD_KV_EVENTS_PORT, LLMD_TOKENIZER_PORT, engineBlockSize, llmdEngineInput, llmdKvEventsPublisher, renderLlmdValues } from "../components/serving/llmdSpec";
import { parseExperimentConfig } from "../components/validate";
import { testDataJson } from "./data/sources";
import { configProblems, rawStackValues } from "./helpers/configs";
import { validateK8sObject } from "./helpers/k8sSchema";
import { LLMD_VALUES_SCHEMA } from "./llmdValuesSchema";

const FIXTURES = resolve(__dirname, "fixtures/stacks");
const SYSTEM = { nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-system" }, tolerations: [] };
const validateValues = new Ajv({ strict: false, allErrors: true }).compile(LLMD_VALUES_SCHEMA);

/** llmd_prefix_cache with vLLM v0.10.2 and precise-prefix-cache routing: the example stack's settings. */
function preciseRaw(edit: (raw: Record<string, any>) => void = () => {}): Record<string, any> {
  const raw = rawStackValues("llmd_prefix_cache");
  raw.engine.image = "vllm/vllm-openai:v0.10.2";
  raw.router.routing = "precise-prefix-cache";
  edit(raw);
  return raw;
}
const precise = (edit?: (raw: Record<string, any>) => void): ExperimentConfig => parseExperimentConfig(preciseRaw(edit));
const eppConfig = (v: any) => parse(v.router.epp.pluginsCustomConfig[v.router.epp.pluginsConfigFile]);
const plugin = (cfg: any, type: string) => cfg.plugins.find((p: any) => p.type === type);
const engineInput = (c: ExperimentConfig) =>
  llmdEngineInput({ config: c, facts: resolveClusterFacts(c.cluster).facts!, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [] }, hfTokenSecret: "hf-token" });

describe("the engines publish what the endpoint picker subscribes to", () => {
  it("renders --kv-events-config with vLLM's KVEventsConfig field names, publisher zmq set explicitly (v0.10.2's default is null)", () => {
    expect(kvEventsConfig({ port: 5557, topic: "t" })).toEqual({ enable_kv_cache_events: true, publisher: "zmq", endpoint: "tcp://*:5557", topic: "t" });
    const c = precise();
    const spec = renderVllmSpec(c.model, c.engine, { kvEvents: llmdKvEventsPublisher(c) });
    const i = spec.args.indexOf("--kv-events-config");
    expect(JSON.parse(spec.args[i + 1])).toEqual({
      enable_kv_cache_events: true,
      publisher: "zmq",
      endpoint: "tcp://*:5557",
      topic: "kv@$(POD_IP):8000@meta-llama/Llama-3.1-8B-Instruct",
    });
    // Only the precise mode asks: every other mode's engines keep the engine config's flags.
    expect(renderVllmSpec(c.model, c.engine).args).not.toContain("--kv-events-config");
    expect(engineInput(parseExperimentConfig(rawStackValues("llmd_prefix_cache"))).spec.args).not.toContain("--kv-events-config");
  });

  it("the engine pod defines POD_IP from the downward API (so the kubelet expands $(POD_IP) in the topic) and names the port", () => {
    const d = engineDeployment(engineInput(precise())) as any;
    const vllm = d.spec.template.spec.containers[0];
    expect(vllm.env).toContainEqual({ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } });
    expect(vllm.ports).toEqual([{ name: "http", containerPort: 8000 }, { name: "kv-events", containerPort: LLMD_KV_EVENTS_PORT }]);
    const topic = JSON.parse(vllm.args[vllm.args.indexOf("--kv-events-config") + 1]).topic as string;
    const refs = [...topic.matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]);
    expect(refs.every((name) => vllm.env.some((e: any) => e.name === name))).toBe(true);
    expect(validateK8sObject(d)).toBeFalsy();
  });

  it("the picker dials the engines' port, filters on their topic prefix and keys on the served model", () => {
    const c = precise();
    const cfg = eppConfig(renderLlmdValues({ config: c, systemPlacement: SYSTEM }));
    const producer = plugin(cfg, "precise-prefix-cache-producer").parameters;
    const publisher = llmdKvEventsPublisher(c);
    expect(producer.kvEventsConfig).toEqual({ topicFilter: "kv@", discoverPods: true, podDiscoveryConfig: { socketPort: publisher.port } });
    expect(publisher.topic.startsWith(producer.kvEventsConfig.topicFilter)).toBe(true);
    // engineadapter/common.go parseTopic: three "@" parts, the last is the model the lookup uses (the request's model).
    const parts = publisher.topic.split("@");
    expect(parts).toHaveLength(3);
    expect(parts[2]).toBe(engineInput(c).spec.servedModel);
    const named = precise((raw) => (raw.model.name = "llama-8b"));
    expect(llmdKvEventsPublisher(named).topic.split("@")[2]).toBe("llama-8b");
  });

  it("the picker's block keys use the engines' block size", () => {
    expect(engineBlockSize({ extraArgs: [] })).toBe(16);
    expect(engineBlockSize({ extraArgs: ["--block-size", "32"] })).toBe(32);
    expect(engineBlockSize({ extraArgs: ["--block-size=64"] })).toBe(64);
    // vLLM's FlexibleArgumentParser reads --block_size as --block-size, and argparse keeps the last value.
    expect(engineBlockSize({ extraArgs: ["--block_size", "8"] })).toBe(8);
    expect(engineBlockSize({ extraArgs: ["--block_size=128"] })).toBe(128);
    expect(engineBlockSize({ extraArgs: ["--block-size", "32", "--block-size=64"] })).toBe(64);
    const c = precise((raw) => raw.engine.extraArgs.push("--block-size", "32"));
    expect(plugin(eppConfig(renderLlmdValues({ config: c, systemPlacement: SYSTEM })), "precise-prefix-cache-producer").parameters.tokenProcessorConfig).toEqual({ blockSizeTokens: 32 });
  });
});

describe("the EPP configuration and the tokenizer sidecar", () => {
  it("is upstream's deploy/config/epp-precise-prefix-cache-config.yaml without its decode-filter and the handler the loader adds", () => {
    const upstream = testDataJson("upstream/llm-d-router-v0.10.0/epp-precise-prefix-cache-config.json");
    const ours = eppConfig(renderLlmdValues({ config: precise(), systemPlacement: SYSTEM }));
    // decode-filter keeps pods labelled for decode (or unlabelled) in P/D pools: servelab's pools have no roles.
    // single-profile-handler: pkg/epp/config/loader/defaults.go adds it to a one-profile file that names none.
    const dropped = ["decode-filter", "single-profile-handler"];
    expect(ours.schedulingProfiles).toEqual(upstream.schedulingProfiles.map((p: any) => ({ ...p, plugins: p.plugins.filter((x: any) => !dropped.includes(x.pluginRef)) })));
    expect(ours.plugins.map((p: any) => p.type).sort()).toEqual(upstream.plugins.map((p: any) => p.type).filter((t: string) => !dropped.includes(t)).sort());
    expect(ours.dataLayer).toEqual(upstream.dataLayer);
    expect(plugin(ours, "prefix-cache-scorer").parameters).toEqual(plugin(upstream, "prefix-cache-scorer").parameters);
    expect(Object.keys(plugin(ours, "token-producer").parameters)).toEqual(Object.keys(plugin(upstream, "token-producer").parameters));
  });

  it("upstream's precise profile, every plugin it refers to declared, the producer fed by endpoint notifications", () => {
    const cfg = eppConfig(renderLlmdValues({ config: precise(), systemPlacement: SYSTEM }));
    expect(cfg.schedulingProfiles[0].plugins).toEqual([
      { pluginRef: "prefix-cache-scorer", weight: 2 },
      { pluginRef: "kv-cache-utilization-scorer", weight: 1 },
      { pluginRef: "queue-scorer", weight: 1 },
      { pluginRef: "max-score-picker" },
    ]);
    expect(plugin(cfg, "prefix-cache-scorer").parameters).toEqual({ prefixMatchInfoProducerName: "precise-prefix-cache-producer" });
    const declared = new Set(cfg.plugins.map((p: any) => p.name ?? p.type));
    const refs = [...cfg.schedulingProfiles[0].plugins.map((x: any) => x.pluginRef), ...cfg.dataLayer.sources.flatMap((s: any) => [s.pluginRef, ...s.extractors.map((e: any) => e.pluginRef)])];
    expect(refs.filter((r: string) => !declared.has(r))).toEqual([]);
    expect(cfg.dataLayer.sources).toContainEqual({ pluginRef: "endpoint-notification-source", extractors: [{ pluginRef: "precise-prefix-cache-producer" }] });
    expect(plugin(cfg, "core-metrics-extractor").parameters.engineConfigs[0].kvUsageSpec).toBe("vllm:kv_cache_usage_perc");
  });

  it("the token-producer asks the sidecar on loopback for the model it loaded; the sidecar gets servelab's HF token", () => {
    const v = renderLlmdValues({ config: precise(), systemPlacement: SYSTEM, hfTokenSecret: "hf-token" }) as any;
    expect(validateValues(v), JSON.stringify(validateValues.errors)).toBe(true);
    const tp = plugin(eppConfig(v), "token-producer").parameters;
    expect(tp).toEqual({ modelName: v.router.tokenizer.modelName, vllm: { url: `http://localhost:${v.router.tokenizer.port}` } });
    expect(v.router.tokenizer).toMatchObject({
      enabled: true,
      modelName: "meta-llama/Llama-3.1-8B-Instruct",
      port: LLMD_TOKENIZER_PORT,
      image: { ...LLMD.tokenizerImage, pullPolicy: "IfNotPresent" },
      env: [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } }],
    });
  });

  it("never leaves the chart's default env (a Secret llm-d-hf-token servelab does not create); mirrors the image and the HF endpoint", () => {
    const bare = renderLlmdValues({ config: precise(), systemPlacement: SYSTEM }) as any;
    expect(bare.router.tokenizer.env).toEqual([]);
    expect(validateValues(bare)).toBe(true);
    const mirrored = renderLlmdValues({
      config: precise((raw) => ((raw.cluster.imageRegistry = "cr.example.com/mirror"), (raw.model.weights = { hfEndpoint: "https://hf-mirror.example.com" }))),
      systemPlacement: SYSTEM,
      hfTokenSecret: "hf-token",
    }) as any;
    const t = mirrored.router.tokenizer;
    expect(`${t.image.registry}/${t.image.repository}:${t.image.tag}`).toBe("cr.example.com/mirror/vllm/vllm-openai-cpu:v0.19.1");
    expect(t.env).toContainEqual({ name: "HF_ENDPOINT", value: "https://hf-mirror.example.com" });
    expect(validateValues(mirrored), JSON.stringify(validateValues.errors)).toBe(true);
    // Other modes run no sidecar.
    expect((renderLlmdValues({ config: parseExperimentConfig(rawStackValues("llmd_prefix_cache")), systemPlacement: SYSTEM }) as any).router.tokenizer).toBeUndefined();
  });
});

describe("refusals of the precise mode", () => {
  const problems = (edit: (raw: Record<string, any>) => void) => configProblems(preciseRaw(edit));

  it("accepts the example: vLLM v0.10.2, V1, prefix caching, on H100", () => {
    expect(configProblems(preciseRaw())).toEqual([]);
  });

  it("refuses engines that cannot publish KV-cache events, naming what is missing", () => {
    const only = (edit: (raw: Record<string, any>) => void) => {
      const out = problems(edit);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(/^servelab:router\.routing: "precise-prefix-cache" needs engines that publish KV-cache events .*; use prefix-cache/);
      return out[0];
    };
    expect(only((raw) => (raw.engine.image = "vllm/vllm-openai:v0.8.5"))).toContain("vllm/vllm-openai:v0.8.5 (vLLM 0.8.5) is older than v0.10.2, the first release whose --kv-events-config (KVEventsConfig) servelab has checked and renders");
    expect(only((raw) => (raw.engine.image = "aibrix/vllm-openai:aibrix-kvcache-v0.8.5-20250520"))).toContain("is not an upstream vllm/vllm-openai:vX.Y.Z image");
    expect(only((raw) => (raw.engine.env.VLLM_USE_V1 = "0"))).toContain("V0 engine (engine.env.VLLM_USE_V1 is 0), which publishes no KV-cache events");
    expect(only((raw) => (raw.engine.prefixCaching = false))).toContain("engine.prefixCaching is false");
    // A registry-qualified upstream image is still that release.
    expect(problems((raw) => (raw.engine.image = "docker.io/vllm/vllm-openai:v0.10.2"))).toEqual([]);
  });

  it("refuses llmd_8b_l4's fp8 KV cache on L4, where v0.10.2 may fall back to V0", () => {
    const raw = rawStackValues("llmd_8b_l4");
    raw.router.routing = "precise-prefix-cache";
    const out = configProblems(raw);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain("kvCacheDtype fp8 on a GPU of compute capability 8.9: vllm/vllm-openai:v0.10.2 may fall back to the V0 engine");
    raw.engine.kvCacheDtype = "auto";
    expect(configProblems(raw)).toEqual([]);
  });

  it("refuses what would make the sidecar tokenize differently from the engines, and a hand-written --kv-events-config", () => {
    expect(problems((raw) => (raw.model.tokenizer = "other/tokenizer"))).toEqual([expect.stringMatching(/^servelab:model\.tokenizer: "precise-prefix-cache": the EPP's tokenizer sidecar/)]);
    expect(problems((raw) => (raw.model.revision = "abc123"))).toEqual([expect.stringMatching(/^servelab:model\.revision: "precise-prefix-cache": .*default revision, not abc123/)]);
    expect(problems((raw) => (raw.engine.extraArgs = [...raw.engine.extraArgs, "--kv-events-config", "{}"]))).toEqual([
      'servelab:engine.extraArgs: --kv-events-config: servelab renders it for "precise-prefix-cache" (publisher, port and topic the EPP subscribes to); remove it',
    ]);
  });

  it("refuses weights from object storage: the sidecar loads the tokenizer from Hugging Face", () => {
    const c = precise();
    expect(kvEventsGap(c)).toBeUndefined();
    const raw = preciseRaw((r) => (r.model.weights = { from: "s3://bucket/llama", endpoint: "https://s3.example.com" }));
    expect(configProblems(raw)).toContainEqual(expect.stringMatching(/^servelab:model\.weights\.from: "precise-prefix-cache": the EPP's tokenizer sidecar loads/));
  });

  it("refuses a gated model without servelab:hfToken when the stack runs (the sidecar would crash-loop)", () => {
    expect(isGatedRepo("meta-llama/Llama-3.1-8B-Instruct")).toBe(true);
    expect(isGatedRepo("neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8")).toBe(false);
    expect(llmdTokenProblems(precise(), false)).toEqual([
      {
        path: "servelab:hfToken",
        message:
          'is not set, and router.routing "precise-prefix-cache" runs a tokenizer sidecar in the endpoint picker\'s pod that downloads meta-llama/Llama-3.1-8B-Instruct\'s tokenizer, a gated repository: run `pulumi config set --secret servelab:hfToken <token>` or use prefix-cache',
      },
    ]);
    expect(llmdTokenProblems(precise(), true)).toEqual([]);
    expect(llmdTokenProblems(precise((raw) => (raw.model.source = "hf://Qwen/Qwen2.5-0.5B-Instruct")), false)).toEqual([]);
    expect(llmdTokenProblems(parseExperimentConfig(rawStackValues("llmd_prefix_cache")), false)).toEqual([]);
  });
});

describe("the example stack (test/fixtures/stacks/Pulumi.llmd_precise.yaml)", () => {
  it("plans; every object validates; the engines publish and the sidecar reads the token from the Secret, whose value stays out of the plan", async () => {
    const { plan, manifests, resources } = await planStack("llmd_precise", FIXTURES);
    const docs = parseAllDocuments(manifests).map((d) => d.toJS());
    for (const doc of docs) expect(validateK8sObject(doc), `${doc.kind}/${doc.metadata.name}`).toBeFalsy();
    const engine = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "vllm-llmd").spec.template.spec.containers[0];
    expect(engine.args).toContain("--kv-events-config");
    const chart = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs as any;
    expect(validateValues(chart.values), JSON.stringify(validateValues.errors)).toBe(true);
    const secret = docs.find((d) => d.kind === "Secret" && d.metadata.name === chart.values.router.tokenizer.env[0].valueFrom.secretKeyRef.name);
    expect(secret).toBeDefined();
    expect(JSON.stringify(plan) + manifests).not.toContain("hf_plan_placeholder");
  });
});
