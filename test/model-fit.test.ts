/** Does the model fit: weights in GPU memory at the chosen dtype, the download on the node's disk, the sonnet shape. */
import { describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../components/validate";
import { resolveClusterFacts } from "../components/cluster/facts";
import { ephemeralStorageGb, gpuWeightsGb } from "../components/engine/sizing";
import { gpuMemoryBudget } from "../components/engine/gpuMemoryBudget";
import { renderVllmSpec } from "../components/engine/vllmArgs";
import { configProblems, minimalRaw, rawStackValues } from "./helpers/configs";

const onKey = (raw: Record<string, any>, path: string) => configProblems(raw).filter((l) => l.startsWith(`${path}: `));

describe("weights in GPU memory", () => {
  it("refuses 405B in bf16 on eight H100s and says what would fit", () => {
    const raw = rawStackValues("vllm_405b_fp8_h100");
    raw.model.source = "hf://meta-llama/Llama-3.1-405B-Instruct";
    const [problem, ...rest] = onKey(raw, "servelab:engine.tensorParallel");
    expect(rest).toEqual([]);
    expect(problem).toMatch(/Llama-3.1-405B-Instruct has about 851 GB of weights \(16-bit\); over tensorParallel 8 that is 99.0 GiB a GPU, but vLLM gets 72.0 GiB of a 80 GB h100 \(gpuMemoryUtilization 0.9\), which leaves -27.0 GiB/);
    expect(problem).toMatch(/set engine.quantization: fp8/);
  });

  it("accepts the same checkpoint quantized to fp8 while loading, and renders the flag", () => {
    const raw = rawStackValues("vllm_405b_fp8_h100");
    raw.model.source = "hf://meta-llama/Llama-3.1-405B-Instruct";
    raw.engine.quantization = "fp8";
    expect(configProblems(raw)).toEqual([]);
    const config = parseExperimentConfig(raw);
    expect(gpuWeightsGb(config.model, config.engine)).toBeCloseTo(425.25, 2);
    const args = renderVllmSpec(config.model, config.engine).args;
    expect(args.slice(args.indexOf("--quantization"), args.indexOf("--quantization") + 2)).toEqual(["--quantization", "fp8"]);
  });

  it("an FP8 checkpoint is not halved again by engine.quantization", () => {
    const config = parseExperimentConfig({ ...rawStackValues("vllm_405b_fp8_h100"), engine: { tensorParallel: 8, quantization: "fp8" } });
    expect(gpuWeightsGb(config.model, config.engine)).toBe(425.3);
  });

  it("accepts both 405B rows: FP8 on H100 and bf16 on H200", () => {
    expect(configProblems(rawStackValues("vllm_405b_fp8_h100"))).toEqual([]);
    expect(configProblems(rawStackValues("vllm_405b_h200"))).toEqual([]);
  });

  it("refuses a 70B bf16 model on one L4 and counts model.sizeGb when given", () => {
    const raw = minimalRaw();
    raw.model = { source: "hf://org/custom-model", sizeGb: 40 };
    expect(onKey(raw, "servelab:engine.tensorParallel")[0]).toMatch(/about 40 GB of weights \(model.sizeGb 40 GB\); over tensorParallel 1 that is 37.3 GiB a GPU, but vLLM gets 21.6 GiB of a 24 GB l4/);
  });

  it("accepts 70B FP8 on one H100 at gpuMemoryUtilization 0.95, as KubeAI's 70B scenario ran it, and refuses it at 0.9", () => {
    const raw = rawStackValues("kubeai_least_load_70b_h100");
    expect(raw.engine.tensorParallel).toBe(1);
    expect(configProblems(raw)).toEqual([]);
    const config = parseExperimentConfig(raw);
    const fit = gpuMemoryBudget(gpuWeightsGb(config.model, config.engine)!, 1, 80, 0.95);
    expect(fit.weightsGib).toBeCloseTo(68.45, 2);
    expect(fit.roomGib).toBeCloseTo(7.55, 2);
    raw.engine.gpuMemoryUtilization = 0.9;
    expect(onKey(raw, "servelab:engine.tensorParallel")[0]).toMatch(
      /68.5 GiB a GPU, but vLLM gets 72.0 GiB of a 80 GB h100 \(gpuMemoryUtilization 0.9\), which leaves 3.5 GiB where activations and the KV cache need at least 4; raise tensorParallel or gpuMemoryUtilization/,
    );
  });

  it("--quantization in extraArgs is refused in favour of engine.quantization", () => {
    const raw = rawStackValues("vllm_405b_h200");
    raw.engine.extraArgs.push("--quantization=fp8");
    expect(onKey(raw, "servelab:engine.extraArgs[2]")[0]).toMatch(/is set by servelab; use engine.quantization/);
  });
});

describe("the weight download on the node's disk", () => {
  it("sizes the A3 nodes' disk from their local SSDs", () => {
    const h100 = resolveClusterFacts(parseExperimentConfig(rawStackValues("vllm_405b_fp8_h100")).cluster).facts!;
    const h200 = resolveClusterFacts(parseExperimentConfig(rawStackValues("vllm_405b_h200")).cluster).facts!;
    expect([h100.gpu.nodeDiskGb, h200.gpu.nodeDiskGb]).toEqual([16 * 375, 32 * 375]);
    expect(ephemeralStorageGb(851)).toBe(947);
  });

  it("refuses a boot disk too small for the download and names the size that fits", () => {
    const raw = minimalRaw();
    raw.model = { source: "hf://meta-llama/Llama-3.1-8B-Instruct" };
    raw.cluster.gpu.bootDiskGb = 50;
    expect(onKey(raw, "servelab:cluster.gpu.bootDiskGb")[0]).toMatch(
      /1 replica a node download about 17 GB of weights each and ask for 29 GB of ephemeral storage, but pods can fill about 22 GB of a 50 GB boot disk; raise cluster.gpu.bootDiskGb to at least 58/,
    );
    raw.cluster.gpu.bootDiskGb = 58;
    expect(onKey(raw, "servelab:cluster.gpu.bootDiskGb")).toEqual([]);
  });
});

describe("the sonnet prompt shape", () => {
  it("refuses a prefix as long as the prompt and prompts longer than max-model-len", () => {
    const raw = rawStackValues("vllm_405b_h200");
    raw.benchmark.prefixTokens = 512;
    expect(onKey(raw, "servelab:benchmark.prefixTokens")[0]).toMatch(/512 must be below inputTokens \(512\)/);
    raw.benchmark.prefixTokens = 128;
    raw.benchmark.inputTokens = 16384;
    expect(onKey(raw, "servelab:benchmark.inputTokens")[0]).toMatch(/16384 input \+ 2 output tokens exceed engine.maxModelLen 16384/);
  });

  it("refuses an unknown profile and a sonnet run without a rate", () => {
    const raw = rawStackValues("vllm_405b_h200");
    raw.benchmark.profile = "soak";
    expect(onKey(raw, "servelab:benchmark.profile")[0]).toMatch(/"soak" is not allowed; allowed: standard, stress/);
    delete raw.benchmark.profile;
    delete raw.benchmark.requestRate;
    expect(onKey(raw, "servelab:benchmark.requestRate")[0]).toMatch(/is required/);
  });
});
