/**
 * What the cluster's weights cache did for an engine pod, from the log of its weights-cache init container, which
 * prints "weights-cache: hit <key>" or "weights-cache: miss <key>" (components/engine/weightsCache.ts).
 */
export type WeightsCacheOutcome = "hit" | "miss" | "unknown";

const MARKER = /^weights-cache: (hit|miss) /m;

export function weightsCacheOutcome(log: string): WeightsCacheOutcome {
  const m = MARKER.exec(log);
  return m ? (m[1] as "hit" | "miss") : "unknown";
}
