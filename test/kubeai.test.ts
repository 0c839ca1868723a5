/** KubeAI rows: chart values, resource profiles, the Model against the upstream CRD, the baseline Service, the harness. */
import { describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../components/validate";
import { ExperimentConfig } from "../components/config/schema";
import { resolveClusterFacts } from "../components/cluster/facts";
import { GPU_TOLERATION, Placement } from "../components/cluster/types";
import { harnessRun } from "../components/benchmark/harnesses";
import { IMAGES } from "../components/catalog/versions";
import {
  KUBEAI_PROFILE,
  kubeAiBaseUrl,
  kubeAiChartValues,
  kubeAiDirectServiceManifest,
  kubeAiModelArgs,
  kubeAiModelManifest,
  kubeAiProfile,
} from "../components/serving/kubeAiSpec";
import { minimalRaw, rawStackValues, configProblems } from "./helpers/configs";
import { validateK8sObject } from "./helpers/k8sSchema";
import { testDataJson } from "./data/sources";
import { admitKubeAiModel } from "./kubeaiCrd";

const admitModel = admitKubeAiModel;
const upstreamValues = testDataJson("upstream/kubeai-0.22.1/values.json");
const upstreamGkeValues = testDataJson("upstream/kubeai-0.22.1/values-gke.json");
const STACKS_8B = ["kubeai_k8s_service_8b_l4", "kubeai_least_load_8b_l4", "kubeai_prefix_hash_8b_l4"];

function configOf(stack: string): ExperimentConfig {
  return parseExperimentConfig(rawStackValues(stack));
}

function gkePlacement(config: ExperimentConfig): { facts: any; placement: Placement } {
  const { facts } = resolveClusterFacts(config.cluster);
  return {
    facts: facts!,
    placement: {
      nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-gpu", "cloud.google.com/gke-accelerator": facts!.gpu.accelerator! },
      tolerations: [GPU_TOLERATION],
    },
  };
}

function kubeAiRaw(gpu: Record<string, unknown>, engine: Record<string, unknown> = {}): Record<string, any> {
  return {
    ...minimalRaw(),
    cluster: { provider: "gke", region: "us-central1", zones: ["us-central1-a"], gpu },
    model: { name: "m", source: "hf://neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8" },
    engine,
    router: { kind: "kubeai", routing: "LeastLoad" },
  };
}

const problems = configProblems;

describe("KubeAI resource profile", () => {
  it("fits one L4 of a g2-standard-8, on-demand: no spot selector", () => {
    const config = parseExperimentConfig(kubeAiRaw({ type: "l4", nodes: 8 }));
    const { facts, placement } = gkePlacement(config);
    const profile = kubeAiProfile(config, facts, placement);
    expect(profile.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "servelab-gpu", "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(profile.tolerations).toEqual([GPU_TOLERATION]);
    expect(profile.requests["nvidia.com/gpu"]).toBe("1");
    expect(profile.limits).toEqual({ "nvidia.com/gpu": "1" });
    const cpu = Number(profile.requests.cpu);
    expect(cpu).toBeGreaterThanOrEqual(1);
    expect(cpu).toBeLessThanOrEqual(facts.gpu.allocatable.cpu);
    expect(parseFloat(profile.requests.memory)).toBeLessThanOrEqual(facts.gpu.allocatable.memoryGb);
  });

  it("adds the gke-spot selector only on a spot pool", () => {
    const config = parseExperimentConfig(kubeAiRaw({ type: "l4", nodes: 2, provisioning: "spot" }));
    const { facts, placement } = gkePlacement(config);
    expect(kubeAiProfile(config, facts, placement).nodeSelector["cloud.google.com/gke-spot"]).toBe("true");
  });

  it("splits an H100 node per GPU so that 4 TP-2 replicas fit an a3-highgpu-8g", () => {
    const config = parseExperimentConfig(kubeAiRaw({ type: "h100", nodes: 2 }, { replicas: 8, tensorParallel: 2 }));
    const { facts, placement } = gkePlacement(config);
    const profile = kubeAiProfile(config, facts, placement);
    expect(profile.nodeSelector["cloud.google.com/gke-accelerator"]).toBe("nvidia-h100-80gb");
    expect(profile.nodeSelector["cloud.google.com/gke-spot"]).toBeUndefined();
    // KubeAI multiplies the profile by the count (2): 4 replicas on one node must fit its allocatable.
    expect(Number(profile.requests.cpu) * 8).toBeLessThanOrEqual(facts.gpu.allocatable.cpu);
    expect(parseFloat(profile.requests.memory) * 8).toBeLessThanOrEqual(facts.gpu.allocatable.memoryGb);
    const model = kubeAiModelManifest({ config, namespace: "ns", labels: {}, readyTimeoutSeconds: 60 });
    expect(model.spec.resourceProfile).toBe(`${KUBEAI_PROFILE}:2`);
  });
});

describe("KubeAI chart values", () => {
  const config = configOf("kubeai_least_load_8b_l4");
  const { facts, placement } = gkePlacement(config);
  const values = kubeAiChartValues({
    profile: kubeAiProfile(config, facts, placement),
    systemPlacement: { nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-system" }, tolerations: [] },
    hfTokenSecret: "hf-token",
  }) as any;

  it("uses only keys the chart's values.yaml has", () => {
    expect(upstreamValues["open-webui"]).toHaveProperty("enabled");
    expect(values["open-webui"]).toEqual({ enabled: false });
    expect(Object.keys(upstreamValues.secrets.huggingface)).toEqual(expect.arrayContaining(Object.keys(values.secrets.huggingface)));
    for (const key of Object.keys(values)) expect(upstreamValues, `values.yaml has ${key}`).toHaveProperty([key]);
    const profiles = [...Object.values(upstreamValues.resourceProfiles), ...Object.values(upstreamGkeValues.resourceProfiles)];
    const profileKeys = new Set(profiles.flatMap((p: any) => Object.keys(p)));
    for (const key of Object.keys(values.resourceProfiles[KUBEAI_PROFILE])) expect(profileKeys.has(key), `profile key ${key}`).toBe(true);
    expect(upstreamValues.modelServers.VLLM.images["nvidia-gpu"]).toBe(IMAGES.kubeaiVllm);
    expect(config.engine.image).toBe(IMAGES.kubeaiVllm);
  });

  it("refers to the existing token Secret and never carries a token", () => {
    expect(values.secrets.huggingface).toEqual({ create: false, name: "hf-token" });
    expect(JSON.stringify(values)).not.toMatch(/"token"/);
  });

  it("keeps the chart's own huggingface secret settings when there is no token (create: false needs a name)", () => {
    const none = kubeAiChartValues({ profile: kubeAiProfile(config, facts, placement), systemPlacement: { nodeSelector: {}, tolerations: [] } }) as any;
    expect(none.secrets).toBeUndefined();
    expect(upstreamValues.secrets.huggingface.create).toBe(true);
  });

  it("puts the controller on the system pool", () => {
    expect(values.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "servelab-system" });
  });
});

describe("KubeAI Model", () => {
  it.each(STACKS_8B)("%s: validates against the upstream CRD and keeps the published engine settings", (stack) => {
    const config = configOf(stack);
    const model = kubeAiModelManifest({ config, namespace: "ns", labels: { a: "b" }, readyTimeoutSeconds: 900 });
    expect(admitModel(model)).toEqual([]);
    expect(model.spec).toMatchObject({
      url: "hf://neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8",
      engine: "VLLM",
      resourceProfile: `${KUBEAI_PROFILE}:1`,
      minReplicas: 8,
      maxReplicas: 8,
      env: { VLLM_ATTENTION_BACKEND: "FLASHINFER" }, // not the published run's VLLM_USE_V1=1: v0.10.2 refuses fp8 KV on L4 with it (engine/gpuRules.ts)
    });
    const args = model.spec.args.join(" ");
    for (const flag of ["--enable-prefix-caching", "--max-model-len 16384", "--max-num-batched-tokens 16384", "--gpu-memory-utilization 0.95", "--kv-cache-dtype fp8"]) {
      expect(args).toContain(flag);
    }
    expect(args).not.toMatch(/--model\b|--served-model-name/);
    expect(model.metadata.annotations["pulumi.com/waitFor"]).toBe("jsonpath={.status.replicas.ready}=8");
  });

  it("the CRD rejects what KubeAI rejects: long names, bad strategies, a low meanLoadFactor", () => {
    const config = configOf("kubeai_prefix_hash_8b_l4");
    const model = kubeAiModelManifest({ config, namespace: "ns", labels: {}, readyTimeoutSeconds: 60 });
    expect(admitModel({ ...model, metadata: { ...model.metadata, name: "x".repeat(41) } })).toContain("name must not exceed 40 characters.");
    expect(admitModel({ ...model, spec: { ...model.spec, loadBalancing: { strategy: "RoundRobin" } } }).join()).toMatch(/strategy/);
    expect(admitModel({ ...model, spec: { ...model.spec, loadBalancing: { strategy: "PrefixHash", prefixHash: { meanLoadFactor: 50 } } } }).join()).toMatch(/meanLoadFactor/);
  });

  it("sets the strategy and the PrefixHash parameters (KubeAI's defaults unless configured)", () => {
    expect(kubeAiModelManifest({ config: configOf("kubeai_least_load_8b_l4"), namespace: "ns", labels: {}, readyTimeoutSeconds: 60 }).spec.loadBalancing).toEqual({ strategy: "LeastLoad" });
    const raw = rawStackValues("kubeai_prefix_hash_8b_l4");
    raw.router.prefixHash = { meanLoadFactor: 150 };
    const model = kubeAiModelManifest({ config: parseExperimentConfig(raw), namespace: "ns", labels: {}, readyTimeoutSeconds: 60 });
    expect(model.spec.loadBalancing).toEqual({ strategy: "PrefixHash", prefixHash: { meanLoadFactor: 150, replication: 256, prefixCharLength: 100 } });
    expect(admitModel(model)).toEqual([]);
  });

  it("drops only KubeAI's own flags, whether written '--flag value' or '--flag=value'", () => {
    const raw = kubeAiRaw({ type: "l4" }, { extraArgs: ["--swap-space", "0"] });
    const { args } = kubeAiModelArgs(parseExperimentConfig(raw));
    expect(args).toContain("--swap-space");
    expect(args).toContain("0");
    expect(args.some((a) => a.startsWith("--model") || a.startsWith("--served-model-name") || a === "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8" || a === "m")).toBe(false);
  });
});

describe("KubeAI routing and the k8s-service baseline", () => {
  it("the three 8B rows differ only in servelab:router.routing", () => {
    const [base, ...others] = STACKS_8B.map((s) => rawStackValues(s));
    expect(STACKS_8B.map((s) => rawStackValues(s).router.routing)).toEqual(["k8s-service", "LeastLoad", "PrefixHash"]);
    for (const other of others) {
      expect({ ...other, router: { ...other.router, routing: undefined } }).toEqual({ ...base, router: { ...base.router, routing: undefined } });
    }
  });

  it("aims the baseline at a plain Service over the model pods, the others at KubeAI's proxy", () => {
    const direct = configOf("kubeai_k8s_service_8b_l4");
    const svc = kubeAiDirectServiceManifest(direct, "ns", {});
    expect(validateK8sObject(svc)).toBeUndefined();
    expect(svc.metadata.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(svc.spec.selector).toEqual({ app: "model", model: "llama-3.1-8b-instruct-fp8-l4" });
    expect(svc.spec.ports).toEqual([{ name: "http", port: 80, targetPort: 8000, protocol: "TCP" }]);
    expect(kubeAiBaseUrl(direct, "ns")).toBe(`http://${svc.metadata.name}.ns.svc.cluster.local/v1`);
    expect(kubeAiBaseUrl(configOf("kubeai_prefix_hash_8b_l4"), "ns")).toBe("http://kubeai.ns.svc.cluster.local/openai/v1");
  });
});

describe("kubeai-benchmark-serving harness", () => {
  it("runs the published points with their dataset, seed, prompts and conversations", () => {
    const config = configOf("kubeai_least_load_8b_l4");
    const run = harnessRun(config.benchmark!, { experiment: "kubeai_least_load_8b_l4", tokenizer: "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8" });
    expect(run.image).toBe("substratusai/benchmark_serving:v0.0.1");
    expect(run.command).toEqual(["python3", "/servelab/kubeai_benchmark_serving_sweep.py"]);
    expect(run.args.filter((a) => a.startsWith("--point="))).toEqual([
      "--point=conc-800_rate-800:800:800",
      "--point=conc-1600_rate-200:1600:200",
      "--point=conc-3200_rate-200:3200:200",
      "--point=conc-8000_rate-800:8000:800",
    ]);
    const bench = run.args.slice(run.args.indexOf("--") + 1).join(" ");
    expect(bench).toBe(
      "--dataset-name sharegpt --dataset-path /app/sharegpt_16_messages_or_more.json --tokenizer neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8 --seed 12345 --num-prompts 8000 --max-conversations 800",
    );
    // 8000 prompts at 200/s is 40 s of arrivals per point; the bound covers the ready gate and four points.
    expect(run.timeoutSeconds).toBeGreaterThan(20 * 60 + 4 * 600);
  });
});

describe("KubeAI config errors", () => {
  it("refuses prefixHash parameters outside KubeAI PrefixHash and out of range", () => {
    const raw = kubeAiRaw({ type: "l4" });
    raw.router.prefixHash = { replication: 10 };
    expect(problems(raw)).toEqual([expect.stringMatching(/^servelab:router\.prefixHash: applies only to router\.kind: kubeai with routing: PrefixHash/)]);
    raw.router = { kind: "kubeai", routing: "PrefixHash", prefixHash: { meanLoadFactor: 99 } };
    expect(problems(raw)).toEqual([expect.stringMatching(/^servelab:router\.prefixHash\.meanLoadFactor: /)]);
  });

  it("refuses an unknown routing mode and a benchmark_serving run without points", () => {
    const raw = kubeAiRaw({ type: "l4" });
    raw.router.routing = "RoundRobin";
    expect(problems(raw)).toEqual([expect.stringContaining('"RoundRobin" is not a routing mode of kubeai; allowed: LeastLoad, PrefixHash, k8s-service')]);
    const raw2 = kubeAiRaw({ type: "l4" });
    raw2.benchmark = { harness: "kubeai-benchmark-serving", points: [] };
    expect(problems(raw2)).toEqual([expect.stringMatching(/^servelab:benchmark\.points: /)]);
  });
});
