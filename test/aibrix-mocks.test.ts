/** AibrixStack under Pulumi's mock runtime: the resource options the plan files do not show (order, replacement). */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { GPU_TOLERATION } from "../components/cluster/types";
import { parseExperimentConfig } from "../components/config/parse";
import { AibrixStack } from "../components/serving/aibrixStack";
import { rawStackValues } from "./helpers/configs";

interface Registered {
  type: string;
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  dependencies: string[];
}
const registered = new Map<string, Registered>();
const out = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    "servelab",
    "aibrix_mocks",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: any, cb: unknown) => unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    registered.set(req.getName(), {
      type: req.getType(),
      replaceOnChanges: req.getReplaceonchangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      dependencies: req.getDependenciesList().map(nameOf),
    });
    return register(req, cb);
  };
});

function stackFor(row: string, name: string): AibrixStack {
  const config = parseExperimentConfig(rawStackValues(row));
  const facts = resolveClusterFacts(config.cluster).facts!;
  const gpuPlacement = { nodeSelector: { "servelab.dev/pool": "gpu" }, tolerations: [GPU_TOLERATION] };
  return new AibrixStack(name, { config, facts, namespace: "ns", labels: {}, gpuPlacement });
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

  it("orders the release files, and puts the patches and the engines after the whole release", async () => {
    const stack = stackFor("aibrix_naive_prefix_cache", "pc");
    await out(stack.engines.urn);
    await out(stack.gatewayPatch!.urn);
    expect(registered.get("pc-release-0")!.dependencies).toEqual([]);
    expect(registered.get("pc-release-1")!.dependencies).toEqual(["pc-release-0"]);
    for (const name of ["pc-envoy-clusterip", "pc-gateway-routing", "pc-engines"]) {
      expect(registered.get(name)!.dependencies, name).toEqual(expect.arrayContaining(["pc-release-0", "pc-release-1"]));
    }
  });
});
