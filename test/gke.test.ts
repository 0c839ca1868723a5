import { describe, expect, it } from "vitest";
import { gkeAllocatable } from "../components/catalog/gkeMachines";
import { resolveClusterFacts } from "../components/cluster/facts";
import { gkeClusterName, gkeKubeconfig, gpuPoolArgs } from "../components/cluster/gkeSpec";
import { parseExperimentConfig } from "../components/validate";
import { GkeClusterConfig } from "../components/config/schema";
import { minimalRaw } from "./helpers/configs";

function gke(gpu: object): { config: GkeClusterConfig; pool: any } {
  const raw = minimalRaw();
  raw.cluster.gpu = { ...raw.cluster.gpu, ...gpu };
  const config = parseExperimentConfig(raw).cluster as GkeClusterConfig;
  return { config, pool: gpuPoolArgs(config, resolveClusterFacts(config).facts!.gpu) };
}

describe("GKE GPU pool", () => {
  it("on-demand: a fixed node count and GKE's default reservation handling", () => {
    const { pool } = gke({ nodes: 3 });
    expect(pool.nodeCount).toBe(3);
    expect(pool.autoscaling).toBeUndefined();
    expect(pool.nodeConfig.spot).toBeUndefined();
    expect(pool.nodeConfig.reservationAffinity).toBeUndefined();
    expect(pool.nodeConfig.machineType).toBe("g2-standard-8");
    expect(pool.nodeConfig.guestAccelerators[0]).toMatchObject({ type: "nvidia-l4", count: 1 });
    expect(pool.nodeConfig.gcfsConfig).toEqual({ enabled: false });
    expect(pool.nodeConfig.ephemeralStorageLocalSsdConfig).toBeUndefined();
  });

  it("spot: spot VMs that consume no reservation (cluster-toolkit's gke-node-pool precondition)", () => {
    const { pool } = gke({ provisioning: "spot" });
    expect(pool.nodeConfig.spot).toBe(true);
    expect(pool.nodeConfig.reservationAffinity).toEqual({ consumeReservationType: "NO_RESERVATION" });
  });

  it("reservation: a named reservation, or any matching one", () => {
    expect(gke({ provisioning: "reservation", reservation: "my-h100s" }).pool.nodeConfig.reservationAffinity).toEqual({
      consumeReservationType: "SPECIFIC_RESERVATION", key: "compute.googleapis.com/reservation-name", values: ["my-h100s"],
    });
    expect(gke({ provisioning: "reservation" }).pool.nodeConfig.reservationAffinity).toEqual({ consumeReservationType: "ANY_RESERVATION" });
  });

  it("flex-start: autoscaled from zero, no auto-repair, no reservation, not spot", () => {
    const { pool } = gke({ provisioning: "flex-start", nodes: 2 });
    expect(pool.nodeCount).toBeUndefined();
    expect(pool.autoscaling).toEqual({ totalMinNodeCount: 0, totalMaxNodeCount: 2, locationPolicy: "ANY" });
    expect(pool.management.autoRepair).toBe(false);
    expect(pool.nodeConfig.flexStart).toBe(true);
    expect(pool.nodeConfig.spot).toBeUndefined();
    expect(pool.nodeConfig.reservationAffinity).toEqual({ consumeReservationType: "NO_RESERVATION" });
  });

  it("A3 machines use their local SSDs for ephemeral storage; H200 picks a3-ultragpu-8g", () => {
    const h100 = gke({ type: "h100", perNode: 8 }).pool;
    expect(h100.nodeConfig.ephemeralStorageLocalSsdConfig).toEqual({ localSsdCount: 16 });
    const h200 = gke({ type: "h200", provisioning: "flex-start" }).pool;
    expect(h200.nodeConfig.machineType).toBe("a3-ultragpu-8g");
    expect(h200.nodeConfig.guestAccelerators[0]).toMatchObject({ type: "nvidia-h200-141gb", count: 8 });
    expect(h200.nodeConfig.ephemeralStorageLocalSsdConfig).toEqual({ localSsdCount: 32 });
    expect(gke({ type: "h100", machineType: "a3-megagpu-8g" }).pool.nodeConfig.guestAccelerators[0].type).toBe("nvidia-h100-mega-80gb");
  });
});

describe("GKE helpers", () => {
  it("names the cluster from the stack within GKE's 40 characters", () => {
    const config = parseExperimentConfig(minimalRaw()).cluster as GkeClusterConfig;
    expect(gkeClusterName("k8s_stack", config)).toBe("servelab-k8s-stack");
    const long = gkeClusterName("kubeai_prefix_hash_70b_h100_with_a_long_suffix", config);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[a-z][-a-z0-9]*[a-z0-9]$/);
  });

  it("writes a kubeconfig that authenticates with gke-gcloud-auth-plugin and holds no token", () => {
    const text = gkeKubeconfig("ctx", "203.0.113.1", "Q0E=");
    expect(text).toContain("server: https://203.0.113.1");
    expect(text).toContain("certificate-authority-data: Q0E=");
    expect(text).toContain("command: gke-gcloud-auth-plugin");
    expect(text).not.toMatch(/token:/);
  });

  it("leaves GKE's reserved memory and CPU out of what pods can use", () => {
    const a3 = gkeAllocatable(208, 1872);
    expect(a3.memoryGb).toBeGreaterThan(1800);
    expect(a3.memoryGb).toBeLessThan(1840);
    expect(a3.cpu).toBeGreaterThan(205);
    const g2 = gkeAllocatable(8, 32);
    expect(g2.memoryGb).toBeCloseTo(32 - 3.56 - 0.1 - 2, 1);
  });
});
