/** The cluster components under Pulumi's mock runtime: what they declare and how pods get placed. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { GkeCluster } from "../components/cluster/gkeCluster";
import { KubeconfigCluster } from "../components/cluster/kubeconfigCluster";
import { parseExperimentConfig } from "../components/config/parse";
import { minimalRaw } from "./helpers/configs";

const created: pulumi.runtime.MockResourceArgs[] = [];
const out = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

beforeAll(async () => {
  pulumi.runtime.setAllConfig({ "gcp:project": "proj-1" });
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        created.push(a);
        const state = a.type === "gcp:container/cluster:Cluster" ? { ...a.inputs, endpoint: "198.51.100.7", masterAuth: { clusterCaCertificate: "Q0E=" } } : a.inputs;
        return { id: `${a.name}-id`, state };
      },
      call: (a) => a.inputs,
    },
    "servelab",
    "cluster_test",
    false,
  );
});

describe("GkeCluster", () => {
  it("declares a destroyable cluster, two pools, and a provider that waits for both pools", async () => {
    const config = parseExperimentConfig(minimalRaw());
    const facts = resolveClusterFacts(config.cluster).facts!;
    const cluster = new GkeCluster("c", { config: config.cluster as any, facts, stack: "cluster_test" });
    const kubeconfig = await out(cluster.kubeconfig);
    await out(cluster.provider.urn);
    expect(kubeconfig).toContain("server: https://198.51.100.7");
    expect(await (cluster.kubeconfig as any).isSecret).toBe(true);
    const types = created.map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(["servelab:cluster:GkeCluster", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool", "pulumi:providers:kubernetes"]));
    const gke = created.find((c) => c.type === "gcp:container/cluster:Cluster")!.inputs;
    expect(gke).toMatchObject({ project: "proj-1", deletionProtection: false, location: "us-central1-a", workloadIdentityConfig: { workloadPool: "proj-1.svc.id.goog" } });
    expect(cluster.gpuPlacement.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "servelab-gpu", "cloud.google.com/gke-accelerator": "nvidia-l4" });
    expect(cluster.gpuPlacement.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(cluster.systemPlacement).toEqual({ nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-system" }, tolerations: [] });
  });

  it("KubeconfigCluster places pods with the selectors and tolerations from the config", async () => {
    const config = parseExperimentConfig({
      cluster: { provider: "kubeconfig", kubeconfig: "~/.kube/lab", context: "lab", gpu: { type: "a100-80gb", perNode: 8 }, gpuNodeSelector: { "gpu-type": "a100" }, rdma: true },
      model: { source: "hf://Qwen/Qwen2.5-0.5B-Instruct" },
    });
    const facts = resolveClusterFacts(config.cluster).facts!;
    expect(facts.rdma).toBe(true);
    const cluster = new KubeconfigCluster("k", { config: config.cluster as any, facts });
    await out(cluster.provider.urn);
    const provider = created.find((c) => c.type === "pulumi:providers:kubernetes" && c.name === "k-k8s")!;
    expect(provider.inputs).toMatchObject({ kubeconfig: "~/.kube/lab", context: "lab" });
    expect(cluster.gpuPlacement).toEqual({ nodeSelector: { "gpu-type": "a100" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] });
  });
});
