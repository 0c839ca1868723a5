/**
 * vLLM's KV-cache events (pure): the `--kv-events-config` with which a vLLM engine publishes the blocks it stores in
 * and evicts from its prefix cache, and why an engine config cannot publish them. Routers that index those events
 * (llm-d's precise prefix-cache mode) ask for them; the flag is rendered into the one engine spec (vllmArgs.ts).
 *
 * Facts, from vLLM's source (read through the code index and the versioned API docs):
 * - KVEventsConfig at v0.10.2 (docs.vllm.ai/en/v0.10.2/api/vllm/config/kv_events.html, vllm/config/kv_events.py):
 *   enable_kv_cache_events (default false), publisher ("null" by default at v0.10.2; later releases derive "zmq" from
 *   enable_kv_cache_events, so servelab sets it), endpoint (default "tcp://*:5557"), replay_endpoint, buffer_steps,
 *   hwm, max_queue_size, topic (default ""). The same names are current in vllm-project/vllm main.
 * - vllm/distributed/kv_events.py ZmqEventPublisher: a PUB socket that binds when the endpoint has "*" (connects
 *   otherwise) and sends (topic, 8-byte sequence number, msgpack EventBatch) frames; BlockStored carries the block
 *   hashes, the parent hash, the blocks' token_ids and block_size.
 * - vllm/v1/core/block_pool.py: the V1 engine's BlockPool records BlockStored in cache_full_blocks and BlockRemoved
 *   on eviction, i.e. only for prefix-cached blocks; V0 has no publisher. So: V1 engine and prefix caching on.
 * - The oldest release servelab has read KVEventsConfig in is v0.10.2, so it renders the flag from there on. The
 *   feature came with vllm-project/vllm#16750 (spring 2025; Dynamo's vLLM V1 integration of 2025-05-23 built on it);
 *   whether v0.8.5 (2025-04-28) has it was not established here, and v0.8.5's `--kv-events-config`, if any, would
 *   predate the fields above being checked.
 */
import { ExperimentConfig } from "../config/schema";
import { vllmEngineGeneration } from "./chunkedPrefillOff";
import { VllmVersion, versionAtLeast, vllmImageVersion } from "./vllmVersion";

export const KV_EVENTS_FLAG = "--kv-events-config";
/** The oldest vLLM release whose KVEventsConfig servelab has read. */
export const KV_EVENTS_MIN_VLLM: VllmVersion = [0, 10, 2];
/** Env var set from the pod's IP (downward API); a topic may refer to it as $(POD_IP), which the kubelet expands in args. */
export const POD_IP_ENV = "POD_IP";

/** Where and under which topic an engine publishes its KV-cache events. */
export interface KvEventsPublisher {
  /** TCP port the engine binds on every interface (tcp://*:<port>). */
  port: number;
  /** ZMQ topic of every message; may contain $(POD_IP). */
  topic: string;
}

/** The `--kv-events-config` JSON of a publisher (field names of vLLM's KVEventsConfig). */
export function kvEventsConfig(p: KvEventsPublisher): Record<string, unknown> {
  return { enable_kv_cache_events: true, publisher: "zmq", endpoint: `tcp://*:${p.port}`, topic: p.topic };
}

export function kvEventsArgs(p: KvEventsPublisher): string[] {
  return [KV_EVENTS_FLAG, JSON.stringify(kvEventsConfig(p))];
}

/** GPU compute capability below which vLLM 0.8–0.10 may fall back to V0 for an fp8 KV cache (engine/gpuRules.ts). */
const FP8_KV_V1_MIN_CC = 9;

/**
 * Why this engine config cannot publish KV-cache events, or undefined when it can. `computeCapability` is the GPU's,
 * for the fp8-KV fallback to V0 that vLLM 0.8–0.10 take below 9.0 (engine/gpuRules.ts).
 */
export function kvEventsGap(config: Pick<ExperimentConfig, "engine" | "kvCache" | "router">, computeCapability?: number): string | undefined {
  const { engine } = config;
  const version = vllmImageVersion(engine.image);
  if (!version) {
    return `${engine.image} is not an upstream vllm/vllm-openai:vX.Y.Z image, so servelab cannot tell whether it has ${KV_EVENTS_FLAG} (vLLM V1 from v${KV_EVENTS_MIN_VLLM.join(".")})`;
  }
  if (!versionAtLeast(version, KV_EVENTS_MIN_VLLM)) {
    return `${engine.image} (vLLM ${version.join(".")}) is older than v${KV_EVENTS_MIN_VLLM.join(".")}, the first release whose ${KV_EVENTS_FLAG} (KVEventsConfig) servelab has checked and renders`;
  }
  // From v0.8 on V1 is the default, so with the version known only an explicit V0 choice (or a V0-only tier) remains.
  if (vllmEngineGeneration(config) === "v0") {
    return `the engine runs vLLM's V0 engine (${engine.env.VLLM_USE_V1 === "0" ? "engine.env.VLLM_USE_V1 is 0" : `kvCache.tier ${config.kvCache.tier}`}), which publishes no KV-cache events (only V1's block pool does)`;
  }
  if (!engine.prefixCaching) {
    return "engine.prefixCaching is false: vLLM publishes KV-cache events only for prefix-cached blocks";
  }
  if (engine.kvCacheDtype === "fp8" && computeCapability !== undefined && computeCapability < FP8_KV_V1_MIN_CC && version[0] === 0 && version[1] <= 10) {
    return `kvCacheDtype fp8 on a GPU of compute capability ${computeCapability.toFixed(1)}: ${engine.image} may fall back to the V0 engine, which publishes no KV-cache events (engine/gpuRules.ts); use kvCacheDtype: auto`;
  }
  return undefined;
}
