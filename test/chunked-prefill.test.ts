/** engine.chunkedPrefill: false on vLLM's V1 engine, which ignores it: the warning and the stack files that say so. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../components/validate";
import { chunkedPrefillOffIgnored, vllmEngineGeneration } from "../components/engine/chunkedPrefillOff";
import { rawStackValues } from "./helpers/configs";

const ROWS = ["k8s_stack", "ps_stack", "aibrix_naive", "aibrix_naive_prefix_cache", "aibrix_kvcache_dram", "aibrix_kvcache_external", "k8s_stack_vke", "vllm_405b_fp8_h100", "vllm_405b_h200", "kubeai_least_load_70b_h100"];

describe("chunked prefill off on V1", () => {
  it("tells V0 from V1 by VLLM_USE_V1, the KV tier, the LMCache chart path and the vLLM tag", () => {
    const generations = Object.fromEntries(ROWS.map((row) => [row, vllmEngineGeneration(parseExperimentConfig(rawStackValues(row)))]));
    expect(generations).toEqual({
      k8s_stack: "v1",
      ps_stack: "v1",
      aibrix_naive: "v1",
      aibrix_naive_prefix_cache: "v1",
      aibrix_kvcache_dram: "v0",
      aibrix_kvcache_external: "v0",
      k8s_stack_vke: "v1",
      vllm_405b_fp8_h100: "v0",
      vllm_405b_h200: "v0",
      kubeai_least_load_70b_h100: "v1",
    });
    const config = parseExperimentConfig(rawStackValues("k8s_stack"));
    expect(vllmEngineGeneration({ ...config, engine: { ...config.engine, image: "vllm/vllm-openai:v0.6.4.post1" } })).toBe("v0");
    expect(vllmEngineGeneration({ ...config, engine: { ...config.engine, image: "registry.example/custom:1" } })).toBeUndefined();
  });

  it("warns for every row that sets it on V1, and each such stack file says it is ignored", () => {
    for (const row of ROWS) {
      const config = parseExperimentConfig(rawStackValues(row));
      const warning = chunkedPrefillOffIgnored(config);
      const line = readFileSync(resolve(__dirname, `../stacks/Pulumi.${row}.yaml`), "utf8").split("\n").find((l) => /^\s+chunkedPrefill: false/.test(l));
      if (warning) {
        expect(warning).toMatch(/servelab:engine.chunkedPrefill is false, but .* runs vLLM's V1 engine, which always uses chunked prefill and ignores --no-enable-chunked-prefill/);
        expect(line, row).toMatch(/ignored/);
      } else if (line) {
        expect(line, row).toMatch(/takes effect/);
      }
    }
    expect(chunkedPrefillOffIgnored(parseExperimentConfig(rawStackValues("k8s_stack")))).toBeDefined();
    expect(chunkedPrefillOffIgnored(parseExperimentConfig(rawStackValues("aibrix_kvcache_dram")))).toBeUndefined();
  });
});
