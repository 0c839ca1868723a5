import { describe, expect, it } from "vitest";
import { computeCapability } from "../components/catalog/gpus";
import { resolveClusterFacts } from "../components/cluster/facts";
import { parseExperimentConfig } from "../components/validate";
import { engineGpuWarnings } from "../components/engine/gpuRules";
import { configProblems, minimalRaw, rawStackValues } from "./helpers/configs";

describe("GPU compute capability × vLLM KV dtype and quantization", () => {
  it("knows the compute capability of every GPU type", () => {
    expect([computeCapability("l4"), computeCapability("l20"), computeCapability("a10"), computeCapability("a100-80gb"), computeCapability("h100"), computeCapability("h20")]).toEqual([8.9, 8.9, 8.6, 8.0, 9.0, 9.0]);
  });

  it("refuses fp8 KV with VLLM_USE_V1=1 below 9.0 on vLLM 0.8-0.10 (vLLM raises NotImplementedError), naming the fix", () => {
    const raw = rawStackValues("kubeai_least_load_8b_l4");
    raw.engine.env = { VLLM_USE_V1: "1" };
    const problems = configProblems(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^servelab:engine\.env\.VLLM_USE_V1: "1" with kvCacheDtype fp8 on l4 \(compute capability 8\.9\)/);
    expect(problems[0]).toContain("VLLM_ATTENTION_BACKEND: FLASHINFER");
    raw.engine.env = { VLLM_USE_V1: "1", VLLM_ATTENTION_BACKEND: "FLASHINFER" };
    expect(configProblems(raw)[0]).toContain("vllm#24577");
  });

  it("accepts it on H100, and the committed L4 rows start either way (FlashInfer, V1 not forced)", () => {
    const raw = rawStackValues("kubeai_least_load_70b_h100");
    raw.engine.kvCacheDtype = "fp8";
    raw.engine.env = { ...raw.engine.env, VLLM_USE_V1: "1" };
    expect(configProblems(raw)).toEqual([]);
    for (const row of ["kubeai_least_load_8b_l4", "kubeai_prefix_hash_8b_l4", "kubeai_k8s_service_8b_l4"]) {
      const config = parseExperimentConfig(rawStackValues(row));
      expect(config.engine.env).toEqual({ VLLM_ATTENTION_BACKEND: "FLASHINFER" });
      expect(engineGpuWarnings(config, resolveClusterFacts(config.cluster).facts!)).toEqual([]);
    }
  });

  it("warns (does not refuse) for fp8 weights below 8.9 (Marlin weight-only) and for the silent V0 + XFormers fallback", () => {
    const raw = minimalRaw();
    raw.cluster = { provider: "kubeconfig", kubeconfig: "~/.kube/config", gpu: { type: "a100-80gb", perNode: 8 } };
    raw.engine = { quantization: "fp8", kvCacheDtype: "fp8", image: "vllm/vllm-openai:v0.10.2" };
    expect(configProblems(raw)).toEqual([]);
    const config = parseExperimentConfig(raw);
    const warnings = engineGpuWarnings(config, resolveClusterFacts(config.cluster).facts!);
    expect(warnings[0]).toMatch(/weight-only through Marlin/);
    expect(warnings[1]).toMatch(/falls back to the V0 engine with XFormers/);
  });
});
