/**
 * Facts about the models servelab's stacks serve, from each model's config.json (num_hidden_layers,
 * num_attention_heads, num_key_value_heads, max_position_embeddings) and its parameter count. The engine's rules
 * check maxModelLen and tensorParallel against them (components/engine/modelRules.ts); a model that is not here is
 * accepted with a warning that those checks were skipped.
 *
 * Sources (as quoted by upstream code and docs; the Hugging Face repositories are gated):
 * - Llama 3.1 8B and 70B: layers, attention heads, KV heads and "Model max length 131,072" in
 *   vulkomilev/oumi@4d8296fb70dac07a8489398080fd740dab7b3814:configs/recipes/llama3_1/README.md (oumi's Llama 3.1 recipes).
 * - Llama 3.1 405B: 126 layers, 128 attention heads, 8 KV heads, as in
 *   https://huggingface.co/meta-llama/Llama-3.1-405B-Instruct/blob/main/config.json (quoted identically by several
 *   MFU calculators in the code index); its max_position_embeddings is 131072 like the rest of the 3.1 family
 *   (https://huggingface.co/meta-llama/Llama-3.1-405B-Instruct, "128k context length").
 * - Parameter counts 8,030,261,248 / 70,553,706,496 / 404,650,311,680: the safetensors totals of the three
 *   repositories as quoted by upstream parameter-count tables; weights at 16 bits are 2 bytes a parameter, FP8
 *   checkpoints (neuralmagic/*-FP8, meta-llama/*-FP8) about half of that.
 * - Qwen2.5-0.5B-Instruct: 24 layers, 14 attention heads, 2 KV heads, max_position_embeddings 32768,
 *   https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/blob/main/config.json.
 * The FP8 repositories are quantizations of the same architecture: same layers, heads and context.
 */

export interface ModelFacts {
  layers: number;
  attentionHeads: number;
  kvHeads: number;
  /** max_position_embeddings: the longest context the model supports (vLLM's default --max-model-len). */
  maxPositions: number;
  /** Parameters in billions. */
  paramsB: number;
  source: string;
}

const LLAMA_31_8B: ModelFacts = { layers: 32, attentionHeads: 32, kvHeads: 8, maxPositions: 131072, paramsB: 8.03, source: "oumi llama3_1 README" };
const LLAMA_31_70B: ModelFacts = { layers: 80, attentionHeads: 64, kvHeads: 8, maxPositions: 131072, paramsB: 70.55, source: "oumi llama3_1 README" };
const LLAMA_31_405B: ModelFacts = { layers: 126, attentionHeads: 128, kvHeads: 8, maxPositions: 131072, paramsB: 404.65, source: "Llama-3.1-405B-Instruct config.json" };
const QWEN25_05B: ModelFacts = { layers: 24, attentionHeads: 14, kvHeads: 2, maxPositions: 32768, paramsB: 0.49, source: "Qwen2.5-0.5B-Instruct config.json" };

/** Keyed by Hugging Face repository id, lowercase. */
export const MODELS: Record<string, ModelFacts> = {
  "meta-llama/llama-3.1-8b": LLAMA_31_8B,
  "meta-llama/llama-3.1-8b-instruct": LLAMA_31_8B,
  "meta-llama/meta-llama-3.1-8b-instruct": LLAMA_31_8B,
  "neuralmagic/meta-llama-3.1-8b-instruct-fp8": LLAMA_31_8B,
  "meta-llama/llama-3.1-70b": LLAMA_31_70B,
  "meta-llama/llama-3.1-70b-instruct": LLAMA_31_70B,
  "neuralmagic/meta-llama-3.1-70b-instruct-fp8": LLAMA_31_70B,
  "meta-llama/llama-3.1-405b": LLAMA_31_405B,
  "meta-llama/llama-3.1-405b-instruct": LLAMA_31_405B,
  "meta-llama/llama-3.1-405b-instruct-fp8": LLAMA_31_405B,
  "qwen/qwen2.5-0.5b-instruct": QWEN25_05B,
};

export function findModel(repo: string): ModelFacts | undefined {
  return MODELS[repo.toLowerCase()];
}
