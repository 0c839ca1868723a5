/**
 * What the benchmark Job scrapes beside each load point (pure): the engine pods (a label selector, listed through
 * the Kubernetes API) and the router's own /metrics where it exposes one. Each router's endpoint as its pinned
 * release serves it:
 * - production-stack: the router app serves GET /metrics (vllm-project/production-stack@vllm-stack-0.1.12:
 *   src/vllm_router/routers/metrics_router.py) on its Service, `<release>-router-service` port 80.
 * - KubeAI: the manager serves /metrics on MetricsAddr, default ":8080" (kubeai-project/kubeai@f442a2cd:
 *   internal/config/system.go, internal/manager/run.go); the chart's Service exposes only port 8000, so the pods
 *   (app.kubernetes.io/name=kubeai, app.kubernetes.io/instance=<release>) are scraped by IP.
 * - AIBrix v0.7.0: the gateway plugins' HTTP server (default ":8080", cmd/plugins/main.go) behind the Service
 *   aibrix-gateway-plugins port 8080 "metrics" in aibrix-system (vllm-project/aibrix@v0.7.0:
 *   config/gateway/gateway-plugin/gateway-plugin.yaml). v0.3.0's Service has ports 50052 and 6060 only, and its pprof
 *   listens on localhost: no router metrics.
 * - llm-d: the EPP's metrics server on port 9090, Service `<release>-epp` port "http-metrics"
 *   (llm-d/llm-d-router@v0.10.0: config/charts/routerlib/templates/_service.yaml, pkg/epp/server/options.go);
 *   servelab renders it without token auth (llmdSpec.ts).
 * - k8s-service: no router process.
 */
import { runningEngineImage } from "../engine/runningImage";
import { AIBRIX } from "../catalog/versions";
import { ExperimentConfig } from "../config/schema";
import { VLLM_PORT } from "../engine/vllmArgs";
import { aibrixVersion } from "./aibrixSpec";
import { enginePods } from "./enginePods";
import { LLMD_RELEASE, llmdEppName } from "./llmdSpec";
import { productionStackRelease } from "./productionStackValues";

export interface MetricsTargets {
  /** Label selector of the engine pods in the experiment's namespace. */
  engineSelector: string;
  enginePort: number;
  /** Router /metrics reached through a Service's DNS name. */
  routers: Array<{ name: string; url: string }>;
  /** Router pods scraped by IP (their Service does not expose the metrics port). */
  routerPods: Array<{ name: string; selector: string; port: number }>;
  /** Why a router is not scraped, when it is not. */
  unscraped: string | null;
  /** What ran, written into every evidence file. */
  serving: Record<string, string>;
}

export const KUBEAI_RELEASE = "kubeai";
export const KUBEAI_METRICS_PORT = 8080;
export const AIBRIX_GATEWAY_METRICS_PORT = 8080;
export const LLMD_EPP_METRICS_PORT = 9090;

export function metricsTargets(config: ExperimentConfig, namespace: string): MetricsTargets {
  const router = config.router.kind;
  const serving: Record<string, string> = {
    router: config.router.routing ? `${router} (${config.router.routing})` : router,
    kvTier: config.kvCache.tier,
    engineImage: runningEngineImage(config),
  };
  if (config.router.version) serving.routerVersion = config.router.version;
  const base = { engineSelector: enginePods(config, namespace).selector, enginePort: VLLM_PORT, routers: [], routerPods: [], unscraped: null, serving };
  switch (router) {
    case "k8s-service":
      return { ...base, unscraped: "no router process (a Kubernetes Service)" };
    case "production-stack":
      return { ...base, routers: [{ name: "production-stack-router", url: `http://${productionStackRelease(namespace)}-router-service.${namespace}.svc.cluster.local/metrics` }] };
    case "kubeai":
      return { ...base, routerPods: [{ name: "kubeai", selector: `app.kubernetes.io/name=kubeai,app.kubernetes.io/instance=${KUBEAI_RELEASE}`, port: KUBEAI_METRICS_PORT }] };
    case "aibrix": {
      if (aibrixVersion(config.router) === "v0.3.0") return { ...base, unscraped: "AIBrix v0.3.0's gateway plugins expose no metrics port" };
      const { deployment, namespace: ns } = AIBRIX.gatewayPlugins;
      return { ...base, routers: [{ name: "aibrix-gateway-plugins", url: `http://${deployment}.${ns}.svc.cluster.local:${AIBRIX_GATEWAY_METRICS_PORT}/metrics` }] };
    }
    case "llm-d":
      return { ...base, routers: [{ name: "llm-d-epp", url: `http://${llmdEppName(LLMD_RELEASE)}.${namespace}.svc.cluster.local:${LLMD_EPP_METRICS_PORT}/metrics` }] };
  }
}

/** The driver arguments that make it scrape these targets. */
export function scrapeArgs(t: MetricsTargets, intervalSeconds: number): string[] {
  return [
    "--scrape-engine-pods", t.engineSelector,
    "--scrape-engine-port", String(t.enginePort),
    "--scrape-interval", String(intervalSeconds),
    ...t.routers.flatMap((r) => ["--scrape-router", `${r.name}=${r.url}`]),
    ...t.routerPods.flatMap((r) => ["--scrape-router-pods", `${r.name}=${r.selector}@${r.port}`]),
    ...Object.entries(t.serving).flatMap(([k, v]) => ["--evidence-serving", `${k}=${v}`]),
    ...(t.unscraped ? ["--evidence-serving", `routerMetrics=${t.unscraped}`] : []),
  ];
}
