/**
 * What a vLLM engine says about itself at start-up, read from its log (pure): the version, the engine
 * generation and the attention backend it picked, which can differ from what the stack asked for (vLLM
 * falls back to V0 or to another backend rather than refusing some combinations).
 *
 * The lines, as vllm-project/vllm logs them (files as of v0.8.5 and v0.10.2):
 * - `vLLM API server version %s` (vllm/entrypoints/openai/api_server.py, run_server / setup_server);
 * - `Initializing a V1 LLM engine (v%s) with config: %s` (vllm/v1/engine/core.py, EngineCore);
 * - `Initializing a V0 LLM engine (v%s) with config: %s, use_cached_outputs=%s, ` (vllm/engine/llm_engine.py;
 *   `Initializing an LLM engine (v%s) ...` before 0.8); the config's text carries `kv_cache_dtype=<dtype>`;
 * - the attention selector's choice (vllm/platforms/cuda.py, CudaPlatformBase.get_attn_backend_cls):
 *   V1 `Using Flash Attention backend on V1 engine.`, `Using FlashInfer backend on V1 engine.`,
 *   `Using Triton backend on V1 engine.`, `Using FlexAttention backend on V1 engine.`, ...; V0
 *   `Using Flash Attention backend.`, `Using FlashInfer backend.`, `Using XFormers backend.`; later releases
 *   `Using %s backend.` / `Using %s attention backend out of potential backends: %s.` with the enum name;
 * - why it fell back: `%s is not supported by the V1 Engine. Falling back to V0. ` (vllm/engine/arg_utils.py,
 *   _raise_or_fallback) and `Cannot use FlashAttention(-2) backend for FP8 KV cache.` (cuda.py; the parser
 *   takes both spellings, as releases differ). The v0.10.2 V0 fallback pair (`Cannot use FlashAttention backend for FP8 KV cache.`,
 *   `Using XFormers backend.`) is quoted from main of 2025-09-10 in https://github.com/vllm-project/vllm/pull/24577.
 * The tagged files were too large a checkout to open from here: the strings were matched in vLLM source copies
 * of that period and in engine logs of 0.8.x and 0.10.2. Lines may carry a Kubernetes timestamp and, from 0.10,
 * a process prefix such as `(APIServer pid=1)` or `(EngineCore_0 pid=231)`; the parser matches the messages only.
 */
import type { WeightsCacheOutcome } from "./weightsCacheLog";

export interface EngineStartup {
  vllmVersion: string | null;
  engine: "V0" | "V1" | null;
  /** vLLM's name for the backend (its _Backend / AttentionBackendEnum member), e.g. FLASH_ATTN, FLASHINFER, XFORMERS. */
  attentionBackend: string | null;
  /** The selector's line as logged, from "Using". */
  attentionBackendLine: string | null;
  /** Every backend named, when the workers did not all pick the same one. */
  attentionBackends: string[];
  /** `Using FlashAttention version %d` (vllm/v1/attention/backends/flash_attn.py in releases after 0.10; seen in their logs). */
  flashAttentionVersion: number | null;
  /** `kv_cache_dtype` of the engine's config line (auto, fp8, fp8_e4m3, ...). */
  kvCacheDtype: string | null;
  /** The engine's own words on a fallback, in log order, each once. */
  fallbacks: string[];
}

/** The start-up facts of one run, or why there are none. */
export interface EngineRecord {
  /** The pod whose log was read. */
  pod: string | null;
  facts: EngineStartup | null;
  /** Set when facts is null or incomplete. */
  reason: string | null;
  /** With the cluster's weights cache: whether this pod found the model there (hit) or filled it (miss). */
  weightsCache?: WeightsCacheOutcome;
}

/** Backend names of the selector's messages, by the enum member they stand for. */
const BACKEND_NAMES: Record<string, string> = {
  "flash attention": "FLASH_ATTN",
  flashattention: "FLASH_ATTN",
  flashinfer: "FLASHINFER",
  xformers: "XFORMERS",
  triton: "TRITON_ATTN",
  flexattention: "FLEX_ATTENTION",
  "tree attention": "TREE_ATTN",
  "triton mla": "TRITON_MLA",
  flashmla: "FLASHMLA",
  "cutlass mla": "CUTLASS_MLA",
  "flashinfer mla": "FLASHINFER_MLA",
  "flashattention mla": "FLASH_ATTN_MLA",
  "torch sdpa": "TORCH_SDPA",
  rocmflashattention: "ROCM_FLASH",
};
/** Enum-style names (newer releases log the member itself); anything else called a "backend" is not attention's. */
const ENUM_NAME = /^[A-Z0-9_]*(ATTN|FLASH|MLA|XFORMERS|SDPA|TRITON|FLEX)[A-Z0-9_]*$/;

