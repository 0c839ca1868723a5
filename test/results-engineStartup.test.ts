/** The engine's start-up facts read from its log (benchmarks/results/engineStartup.ts). */
import { describe, expect, it } from "vitest";
import { describeStartup, isEmptyStartup, parseEngineStartup } from "../benchmarks/results/engineStartup";
import { NOT_VLLM, V0102_V0_FALLBACK, V0102_V1_FLASHINFER, V085_V1, V0_FLASHINFER_TIMESTAMPED, V1_TP2 } from "./fixtures/results/engineLogs";

describe("parseEngineStartup", () => {
  it("reads v0.8.5's V1 engine with FlashAttention, not the sampler's FlashInfer line", () => {
    expect(parseEngineStartup(V085_V1)).toEqual({
      vllmVersion: "0.8.5",
      engine: "V1",
      attentionBackend: "FLASH_ATTN",
      attentionBackendLine: "Using Flash Attention backend on V1 engine.",
      attentionBackends: ["FLASH_ATTN"],
      flashAttentionVersion: null,
      kvCacheDtype: "auto",
      fallbacks: [],
    });
  });

  it("reads v0.10.2's process-prefixed lines: V1 on FlashInfer with an fp8 KV cache", () => {
    const s = parseEngineStartup(V0102_V1_FLASHINFER);
    expect(s).toMatchObject({ vllmVersion: "0.10.2", engine: "V1", attentionBackend: "FLASHINFER", kvCacheDtype: "fp8", fallbacks: [] });
    expect(describeStartup(s)).toBe("vLLM 0.10.2, V1, FLASHINFER, KV cache fp8");
  });

  it("says when the engine fell back to V0 and XFormers, and why", () => {
    const s = parseEngineStartup(V0102_V0_FALLBACK);
    expect(s).toMatchObject({ vllmVersion: "0.10.2", engine: "V0", attentionBackend: "XFORMERS", attentionBackendLine: "Using XFormers backend.", kvCacheDtype: "fp8" });
    expect(s.fallbacks).toEqual(["--kv-cache-dtype is not supported by the V1 Engine. Falling back to V0.", "Cannot use FlashAttention backend for FP8 KV cache."]);
  });

  it("reads lines with Kubernetes timestamps, and V0's FlashInfer line", () => {
    expect(parseEngineStartup(V0_FLASHINFER_TIMESTAMPED)).toMatchObject({ vllmVersion: "0.10.2", engine: "V0", attentionBackend: "FLASHINFER", kvCacheDtype: "fp8" });
  });

  it("counts a backend once when every tensor-parallel worker logs it", () => {
    expect(parseEngineStartup(V1_TP2)).toMatchObject({ engine: "V1", attentionBackends: ["FLASH_ATTN"] });
  });

  it("knows other phrasings of the selector, and ignores other 'backend' lines", () => {
    const pick = (line: string) => parseEngineStartup(line).attentionBackend;
    expect(pick("INFO [cuda.py:1] Using Triton backend on V1 engine.")).toBe("TRITON_ATTN");
    expect(pick("INFO [cuda.py:1] Using FlexAttention backend for head_size=80 on V1 engine.")).toBe("FLEX_ATTENTION");
    expect(pick("INFO [cuda.py:1] Using FlashInfer backend with HND KV cache layout on V1 engine by default for Blackwell (SM 10.0) GPUs.")).toBe("FLASHINFER");
    expect(pick("INFO [cuda.py:1] Using FLASH_ATTN attention backend out of potential backends: ['FLASH_ATTN', 'FLASHINFER'].")).toBe("FLASH_ATTN");
    expect(pick("INFO [cuda.py:1] Using Flash Attention backend.")).toBe("FLASH_ATTN");
    expect(pick("INFO [x.py:1] Using NCCL backend for the process group")).toBeNull();
    expect(parseEngineStartup("INFO [cuda.py:1] Using Triton backend on V1 engine.").engine).toBe("V1");
  });

  it("adds the FlashAttention version where the engine logs it (releases after 0.10)", () => {
    const s = parseEngineStartup(`${V1_TP2}\n(EngineCore pid=101) INFO 03-28 00:34:16 [flash_attn.py:598] Using FlashAttention version 3`);
    expect(s.flashAttentionVersion).toBe(3);
    expect(describeStartup(s)).toBe("vLLM 0.10.2, V1, FLASH_ATTN (FA3), KV cache auto");
  });

  it("takes the version from the engine line when the API server's is missing (an older 'an LLM engine' line too)", () => {
    expect(parseEngineStartup("INFO 01-01 [llm_engine.py:1] Initializing an LLM engine (v0.6.3) with config: kv_cache_dtype=auto")).toMatchObject({ vllmVersion: "0.6.3", engine: "V0", kvCacheDtype: "auto" });
  });

  it("finds nothing in a log that has none of the lines", () => {
    const s = parseEngineStartup(NOT_VLLM);
    expect(isEmptyStartup(s)).toBe(true);
    expect(s).toMatchObject({ vllmVersion: null, engine: null, attentionBackend: null, kvCacheDtype: null, fallbacks: [] });
    expect(describeStartup(s)).toBe("vLLM version not logged, engine generation not logged, attention backend not logged");
  });
});
