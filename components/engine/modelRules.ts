/**
 * Engine rules that need facts about the model (pure): catalog/models.ts gives its context length and attention
 * heads. vLLM refuses, at start-up:
 * - --max-model-len above the model's max_position_embeddings (without VLLM_ALLOW_LONG_MAX_MODEL_LEN=1):
 *   vllm-project/vllm@v0.8.5:vllm/config.py `_get_and_verify_max_len`;
 * - a tensor-parallel size that does not divide the attention heads: vllm/config.py
 *   `ModelConfig.verify_with_parallel_config` ("Total number of attention heads must be divisible by tensor parallel size");
 * - max_num_batched_tokens below max_model_len without chunked prefill, and max_num_batched_tokens below
 *   max_num_seqs: vllm/config.py `SchedulerConfig._verify_args` ("max_num_batched_tokens (...) is smaller than
 *   max_model_len (...)", "... must be greater than or equal to max_num_seqs"). V1 always runs chunked prefill
 *   (engine/chunkedPrefillOff.ts), so the first check only bites on V0 with chunkedPrefill: false.
 */
import { ModelFacts, findModel } from "../catalog/models";
import { ConfigRule, ConfigWarning } from "../cluster/facts";
import { ExperimentConfig } from "../config/schema";
import { vllmEngineGeneration } from "./chunkedPrefillOff";
import { hfRepo } from "./sizing";

export function modelFacts(config: Pick<ExperimentConfig, "model">): ModelFacts | undefined {
  return findModel(hfRepo(config.model));
}

/** The context the engine serves: engine.maxModelLen, else the model's own maximum, else unknown. */
export function effectiveMaxModelLen(config: Pick<ExperimentConfig, "engine" | "model">): number | undefined {
  return config.engine.maxModelLen ?? modelFacts(config)?.maxPositions;
}

const contextLength: ConfigRule = (config, _facts, out) => {
  const model = modelFacts(config);
  const { engine } = config;
  if (!model || engine.maxModelLen === undefined || engine.maxModelLen <= model.maxPositions) return;
  if (engine.env.VLLM_ALLOW_LONG_MAX_MODEL_LEN === "1") return;
  out.push({
    path: "servelab:engine.maxModelLen",
    message: `${engine.maxModelLen} is beyond ${hfRepo(config.model)}'s maximum context of ${model.maxPositions} tokens (max_position_embeddings); vLLM refuses it at start-up; use at most ${model.maxPositions}`,
  });
};

const headsDivide: ConfigRule = (config, _facts, out) => {
  const model = modelFacts(config);
  const tp = config.engine.tensorParallel;
  if (!model || model.attentionHeads % tp === 0) return;
  const divisors = [1, 2, 4, 8, 16].filter((d) => model.attentionHeads % d === 0);
  out.push({
    path: "servelab:engine.tensorParallel",
    message: `${tp} does not divide ${hfRepo(config.model)}'s ${model.attentionHeads} attention heads, which vLLM requires; use ${divisors.join(", ")}`,
  });
};

const batchedTokens: ConfigRule = (config, _facts, out) => {
  const { engine } = config;
  const batched = engine.maxNumBatchedTokens;
  if (batched === undefined) return;
  if (engine.maxNumSeqs !== undefined && engine.maxNumSeqs > batched) {
    out.push({
      path: "servelab:engine.maxNumSeqs",
      message: `${engine.maxNumSeqs} is above engine.maxNumBatchedTokens ${batched}: vLLM needs at least one token a sequence in a step and refuses to start; lower maxNumSeqs or raise maxNumBatchedTokens`,
    });
  }
  const context = effectiveMaxModelLen(config);
  if (engine.chunkedPrefill === false && context !== undefined && batched < context && vllmEngineGeneration(config) === "v0") {
    out.push({
      path: "servelab:engine.maxNumBatchedTokens",
      message: `${batched} is below the context of ${context} tokens${engine.maxModelLen === undefined ? " (the model's maximum; engine.maxModelLen is unset)" : " (engine.maxModelLen)"} with chunked prefill off on vLLM's V0 engine, which then refuses to start; raise maxNumBatchedTokens to ${context}, lower engine.maxModelLen, or turn chunkedPrefill on`,
    });
  }
};

export const MODEL_RULES: readonly ConfigRule[] = [contextLength, headsDivide, batchedTokens];

export const MODEL_WARNINGS: readonly ConfigWarning[] = [
  (config) =>
    modelFacts(config)
      ? []
      : [`servelab:model.source: ${hfRepo(config.model)} is not in servelab's model catalog (components/catalog/models.ts): maxModelLen against its context, tensorParallel against its attention heads and the batched-token checks were skipped`],
];
