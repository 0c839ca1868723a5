/** GKE settings a real `pulumi up` depends on: A3 Ultra disks and capacity, image streaming, upgrades during a run. */
import { describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { gpuPoolArgs, maintenancePolicy } from "../components/cluster/gkeSpec";
import { imageStreamingEnabled, isArtifactRegistry } from "../components/cluster/imageStreaming";
import { parseExperimentConfig } from "../components/validate";
import { GkeClusterConfig } from "../components/config/schema";
import { estimateCost } from "../components/plan/estimate";
import { planStack } from "../components/plan/planStack";
import { configProblems, minimalRaw } from "./helpers/configs";

function gkeRaw(gpu: object, extra: object = {}) {
  const raw = minimalRaw();
  raw.cluster.gpu = { ...raw.cluster.gpu, ...gpu };
  Object.assign(raw.cluster, extra);
  return raw;
}
function gke(gpu: object, extra: object = {}) {
  const config = parseExperimentConfig(gkeRaw(gpu, extra)).cluster as GkeClusterConfig;
  const facts = resolveClusterFacts(config).facts!;
  return { config, facts, pool: gpuPoolArgs(config, facts.gpu) as any };
}

describe("A3 Ultra (a3-ultragpu-8g)", () => {
  it("boots from hyperdisk-balanced; other GPU machines keep pd-balanced", () => {
    expect(gke({ type: "h200", provisioning: "flex-start" }).pool.nodeConfig.diskType).toBe("hyperdisk-balanced");
    expect(gke({ type: "h100", perNode: 8 }).pool.nodeConfig.diskType).toBe("pd-balanced");
    expect(gke({}).pool.nodeConfig.diskType).toBe("pd-balanced");
  });

  it("refuses plain on-demand, naming reservation, flex-start and spot", () => {
    const problems = configProblems(gkeRaw({ type: "h200", provisioning: "on-demand" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^servelab:cluster\.gpu\.provisioning: "on-demand": a3-ultragpu-8g has no plain on-demand capacity/);
    for (const way of ["reservation", "flex-start", "spot"]) expect(problems[0]).toContain(way);
    for (const provisioning of ["reservation", "flex-start", "spot"]) expect(configProblems(gkeRaw({ type: "h200", provisioning }))).toEqual([]);
  });

  it("prices the GPU node under the provisioning chosen", () => {
    const flex = gke({ type: "h200", provisioning: "flex-start" });
    const estimate = estimateCost(flex.config, flex.facts);
    expect(estimate.lines[0].item).toBe("GPU node a3-ultragpu-8g (flex-start)");
    expect(estimate.notes.join(" ")).toMatch(/not sold on-demand/);
    expect(estimate.notes.join(" ")).toMatch(/flex-start capacity is billed below/);
    const res = gke({ type: "h200", provisioning: "reservation" });
    expect(estimateCost(res.config, res.facts).notes.join(" ")).toMatch(/billed by the reservation/);
  });

  it("the committed vllm_405b_h200 row plans on a flex-start pool with a Hyperdisk boot disk", async () => {
    const { resources, plan } = await planStack("vllm_405b_h200");
    const pool = resources.find((r) => r.type === "gcp:container/nodePool:NodePool" && (r.inputs as any).name === "servelab-gpu")!.inputs as any;
    expect(pool.nodeConfig).toMatchObject({ machineType: "a3-ultragpu-8g", diskType: "hyperdisk-balanced", flexStart: true });
    expect(plan.estimate.lines[0].item).toContain("(flex-start)");
  });
});

describe("GKE image streaming", () => {
  it("is off for images outside Artifact Registry (it would only need an API enabled and speed nothing up)", () => {
    expect(gke({}).pool.nodeConfig.gcfsConfig).toEqual({ enabled: false });
    expect(gke({}, { imageRegistry: "mirror.example.com/hub" }).pool.nodeConfig.gcfsConfig).toEqual({ enabled: false });
  });

  it("is on for an Artifact Registry mirror, and the program then enables the Container File System API, kept on destroy", async () => {
    expect(isArtifactRegistry("us-central1-docker.pkg.dev/my-project/mirror")).toBe(true);
    expect(isArtifactRegistry("gcr.io/my-project")).toBe(false);
    const { config, pool } = gke({}, { imageRegistry: "us-central1-docker.pkg.dev/my-project/mirror" });
    expect(imageStreamingEnabled(config)).toBe(true);
    expect(pool.nodeConfig.gcfsConfig).toEqual({ enabled: true });
  });

  it("the committed GKE rows do not enable the API (they use Docker Hub and ghcr.io images)", async () => {
    const { resources } = await planStack("k8s_stack");
    expect(resources.filter((r) => r.type === "gcp:projects/service:Service")).toEqual([]);
  });
});

describe("GKE upgrades during a run", () => {
  it("excludes minor and node upgrades until the version's end of support, beside a daily window", () => {
    const policy = maintenancePolicy() as any;
    expect(policy.dailyMaintenanceWindow).toEqual({ startTime: "03:00" });
    expect(policy.maintenanceExclusions).toEqual([
      expect.objectContaining({ exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" } }),
    ]);
  });

  it("every GKE cluster carries it", async () => {
    const { resources } = await planStack("cluster-gke-l4x8");
    const cluster = resources.find((r) => r.type === "gcp:container/cluster:Cluster")!.inputs as any;
    expect(cluster.maintenancePolicy.maintenanceExclusions[0].exclusionOptions.scope).toBe("NO_MINOR_OR_NODE_UPGRADES");
  });
});