const VERSION = /\bvLLM API server version (\S+)/;
const INIT = /\bInitializing (?:a (V[01]) LLM engine|an LLM engine) \(v([^)\s]+)\)/;
const FA_VERSION = /\bUsing FlashAttention version (\d+)/;
const KV_DTYPE = /\bkv_cache_dtype=([A-Za-z0-9_]+)/;
const BACKEND = /\b(Using (.+?) (?:attention )?backend)\b(.*)$/;
const FALLBACK = /^(.*? is not supported by the V1 Engine\. Falling back to V0\.|Cannot use FlashAttention(?:-2)? backend for .*\.|VLLM_USE_V1=1 is not supported with .*)/;
/** vLLM's prefix: `[(<process> pid=N)] LEVEL MM-DD hh:mm:ss [file.py:line] `, after an optional Kubernetes timestamp. */
const PREFIX = /^.*?\[?[\w.-]+\.py:\d+\]\s*/;
/** `Using FlashInfer backend with HND KV cache layout on V1 engine by default ...`, `Using FlexAttention backend for head_size=... on V1 engine.` */
const BACKEND_NAME_TAIL = / (?:with|for) .*$/;

function backendName(raw: string): string | null {
  const name = raw.replace(BACKEND_NAME_TAIL, "").trim();
  if (ENUM_NAME.test(name)) return name;
  return BACKEND_NAMES[name.toLowerCase()] ?? null;
}

export function parseEngineStartup(log: string): EngineStartup {
  const out: EngineStartup = { vllmVersion: null, engine: null, attentionBackend: null, attentionBackendLine: null, attentionBackends: [], flashAttentionVersion: null, kvCacheDtype: null, fallbacks: [] };
  let v1Backend = false;
  for (const line of log.split(/\r?\n/)) {
    const version = VERSION.exec(line);
    if (version && out.vllmVersion === null) out.vllmVersion = version[1];
    const init = INIT.exec(line);
    if (init && out.engine === null) {
      out.engine = init[1] === "V1" ? "V1" : "V0";
      out.vllmVersion ??= init[2];
      const dtype = KV_DTYPE.exec(line);
      if (dtype) out.kvCacheDtype = dtype[1];
    }
    const backend = BACKEND.exec(line);
    if (backend) {
      // "Using Flash Attention backend on V1 engine." / "Using FLASH_ATTN attention backend out of ..."
      const name = backendName(backend[2]);
      if (name) {
        if (out.attentionBackend === null) {
          out.attentionBackend = name;
          out.attentionBackendLine = `${backend[1]}${backend[3]}`.trim();
        }
        if (!out.attentionBackends.includes(name)) out.attentionBackends.push(name);
        if (/\bon V1 engine\b/.test(line)) v1Backend = true;
      }
    }
    const fa = FA_VERSION.exec(line);
    if (fa && out.flashAttentionVersion === null) out.flashAttentionVersion = Number(fa[1]);
    const fallback = FALLBACK.exec(line.replace(PREFIX, ""));
    if (fallback && !out.fallbacks.includes(fallback[1].trim())) out.fallbacks.push(fallback[1].trim());
  }
  if (out.engine === null && v1Backend) out.engine = "V1";
  return out;
}

/** True when the log said none of the things looked for (not a vLLM log, or cut before start-up). */
export function isEmptyStartup(s: EngineStartup): boolean {
  return s.vllmVersion === null && s.engine === null && s.attentionBackend === null && s.kvCacheDtype === null;
}

/** "FLASH_ATTN (FA3)", "FLASHINFER", or null when no backend was logged. */
export function backendText(s: EngineStartup): string | null {
  if (s.attentionBackends.length === 0) return null;
  return s.attentionBackends.map((b) => (b === "FLASH_ATTN" && s.flashAttentionVersion !== null ? `${b} (FA${s.flashAttentionVersion})` : b)).join(" + ");
}

/** One line for people: "vLLM 0.10.2, V1, FLASHINFER, KV cache fp8". */
export function describeStartup(s: EngineStartup): string {
  const parts = [
    s.vllmVersion ? `vLLM ${s.vllmVersion}` : "vLLM version not logged",
    s.engine ?? "engine generation not logged",
    backendText(s) ?? "attention backend not logged",
  ];
  if (s.kvCacheDtype) parts.push(`KV cache ${s.kvCacheDtype}`);
  return parts.join(", ");
}

/** The record of one engine pod's log: its facts, and what is missing from them. */
export function engineRecordFromLog(pod: string, log: string): EngineRecord {
  const facts = parseEngineStartup(log);
  if (isEmptyStartup(facts)) return { pod, facts: null, reason: `the log of engine pod ${pod} has none of vLLM's start-up lines (cut off, rotated, or vLLM never started)` };
  const missing = [
    facts.vllmVersion === null ? "the vLLM version" : null,
    facts.engine === null ? "the engine generation" : null,
    facts.attentionBackend === null ? "the attention backend" : null,
  ].filter((m): m is string => m !== null);
  return { pod, facts, reason: missing.length > 0 ? `engine pod ${pod} did not log ${missing.join(", ")}` : null };
}
