/** AibrixStack under Pulumi's mock runtime: the resource options the plan files do not show (order, replacement). */
import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { GPU_TOLERATION } from "../components/cluster/types";
import { parseExperimentConfig } from "../components/validate";
import { AibrixStack } from "../components/serving/aibrixStack";
import { rawStackValues } from "./helpers/configs";
import { Recorder, out, recordingMocks } from "./helpers/recordingMocks";

let registered: Recorder["registered"];
let created: Recorder["created"];

beforeAll(async () => {
  ({ registered, created } = await recordingMocks("aibrix_mocks"));
});

function stackFor(row: string, name: string, router: Record<string, unknown> = {}): AibrixStack {
  const raw = rawStackValues(row);
  const config = parseExperimentConfig({ ...raw, router: { ...raw.router, ...router } });
  const facts = resolveClusterFacts(config.cluster).facts!;
  const gpuPlacement = { nodeSelector: { "servelab.dev/pool": "gpu" }, tolerations: [GPU_TOLERATION] };
  const providerArgs = { kubeconfig: "~/.kube/config" };
  const kubernetes = { provider: new k8s.Provider(`${name}-cluster-k8s`, providerArgs), providerArgs };
  return new AibrixStack(name, { config, facts, namespace: "ns", labels: {}, gpuPlacement, kubernetes });
}

describe("AibrixStack resource options", () => {
  it("replaces the KVCache on a spec or annotation change (the v0.3.0 controller only propagates image and replicas)", async () => {
    const stack = stackFor("aibrix_kvcache_external", "l2");
    await out(stack.kvCache!.urn);
    const kvcache = registered.get("l2-kvcache")!;
    expect(kvcache.type).toBe("kubernetes:orchestration.aibrix.ai/v1alpha1:KVCache");
    expect(kvcache.replaceOnChanges).toEqual(["spec", "metadata.annotations"]);
    expect(kvcache.deleteBeforeReplace).toBe(true);
    expect(kvcache.dependencies).toEqual(expect.arrayContaining(["l2-release-0", "l2-release-1"]));
  });

  it("creates the ClusterIP EnvoyProxy before the core file, and the routing patch and engines after the whole release", async () => {
    const stack = stackFor("aibrix_naive_prefix_cache", "pc");
    await out(stack.engines.urn);
    await out(stack.gatewayPatch!.urn);
    expect(registered.get("pc-release-0")!.dependencies).toEqual([]);
    expect(registered.get("pc-envoy-clusterip")!.dependencies).toEqual(expect.arrayContaining(["pc-release-0", "pc-system-namespace"]));
    expect(registered.get("pc-release-1")!.dependencies).toEqual(expect.arrayContaining(["pc-release-0", "pc-envoy-clusterip"]));
    for (const name of ["pc-gateway-routing", "pc-engines"]) {
      expect(registered.get(name)!.dependencies, name).toEqual(expect.arrayContaining(["pc-release-0", "pc-release-1"]));
    }
  });

  it("applies the release files, the namespace and the EnvoyProxy through a second provider that upserts", async () => {
    const stack = stackFor("aibrix_naive", "nv");
    await out(stack.engines.deployment.urn);
    expect(registered.get("nv-release-k8s")!.type).toBe("pulumi:providers:kubernetes");
    expect(created.find((c) => c.name === "nv-release-k8s")!.inputs).toMatchObject({ kubeconfig: "~/.kube/config", upsertExistingObjects: "true" });
    for (const name of ["nv-release-0", "nv-release-1", "nv-system-namespace", "nv-envoy-clusterip"]) {
      expect(registered.get(name)!.provider, name).toMatch(/pulumi:providers:kubernetes::nv-release-k8s::/);
    }
    expect(registered.get("nv-engines-deployment")!.provider).not.toMatch(/nv-release-k8s/);
  });

  it("keeps the namespace and EnvoyProxy resources whatever exposeGateway says (switching it is an update, not a delete)", async () => {
    // Deleting either resource deletes the cluster object it shares with the core file: aibrix-system with the whole
    // control plane, or the release's EnvoyProxy. So both exist, under the same names, in both settings.
    const exposed = stackFor("aibrix_naive", "ex", { exposeGateway: true });
    const internal = stackFor("aibrix_naive", "in", { exposeGateway: false });
    await out(exposed.engines.deployment.urn);
    await out(internal.engines.deployment.urn);
    for (const [prefix, type] of [["ex", "LoadBalancer"], ["in", "ClusterIP"]]) {
      expect(registered.get(`${prefix}-system-namespace`)!.type).toBe("kubernetes:core/v1:Namespace");
      const proxy = created.find((c) => c.name === `${prefix}-envoy-clusterip`)!;
      expect((proxy.inputs as any).spec.provider.kubernetes.envoyService).toEqual({ type });
      expect(registered.get(`${prefix}-release-1`)!.dependencies).toEqual(expect.arrayContaining([`${prefix}-envoy-clusterip`]));
    }
  });
});
