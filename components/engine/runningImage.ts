/** The image the engine pods of a row actually run (before the registry rewrite), for records and the timeline. */
import { INFERENCE_SIM } from "../catalog/versions";
import { EngineConfig, KvCacheConfig, RehearsalConfig } from "../config/schema";
import { aibrixKvImage } from "../kvcache/aibrixKvCache";

/** A rehearsal runs llm-d's simulator; an AIBrix KV tier swaps the default vLLM for its KV-cache build (kvcache/aibrixKvCache.ts). */
export function runningEngineImage(config: { engine: Pick<EngineConfig, "image">; kvCache: Pick<KvCacheConfig, "tier">; rehearsal?: RehearsalConfig }): string {
  if (config.rehearsal) return INFERENCE_SIM.image;
  return config.kvCache.tier.startsWith("aibrix") ? aibrixKvImage(config.engine.image) : config.engine.image;
}
