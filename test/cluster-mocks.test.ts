/** The cluster components under Pulumi's mock runtime: what they declare and how pods get placed. */
import { beforeAll, describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { GkeCluster } from "../components/cluster/gkeCluster";
import { KubeconfigCluster } from "../components/cluster/kubeconfigCluster";
import { VkeCluster } from "../components/cluster/vkeCluster";
import { parseExperimentConfig } from "../components/validate";
import { minimalRaw, rawStackValues } from "./helpers/configs";
import { Recorder, out, recordingMocks } from "./helpers/recordingMocks";

const VKE_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: vke\n  cluster:\n    server: https://192.0.2.30:6443\n";
let created: Recorder["created"];
let registered: Recorder["registered"];
let calls: Recorder["calls"];

beforeAll(async () => {
  ({ created, registered, calls } = await recordingMocks("cluster_test", {
    config: { "gcp:project": "proj-1" },
    state: (a) =>
      a.type === "gcp:container/cluster:Cluster"
        ? { ...a.inputs, endpoint: "198.51.100.7", masterAuth: { clusterCaCertificate: "Q0E=" } }
        : a.inputs,
    // A fresh VKE cluster's kubeconfigPublic is empty; the credential servelab creates is read through this invoke.
    call: (a) =>
      a.token === "volcengine:vke/getKubeconfigs:getKubeconfigs"
        ? { kubeconfigs: [{ id: "other", kubeconfig: "b3RoZXI=" }, { id: a.inputs.ids[0], type: "Public", kubeconfig: Buffer.from(VKE_KUBECONFIG).toString("base64") }] }
        : a.inputs,
  }));
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

describe("VkeCluster", () => {
  const vke = async (mutate: (raw: Record<string, any>) => void = () => {}) => {
    const raw = rawStackValues("k8s_stack_vke");
    // One 8 x H20 node without RDMA (the shared cluster stack has two with RDMA; the RDMA pool is tested below).
    raw.cluster.gpu.nodes = 1;
    raw.cluster.gpu.rdma = false;
    mutate(raw);
    const config = parseExperimentConfig(raw);
    const facts = resolveClusterFacts(config.cluster).facts!;
    const prefix = `v${created.length}`;
    const cluster = new VkeCluster(prefix, { config: config.cluster as any, facts, stack: "k8s_stack_vke" });
    await out(cluster.provider.urn);
    const mine = created.filter((c) => c.name.startsWith(`${prefix}-`));
    const one = (type: string, name?: string) => mine.find((c) => c.type === type && (!name || c.name === `${prefix}-${name}`))!;
    return { cluster, mine, one, prefix };
  };

  it("declares network, NAT, cluster, pools and the device plugin on a pinned volcengine provider", async () => {
    const { cluster, mine, one, prefix } = await vke();
    expect(mine.map((c) => c.type)).toEqual(expect.arrayContaining([
      "pulumi:providers:volcengine", "volcengine:vpc/vpc:Vpc", "volcengine:vpc/subnet:Subnet", "volcengine:vpc/securityGroup:SecurityGroup",
      "volcengine:nat/gateway:Gateway", "volcengine:eip/address:Address", "volcengine:eip/associate:Associate", "volcengine:nat/snatEntry:SnatEntry",
      "volcengine:vke/cluster:Cluster", "volcengine:vke/nodePool:NodePool", "volcengine:vke/addon:Addon", "pulumi:providers:kubernetes",
    ]));
    expect(one("pulumi:providers:volcengine").inputs).toMatchObject({ region: "cn-beijing" });
    expect(JSON.stringify(one("pulumi:providers:volcengine").inputs)).not.toMatch(/accessKey|secretKey/);
    const volcengine = mine.filter((c) => c.type.startsWith("volcengine:") || c.type === "pulumi:providers:volcengine");
    expect(volcengine.length).toBeGreaterThanOrEqual(15);
    for (const { name } of volcengine) {
      expect(registered.get(name), name).toMatchObject({ version: "0.0.47", pluginDownloadURL: "github://api.github.com/volcengine" });
    }
    const vkeProviderUrn = mine.filter((c) => c.type.startsWith("volcengine:")).map((c) => c.provider);
    expect(vkeProviderUrn.every((p) => p?.includes("pulumi:providers:volcengine"))).toBe(true);

    const vkeCluster = one("volcengine:vke/cluster:Cluster").inputs;
    expect(vkeCluster).toMatchObject({
      name: "servelab-k8s-stack-vke",
      deleteProtectionEnabled: false,
      clusterConfig: { subnetIds: [`${prefix}-subnet-cn-beijing-a-id`], apiServerPublicAccessEnabled: true, resourcePublicAccessDefaultEnabled: false },
      podsConfig: { podNetworkMode: "VpcCniShared", vpcCniConfig: { subnetIds: [`${prefix}-subnet-cn-beijing-a-id`] } },
      servicesConfig: { serviceCidrsv4s: ["172.30.0.0/18"] },
    });
    expect(one("volcengine:vpc/subnet:Subnet").inputs).toMatchObject({ zoneId: "cn-beijing-a", cidrBlock: "172.16.0.0/20", vpcId: `${prefix}-vpc-id` });
    expect(one("volcengine:eip/associate:Associate").inputs).toEqual({ allocationId: `${prefix}-eip-id`, instanceId: `${prefix}-nat-id`, instanceType: "Nat" });
    expect(one("volcengine:nat/snatEntry:SnatEntry").inputs).toMatchObject({ natGatewayId: `${prefix}-nat-id`, eipId: `${prefix}-eip-id`, subnetId: `${prefix}-subnet-cn-beijing-a-id` });

    const gpu = one("volcengine:vke/nodePool:NodePool", "gpu-pool").inputs;
    expect(gpu).toMatchObject({
      clusterId: `${prefix}-vke-id`,
      name: "servelab-gpu",
      autoScaling: { enabled: false, desiredReplicas: 1 },
      nodeConfig: { instanceTypeIds: ["ecs.ebmhpcpni3l.48xlarge"], subnetIds: [`${prefix}-subnet-cn-beijing-a-id`], security: { securityGroupIds: [`${prefix}-sg-id`] }, systemVolume: { type: "ESSD_PL0", size: 500 } },
      kubernetesConfig: { cordon: false, labels: [{ key: "servelab.dev/pool", value: "gpu" }], taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] },
    });
    // ecs.ebmhpcpni3l is an HPC family: its nodes go into an HPC cluster even with rdma: false.
    expect(one("volcengine:ecs/hpcCluster:HpcCluster").inputs).toMatchObject({ zoneId: "cn-beijing-a" });
    expect(gpu.nodeConfig.hpcClusterIds).toEqual([`${prefix}-hpc-id`]);
    expect(gpu.kubernetesConfig.labels).not.toContainEqual({ key: "servelab.dev/rdma", value: "true" });
    const system = one("volcengine:vke/nodePool:NodePool", "system-pool").inputs;
    expect(system).toMatchObject({ name: "servelab-system", autoScaling: { desiredReplicas: 2 }, nodeConfig: { instanceTypeIds: ["ecs.g3il.2xlarge"] }, kubernetesConfig: { cordon: false } });
    expect(system.kubernetesConfig.taints).toBeUndefined();
    expect(one("volcengine:vke/addon:Addon").inputs).toEqual({ clusterId: `${prefix}-vke-id`, name: "nvidia-device-plugin", deployMode: "Unmanaged", deployNodeType: "Node" });
    // destroy never calls the addon's delete (VKE refuses it for some addons); deleting the cluster removes it.
    expect([...registered].filter(([n, r]) => n.startsWith(`${prefix}-`) && r.retainOnDelete).map(([n]) => n)).toEqual([`${prefix}-nvidia-device-plugin`]);

    expect(await out(cluster.kubeconfig)).toBe(VKE_KUBECONFIG);
    // The kubeconfig comes from a Public credential servelab creates after the cluster, not from kubeconfigPublic.
    expect(one("volcengine:vke/kubeconfig:Kubeconfig").inputs).toEqual({ clusterId: `${prefix}-vke-id`, type: "Public", validDuration: 26280 });
    expect(registered.get(`${prefix}-kubeconfig`)!.dependencies).toContain(`${prefix}-vke`);
    // Deleting the credential revokes it (DeleteKubeconfigs): destroy must remove the Kubernetes objects first.
    expect(registered.get(`${prefix}-k8s`)!.dependencies).toEqual(expect.arrayContaining([`${prefix}-kubeconfig`, `${prefix}-system-pool`, `${prefix}-gpu-pool`, `${prefix}-nvidia-device-plugin`]));
    const invoke = calls.find((c) => c.token === "volcengine:vke/getKubeconfigs:getKubeconfigs" && c.inputs.ids?.[0] === `${prefix}-kubeconfig-id`)!;
    expect(invoke.inputs).toEqual({ clusterIds: [`${prefix}-vke-id`], ids: [`${prefix}-kubeconfig-id`], types: ["Public"] });
    expect(registered.get(`${prefix}-vke`)!.additionalSecretOutputs).toEqual(["kubeconfigPublic", "kubeconfigPrivate"]);
    expect(await (cluster.kubeconfig as any).isSecret).toBe(true);
    expect(cluster.facts).toMatchObject({ cloud: "vke", rdma: false, gpu: { type: "h20", perNode: 8, total: 8, gpuMemoryGb: 96 } });
    // H20's gpu-name label value comes from AIBrix's v0.3.0 regression manifests.
    expect(cluster.gpuPlacement).toEqual({ nodeSelector: { "servelab.dev/pool": "gpu", "machine.cluster.vke.volcengine.com/gpu-name": "NVIDIA-H20-SXM5-96GB" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] });
    expect(cluster.systemPlacement).toEqual({ nodeSelector: { "servelab.dev/pool": "system" }, tolerations: [] });
  });

  it("an RDMA pool lives in an HPC cluster in the first zone, and the cluster reports RDMA", async () => {
    const { cluster, one, prefix } = await vke((raw) => {
      raw.cluster.zones = ["cn-beijing-a", "cn-beijing-b"];
      raw.cluster.gpu.rdma = true;
    });
    expect(cluster.facts.rdma).toBe(true);
    expect(one("volcengine:ecs/hpcCluster:HpcCluster").inputs).toMatchObject({ zoneId: "cn-beijing-a" });
    const gpu = one("volcengine:vke/nodePool:NodePool", "gpu-pool").inputs;
    expect(gpu.nodeConfig.hpcClusterIds).toEqual([`${prefix}-hpc-id`]);
    expect(gpu.nodeConfig.subnetIds).toEqual([`${prefix}-subnet-cn-beijing-a-id`]);
    expect(gpu.kubernetesConfig.labels).toContainEqual({ key: "servelab.dev/rdma", value: "true" });
    const system = one("volcengine:vke/nodePool:NodePool", "system-pool").inputs;
    expect(system.nodeConfig.subnetIds).toEqual([`${prefix}-subnet-cn-beijing-a-id`, `${prefix}-subnet-cn-beijing-b-id`]);
    expect(one("volcengine:vpc/subnet:Subnet", "subnet-cn-beijing-b").inputs.cidrBlock).toBe("172.16.16.0/20");
  });

  it("places A10 pods with VKE's gpu-name label, whose value is known for A10; a non-HPC pool spans every zone without an HPC cluster", async () => {
    const { cluster, mine, one, prefix } = await vke((raw) => {
      raw.cluster.zones = ["cn-beijing-a", "cn-beijing-b"];
      raw.cluster.gpu = { type: "a10", perNode: 1, nodes: 8 };
      raw.engine.memory = "40Gi";
      raw.engine.cpu = 8;
    });
    expect(cluster.gpuPlacement.nodeSelector).toEqual({ "servelab.dev/pool": "gpu", "machine.cluster.vke.volcengine.com/gpu-name": "NVIDIA-A10" });
    expect(mine.some((c) => c.type === "volcengine:ecs/hpcCluster:HpcCluster")).toBe(false);
    const gpu = one("volcengine:vke/nodePool:NodePool", "gpu-pool").inputs;
    expect(gpu.nodeConfig.hpcClusterIds).toBeUndefined();
    expect(gpu.nodeConfig.subnetIds).toEqual([`${prefix}-subnet-cn-beijing-a-id`, `${prefix}-subnet-cn-beijing-b-id`]);
  });
});
