/** VKE: the instance catalog, cluster facts and the pure resource inputs (resources under mocks: cluster-mocks.test.ts). */
import { describe, expect, it } from "vitest";
import { VKE_GPU_INSTANCES, defaultVkeGpuInstance, findVkeCpuInstance, mayHaveRdma } from "../components/catalog/vkeMachines";
import { resolveClusterFacts } from "../components/cluster/facts";
import { decodeKubeconfig, subnetCidrs, vkeClusterArgs, vkeClusterName, vkeGpuPoolArgs, vkeSystemPoolArgs } from "../components/cluster/vkeSpec";
import { parseExperimentConfig } from "../components/validate";
import { VkeClusterConfig } from "../components/config/schema";
import { estimateCost } from "../components/plan/estimate";
import { configProblems, rawStackValues } from "./helpers/configs";

function vke(edit: (raw: Record<string, any>) => void = () => {}) {
  const raw = rawStackValues("k8s_stack_vke");
  edit(raw);
  const config = parseExperimentConfig(raw);
  return { config, cluster: config.cluster as VkeClusterConfig, facts: resolveClusterFacts(config.cluster).facts! };
}

describe("VKE catalog and facts", () => {
  it("k8s_stack_vke's cluster stack: two 8 x H20 bare-metal nodes with RDMA NICs, sizes known, prices not", () => {
    const { cluster, facts } = vke();
    expect(cluster).toMatchObject({ provider: "vke", region: "cn-beijing", vpcCidr: "172.16.0.0/16", natBandwidthMbps: 200, gpu: { rdma: true, diskGb: 500 } });
    expect(facts.gpu).toMatchObject({ type: "h20", perNode: 8, nodes: 2, total: 16, machineType: "ecs.ebmhpcpni3l.48xlarge", gpuMemoryGb: 96 });
    expect(facts.gpu.accelerator).toBe("NVIDIA-H20-SXM5-96GB");
    expect(facts.gpu.usdPerHourPerNode).toBeUndefined();
    expect(facts.gpu.allocatable!.memoryGb).toBeGreaterThan(1900);
    expect(facts.gpu.allocatable!.memoryGb).toBeLessThan(2048);
    expect(facts.system).toMatchObject({ machineType: "ecs.g3il.2xlarge", nodes: 2 });
    const estimate = estimateCost(cluster, facts);
    expect(estimate.usdPerHour).toBeNull();
    expect(estimate.priceSource).toMatch(/Volcengine prices are not in servelab's catalog/);
  });

  it("type and perNode pick the catalog's instance; perNode defaults to the catalog's only size", () => {
    expect(defaultVkeGpuInstance("a10", 1)?.instanceType).toBe("ecs.gni2.3xlarge");
    expect(defaultVkeGpuInstance("h20", 4)).toBeUndefined();
    const { facts } = vke((raw) => delete raw.cluster.gpu.perNode);
    expect(facts.gpu.perNode).toBe(8);
  });

  it("an explicit instance type outside the catalog is used as given, with unknown node size (pod fit unchecked)", () => {
    const { facts } = vke((raw) => (raw.cluster.gpu = { type: "l20", perNode: 2, nodes: 4, instanceType: "ecs.gni3.8xlarge" }));
    expect(facts.gpu).toMatchObject({ type: "l20", perNode: 2, nodes: 4, total: 8, machineType: "ecs.gni3.8xlarge", accelerator: "NVIDIA-L20", gpuMemoryGb: 48 });
    expect(facts.gpu.allocatable).toBeUndefined();
  });

  it("RDMA is accepted on the catalog's RDMA types and on HPC families, refused elsewhere", () => {
    expect(mayHaveRdma("ecs.ebmhpcpni3l.48xlarge")).toBe(true);
    expect(mayHaveRdma("ecs.hpcpni3ln.45xlarge")).toBe(true);
    expect(mayHaveRdma("ecs.hpcg1ne.24xlarge")).toBe(true);
    expect(mayHaveRdma("ecs.gni2.3xlarge")).toBe(false);
    expect(mayHaveRdma("ecs.gni3.8xlarge")).toBe(false);
    expect(vke((raw) => (raw.cluster.gpu.rdma = true)).facts.rdma).toBe(true);
    expect(configProblems({ ...rawStackValues("k8s_stack_vke"), cluster: { ...rawStackValues("k8s_stack_vke").cluster, gpu: { type: "l20", perNode: 8, instanceType: "ecs.gni3.32xlarge", rdma: true } } }))
      .toEqual([expect.stringMatching(/^servelab:cluster.gpu.rdma: true, but ecs.gni3.32xlarge is not known to have RDMA NICs/)]);
    for (const m of VKE_GPU_INSTANCES) expect(m.rdma, m.instanceType).toBe(/hpc/.test(m.instanceType));
  });

  it("refuses a VPC range that is not private or that overlaps the Service range", () => {
    const withCidr = (vpcCidr: string) => {
      const raw = rawStackValues("k8s_stack_vke");
      raw.cluster.vpcCidr = vpcCidr;
      return configProblems(raw);
    };
    expect(withCidr("10.20.0.0/16")).toEqual([]);
    expect(withCidr("192.168.0.0/16")).toEqual([]);
    for (const bad of ["172.200.0.0/16", "192.0.0.0/16", "10.300.0.0/16"]) {
      expect(withCidr(bad), bad).toEqual([expect.stringMatching(/^servelab:cluster.vpcCidr: must be a private \/16/)]);
    }
    expect(withCidr("172.30.0.0/16")).toEqual([expect.stringMatching(/^servelab:cluster.vpcCidr: "172.30.0.0\/16" overlaps the cluster's Service range 172.30.0.0\/18/)]);
  });

  it("system instance sizes follow the general-purpose naming", () => {
    expect(findVkeCpuInstance("ecs.g3il.4xlarge")).toEqual({ instanceType: "ecs.g3il.4xlarge", vcpu: 16, memoryGb: 64 });
  });
});

describe("VKE resource inputs", () => {
  it("names the cluster after the stack within 64 characters", () => {
    const { cluster } = vke();
    expect(vkeClusterName("k8s_stack_vke", cluster)).toBe("servelab-k8s-stack-vke");
    expect(vkeClusterName("x".repeat(80), cluster)).toHaveLength(64);
    expect(vkeClusterName("k8s_stack_vke", { ...cluster, name: "lab" })).toBe("lab");
  });

  it("carves one /20 a zone from the VPC", () => {
    expect(subnetCidrs("10.20.0.0/16", 3)).toEqual(["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]);
  });

  it("sets every input the provider requires, and optional ones only when configured", () => {
    const { cluster, facts } = vke();
    const args = vkeClusterArgs("k8s_stack_vke", cluster, ["subnet-1"]);
    expect(args.clusterConfig).toMatchObject({ subnetIds: ["subnet-1"] });
    expect(args.podsConfig).toMatchObject({ podNetworkMode: "VpcCniShared" });
    expect(args.servicesConfig).toEqual({ serviceCidrsv4s: ["172.30.0.0/18"] });
    expect(args.kubernetesVersion).toBeUndefined();
    expect(vkeClusterArgs("s", { ...cluster, kubernetesVersion: "1.28", projectName: "lab" }, [])).toMatchObject({ kubernetesVersion: "1.28", projectName: "lab" });

    const network = { subnetIds: ["subnet-1"], securityGroupId: "sg-1" };
    for (const pool of [vkeSystemPoolArgs("s", cluster, network), vkeGpuPoolArgs("s", cluster, facts.gpu, network)] as any[]) {
      expect(pool.nodeConfig.instanceTypeIds).toHaveLength(1);
      expect(pool.nodeConfig.subnetIds).toEqual(["subnet-1"]);
      expect(pool.nodeConfig.security).toEqual({ securityGroupIds: ["sg-1"] });
      expect(typeof pool.kubernetesConfig.cordon).toBe("boolean");
    }
    const withKey = vkeGpuPoolArgs("s", { ...cluster, sshKeyPairName: "me" }, facts.gpu, { ...network, hpcClusterId: "hpc-1" }) as any;
    expect(withKey.nodeConfig.security.login).toEqual({ sshKeyPairName: "me" });
    expect(withKey.nodeConfig.hpcClusterIds).toEqual(["hpc-1"]);
  });

  it("pools hold their node count within the autoscaling range the provider sends (its maxReplicas default is 10)", () => {
    const { cluster, facts } = vke();
    const network = { subnetIds: ["subnet-1"], securityGroupId: "sg-1" };
    const big = { ...cluster, system: { ...cluster.system, nodes: 12 }, gpu: { ...cluster.gpu, nodes: 16 } };
    const gpu = vkeGpuPoolArgs("s", big, { ...facts.gpu, nodes: 16 }, network).autoScaling as any;
    const system = vkeSystemPoolArgs("s", big, network).autoScaling as any;
    expect(gpu).toMatchObject({ enabled: false, desiredReplicas: 16, maxReplicas: 16 });
    expect(system).toMatchObject({ enabled: false, desiredReplicas: 12, maxReplicas: 12 });
  });

  it("decodes the cluster's base64 kubeconfig and refuses anything else", () => {
    const yaml = "apiVersion: v1\nkind: Config\n";
    expect(decodeKubeconfig(Buffer.from(yaml).toString("base64"))).toBe(yaml);
    expect(() => decodeKubeconfig("")).toThrow(/not a base64 kubeconfig/);
    expect(() => decodeKubeconfig(Buffer.from("hello").toString("base64"))).toThrow(/not a base64 kubeconfig/);
  });
});
