/**
 * Engine version × KV-cache dtype × quantization combinations vLLM refuses or runs degraded on a GPU's compute
 * capability (pure). Facts, from vLLM's source (read through the code index; the v0.10.2 copy itself was not
 * fetched from this machine):
 * - vllm-project/vllm@v0.10.2:vllm/engine/arg_utils.py `_is_v1_supported_oracle`: a non-auto --kv-cache-dtype
 *   must pass `current_platform.is_kv_cache_dtype_supported`; if not, `_raise_or_fallback` raises
 *   NotImplementedError when VLLM_USE_V1=1 is set explicitly, and otherwise falls back to the V0 engine.
 * - vllm/platforms/cuda.py `is_kv_cache_dtype_supported`: with VLLM_ATTENTION_BACKEND unset the backend is
 *   FlashAttention, which supports an fp8 KV cache only through FA3 on compute capability 9.x
 *   (`flash_attn_supports_fp8`). FLASHINFER (and TRITON_ATTN_VLLM_V1) pass only from vllm#24577 (merged
 *   2025-09-10); whether v0.10.2 contains it was not established here. V0 then uses XFormers with an fp8 KV
 *   cache unless VLLM_ATTENTION_BACKEND=FLASHINFER (vllm/platforms/cuda.py V0 branch, "Cannot use
 *   FlashAttention backend for FP8 KV cache").
 * - vllm/model_executor/layers/quantization/fp8.py `Fp8LinearMethod`: below compute capability 8.9 fp8 weights
 *   run weight-only through the Marlin kernel (`use_marlin = not has_device_capability(89)`), not W8A8.
 * The setting that starts either way below 9.0 is VLLM_ATTENTION_BACKEND=FLASHINFER without VLLM_USE_V1=1.
 */
import { computeCapability } from "../catalog/gpus";
import { ClusterFacts } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { isEightBitCheckpoint } from "./sizing";

/** vLLM releases with the V1 oracle above: 0.8 to 0.10 (0.11 removed the V0 engine). */
function hasV1Oracle(image: string): boolean {
  return /:v?0\.(8|9|10)\.\d/.test(image) || /-v?0\.(8|9|10)\.\d/.test(image);
}

const FA_BACKENDS = [undefined, "FLASH_ATTN", "FLASH_ATTN_VLLM_V1"];

export function engineGpuProblems({ engine, cluster }: ExperimentConfig, facts: ClusterFacts): ConfigProblem[] {
  const cc = computeCapability(facts.gpu.type);
  if (cc === undefined || cc >= 9 || engine.kvCacheDtype !== "fp8" || !hasV1Oracle(engine.image)) return [];
  if (engine.env.VLLM_USE_V1 !== "1") return [];
  const backend = engine.env.VLLM_ATTENTION_BACKEND;
  return [{
    path: "servelab:engine.env.VLLM_USE_V1",
    message: `"1" with kvCacheDtype fp8 on ${cluster.gpu.type} (compute capability ${cc.toFixed(1)}): ${engine.image} refuses to start (NotImplementedError from _is_v1_supported_oracle) because ${FA_BACKENDS.includes(backend) ? "FlashAttention keeps an fp8 KV cache only on 9.x" : `${backend} passes its fp8 check only from vllm#24577 on`}; remove VLLM_USE_V1 and set engine.env.VLLM_ATTENTION_BACKEND: FLASHINFER (V1 with FlashInfer where the release has that change, V0 with FlashInfer otherwise), or use kvCacheDtype: auto`,
  }];
}

/** Combinations vLLM runs, but not as the config suggests; printed as warnings. */
export function engineGpuWarnings(config: ExperimentConfig, facts: ClusterFacts): string[] {
  const { engine, model } = config;
  const cc = computeCapability(facts.gpu.type);
  if (cc === undefined) return [];
  const out: string[] = [];
  if ((engine.quantization === "fp8" || /fp8/i.test(model.source) && isEightBitCheckpoint(model)) && cc < 8.9) {
    out.push(`fp8 weights on ${facts.gpu.type} (compute capability ${cc.toFixed(1)}): vLLM runs them weight-only through Marlin (no fp8 matmuls below 8.9), so throughput differs from W8A8 on 8.9+ GPUs`);
  }
  if (engine.kvCacheDtype === "fp8" && cc < 9 && hasV1Oracle(engine.image) && engine.env.VLLM_USE_V1 !== "1" && FA_BACKENDS.includes(engine.env.VLLM_ATTENTION_BACKEND)) {
    out.push(`kvCacheDtype fp8 on ${facts.gpu.type} (compute capability ${cc.toFixed(1)}) with the default attention backend: ${engine.image} falls back to the V0 engine with XFormers; set engine.env.VLLM_ATTENTION_BACKEND: FLASHINFER`);
  }
  return out;
}
