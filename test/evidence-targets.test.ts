/** What each router's benchmark Job scrapes (serving/metricsTargets.ts), and how the driver is told. */
import { describe, expect, it } from "vitest";
import { withDriverArgs } from "../components/benchmark/harness";
import { ExperimentConfig } from "../components/config/schema";
import { metricsTargets, scrapeArgs } from "../components/serving/metricsTargets";
import { parseExperimentConfig } from "../components/validate";
import { rawStackValues } from "./helpers/configs";

const config = (stack: string): ExperimentConfig => parseExperimentConfig(rawStackValues(stack));

describe("router metrics targets", () => {
  it("production-stack: the router Service's /metrics", () => {
    const t = metricsTargets(config("ps_stack"), "ps-stack");
    expect(t.routers).toEqual([{ name: "production-stack-router", url: "http://ps-ps-stack-router-service.ps-stack.svc.cluster.local/metrics" }]);
    expect(t.enginePort).toBe(8000);
  });

  it("KubeAI: the manager pods by IP on :8080 (its Service exposes only the API port)", () => {
    const t = metricsTargets(config("kubeai_prefix_hash_8b_l4"), "ns");
    expect(t.routers).toEqual([]);
    expect(t.routerPods).toEqual([{ name: "kubeai", selector: "app.kubernetes.io/name=kubeai,app.kubernetes.io/instance=kubeai", port: 8080 }]);
    expect(t.engineSelector).toMatch(/^app=model,model=/);
  });

  it("llm-d: the EPP Service's metrics port; AIBrix v0.3.0: none, and says why", () => {
    expect(metricsTargets(config("llmd_prefix_cache"), "ns").routers).toEqual([{ name: "llm-d-epp", url: "http://llmd-epp.ns.svc.cluster.local:9090/metrics" }]);
    const aibrix = config("aibrix_naive");
    expect(metricsTargets(aibrix, "ns").unscraped).toMatch(/v0\.3\.0's gateway plugins expose no metrics port/);
    const v7 = metricsTargets({ ...aibrix, router: { ...aibrix.router, version: "v0.7.0" } }, "ns");
    expect(v7.routers).toEqual([{ name: "aibrix-gateway-plugins", url: "http://aibrix-gateway-plugins.aibrix-system.svc.cluster.local:8080/metrics" }]);
  });

  it("the scrape arguments go first: before a driver's trailing list option and the benchmark's pass-through `--`, and carry what ran", () => {
    const t = metricsTargets(config("k8s_stack"), "k8s-stack");
    const args = scrapeArgs(t, 15);
    expect(args).toEqual(expect.arrayContaining(["--scrape-interval", "15", "--evidence-serving", "kvTier=none", "--evidence-serving", "routerMetrics=no router process (a Kubernetes Service)"]));
    const run = withDriverArgs({ harness: "h", image: "i", command: [], scripts: [], args: ["--model", "m", "--", "--seed", "0"], env: {}, points: [], timeoutSeconds: 1 }, args);
    expect(run.args.slice(-5)).toEqual(["--model", "m", "--", "--seed", "0"]);
    expect(run.args.indexOf("--scrape-engine-pods")).toBeLessThan(run.args.indexOf("--"));
  });
});
