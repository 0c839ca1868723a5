/** The routers servelab knows, each with its routing modes in its own vocabulary (cited per router in components/serving/). */
export const ROUTER_KINDS = ["k8s-service", "production-stack", "aibrix", "kubeai", "llm-d"] as const;
export type RouterKind = (typeof ROUTER_KINDS)[number];

export interface RouterFacts {
  /** Routing modes the router accepts; empty when the router has none to choose. */
  routingModes: readonly string[];
  /** What "routing omitted" means, for messages and docs. */
  defaultRouting: string;
  defaultVersion?: string;
}

const AIBRIX_V030_ROUTING = [
  "random", "least-request", "throughput", "prefix-cache", "prefix-cache-preble",
  "least-busy-time", "least-kv-cache", "least-latency", "vtc-basic",
] as const;

export const ROUTERS: Record<RouterKind, RouterFacts> = {
  "k8s-service": { routingModes: [], defaultRouting: "kube-proxy (random per connection)" },
  "production-stack": {
    routingModes: ["roundrobin", "session", "prefixaware", "kvaware"],
    defaultRouting: "roundrobin",
    defaultVersion: "0.1.12",
  },
  aibrix: {
    routingModes: AIBRIX_V030_ROUTING,
    defaultRouting: "unset (Envoy HTTPRoute, least-request load balancing)",
    defaultVersion: "v0.3.0",
  },
  kubeai: { routingModes: ["LeastLoad", "PrefixHash", "k8s-service"], defaultRouting: "LeastLoad", defaultVersion: "0.22.1" },
  // servelab's names for llm-d endpoint-picker configurations (components/serving/llmdEppConfig.ts maps each one).
  "llm-d": { routingModes: ["random", "load-aware", "prefix-cache", "precise-prefix-cache"], defaultRouting: "prefix-cache", defaultVersion: "v0.10.0" },
};

/** AIBrix algorithm names added after v0.3.0 (present in v0.7.0). */
export const AIBRIX_V070_EXTRA_ROUTING = [
  "least-gpu-cache", "least-utilization", "power-of-two", "pd", "session-affinity",
  "slo", "slo-pack-load", "slo-least-load", "slo-least-load-pulling",
] as const;

export function routingModesFor(kind: RouterKind, version?: string): readonly string[] {
  if (kind === "aibrix" && version && version !== "v0.3.0") return [...AIBRIX_V030_ROUTING, ...AIBRIX_V070_EXTRA_ROUTING];
  return ROUTERS[kind].routingModes;
}

export const KV_TIERS = ["none", "lmcache-cpu", "aibrix-l1-dram", "aibrix-l2-infinistore"] as const;
export type KvTier = (typeof KV_TIERS)[number];

