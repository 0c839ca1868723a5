import { describe, expect, it } from "vitest";
import { engineDeployment, engineService } from "../components/engine/manifests";
import { engineResources, modelSizeGb, startupBudgetMinutes } from "../components/engine/sizing";
import { renderVllmSpec } from "../components/engine/vllmArgs";
import { engineSchema, modelSchema } from "../components/config/schema";
import { resolveClusterFacts } from "../components/cluster/facts";
import { parseExperimentConfig } from "../components/validate";
import { engineManifestInput } from "../components/engine/input";
import { minimalRaw } from "./helpers/configs";

const model = (m: object) => modelSchema.parse({ source: "hf://meta-llama/Llama-3.1-8B-Instruct", ...m });
const engine = (e: object) => engineSchema.parse(e);
const flag = (args: string[], name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

describe("renderVllmSpec", () => {
  it("states prefix caching and the KV-cache dtype explicitly, on or off", () => {
    expect(renderVllmSpec(model({}), engine({})).args).toEqual(expect.arrayContaining(["--enable-prefix-caching", "--kv-cache-dtype", "auto"]));
    const off = renderVllmSpec(model({}), engine({ prefixCaching: false, kvCacheDtype: "fp8" })).args;
    expect(off).toContain("--no-enable-prefix-caching");
    expect(off).not.toContain("--enable-prefix-caching");
    expect(flag(off, "--kv-cache-dtype")).toBe("fp8");
  });

  it("renders model, served name, parallelism and limits from the config", () => {
    const spec = renderVllmSpec(
      model({ name: "llama3-1-8b", revision: "abc123" }),
      engine({ tensorParallel: 2, maxModelLen: 16384, gpuMemoryUtilization: 0.95, maxNumBatchedTokens: 16384, seed: 42, chunkedPrefill: false }),
    );
    expect(spec.servedModel).toBe("llama3-1-8b");
    expect(flag(spec.args, "--model")).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(flag(spec.args, "--served-model-name")).toBe("llama3-1-8b");
    expect(flag(spec.args, "--port")).toBe("8000");
    expect(flag(spec.args, "--tensor-parallel-size")).toBe("2");
    expect(flag(spec.args, "--max-model-len")).toBe("16384");
    expect(flag(spec.args, "--gpu-memory-utilization")).toBe("0.95");
    expect(flag(spec.args, "--max-num-batched-tokens")).toBe("16384");
    expect(flag(spec.args, "--seed")).toBe("42");
    expect(flag(spec.args, "--revision")).toBe("abc123");
    expect(spec.args).toContain("--no-enable-chunked-prefill");
  });

  it("defaults the served name to the repository id and appends extra args last", () => {
    const spec = renderVllmSpec(model({}), engine({ extraArgs: ["--swap-space", "0"], env: { VLLM_USE_V1: "1" } }));
    expect(spec.servedModel).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(spec.args.slice(-2)).toEqual(["--swap-space", "0"]);
    expect(spec.env).toEqual({ VLLM_USE_V1: "1" });
    expect(spec.args).not.toContain("--max-model-len");
  });
});

describe("engine sizing", () => {
  it("estimates weights from the repository name and dtype", () => {
    expect(modelSizeGb(model({}))).toBeCloseTo(16.8, 1);
    expect(modelSizeGb(model({ source: "hf://neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8" }))).toBeCloseTo(73.5, 1);
    expect(modelSizeGb(model({ source: "hf://meta-llama/Llama-3.1-405B-Instruct" }))).toBeCloseTo(850.5, 1);
    expect(modelSizeGb(model({ source: "hf://org/mystery-model" }))).toBeUndefined();
    expect(modelSizeGb(model({ source: "hf://org/mystery-model", sizeGb: 12 }))).toBe(12);
  });

  it("budgets startup from the download and load time, not the 10-minute default", () => {
    const small = startupBudgetMinutes(engine({}), model({}));
    const big = startupBudgetMinutes(engine({ tensorParallel: 8 }), model({ source: "hf://meta-llama/Llama-3.1-405B-Instruct" }));
    expect(small).toBeGreaterThanOrEqual(15);
    expect(big).toBeGreaterThan(150);
    expect(startupBudgetMinutes(engine({}), model({ source: "hf://org/unknown" }))).toBe(45);
    expect(startupBudgetMinutes(engine({ startupTimeoutMinutes: 90 }), model({}))).toBe(90);
  });

  it("defaults a replica's CPU and memory to an even share of the GPU node", () => {
    const facts = resolveClusterFacts(parseExperimentConfig(minimalRaw()).cluster).facts!;
    const res = engineResources(engine({}), facts.gpu);
    expect(facts.gpu.machineType).toBe("g2-standard-8");
    expect(res.cpu).toBe(6);
    expect(res.memoryGb).toBeLessThan(facts.gpu.allocatable!.memoryGb);
    expect(res.memoryGb).toBeGreaterThan(15);
  });
});

describe("engine manifests", () => {
  const config = parseExperimentConfig({ ...minimalRaw(), engine: { tensorParallel: 1 } });
  const facts = resolveClusterFacts(config.cluster).facts!;
  const base = {
    config, facts, namespace: "exp", labels: { "app.kubernetes.io/part-of": "servelab" },
    gpuPlacement: { nodeSelector: { pool: "gpu" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" as const, effect: "NoSchedule" as const }] },
  };

  it("takes the Hugging Face token from the Secret, never as a literal", () => {
    const d = engineDeployment(engineManifestInput({ ...base, hfTokenSecret: "hf-token" }, { name: "vllm", service: { name: "vllm", port: 8000 } })) as any;
    const env = d.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } });
    const without = engineDeployment(engineManifestInput(base, { name: "vllm", service: { name: "vllm", port: 8000 } })) as any;
    expect(without.spec.template.spec.containers[0].env.map((e: any) => e.name)).not.toContain("HF_TOKEN");
  });

  it("mounts a memory-backed /dev/shm only for tensor-parallel replicas", () => {
    const mounts = (tp: number) => {
      const c = parseExperimentConfig({ ...minimalRaw(), cluster: { ...minimalRaw().cluster, gpu: { type: "l4", perNode: 2 } }, engine: { tensorParallel: tp } });
      const f = resolveClusterFacts(c.cluster).facts!;
      const d = engineDeployment(engineManifestInput({ ...base, config: c, facts: f }, { name: "vllm", service: { name: "vllm", port: 8000 } })) as any;
      return { mounts: d.spec.template.spec.containers[0].volumeMounts, volumes: d.spec.template.spec.volumes };
    };
    expect(mounts(1).mounts.map((m: any) => m.mountPath)).not.toContain("/dev/shm");
    const tp2 = mounts(2);
    expect(tp2.mounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
    expect(tp2.volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "20Gi" } });
  });

  it("gates readiness on /health with a startup budget, requests GPUs and places pods on the GPU pool", () => {
    const input = engineManifestInput(base, { name: "vllm", service: { name: "vllm-engine-service", port: 80 } });
    const d = engineDeployment(input) as any;
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(input.startupBudgetMinutes * 60);
    expect(c.resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(c.resources.requests).toMatchObject(c.resources.limits);
    expect(pod.nodeSelector).toEqual({ pool: "gpu" });
    expect(pod.tolerations[0].key).toBe("nvidia.com/gpu");
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
    expect(d.spec.progressDeadlineSeconds).toBeGreaterThan(input.startupBudgetMinutes * 60);
    const s = engineService(input) as any;
    expect(s.spec).toMatchObject({ type: "ClusterIP", selector: d.spec.selector.matchLabels, ports: [{ port: 80, targetPort: "http" }] });
  });
});
