/**
 * Rows on a shared cluster: which rows cannot be up together (pure), and under Pulumi's mock runtime that a row
 * claims its cluster-scoped installs first, that everything it installs waits for the claims (so a refused row
 * installs nothing and `pulumi destroy` deletes the claims last), and that the cluster-scoped installs are
 * resources of the row (so destroy deletes them).
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTER_KINDS, RouterKind } from "../components/catalog/routers";
import { Experiment } from "../components/experiment";
import { parseExperimentConfig } from "../components/validate";
import {
  CLAIM_NAMESPACE, CLUSTER_INSTALLS, ROUTER_CLUSTER_INSTALLS, claimFieldManager, claimHolder, claimManifest, clusterInstalls, sharedInstalls,
} from "../components/serving/clusterInstalls";
import { summarizePulumiFailure } from "../benchmarks/matrix/pulumiErrors";
import { rawStackValues } from "./helpers/configs";
import { Recorder, out, recordingMocks } from "./helpers/recordingMocks";

const row = (kind: RouterKind) => ({ router: { kind } }) as Parameters<typeof clusterInstalls>[0];

describe("which rows cannot share a cluster (pure)", () => {
  it("two rows of one router that installs cluster-scoped objects exclude each other; the others do not", () => {
    expect(sharedInstalls(row("aibrix"), row("aibrix"))).toEqual(["gateway-api-crds", "envoy-gateway", "aibrix-control-plane"]);
    expect(sharedInstalls(row("kubeai"), row("kubeai"))).toEqual(["kubeai-model-crd"]);
    expect(sharedInstalls(row("llm-d"), row("llm-d"))).toEqual(["inferencepool-crd"]);
    expect(sharedInstalls(row("production-stack"), row("production-stack"))).toEqual([]);
    expect(sharedInstalls(row("k8s-service"), row("k8s-service"))).toEqual([]);
  });

  it("AIBrix and llm-d share nothing: llm-d's standalone router brings the InferencePool CRD only, AIBrix the Gateway API CRDs", () => {
    expect(sharedInstalls(row("aibrix"), row("llm-d"))).toEqual([]);
    expect(clusterInstalls(row("llm-d"))).not.toContain("gateway-api-crds");
    expect(clusterInstalls(row("aibrix"))).not.toContain("inferencepool-crd");
  });

  it("rows of different routers never exclude each other today, and every install is owned by exactly one router", () => {
    for (const a of ROUTER_KINDS) for (const b of ROUTER_KINDS) if (a !== b) expect(sharedInstalls(row(a), row(b)), `${a} + ${b}`).toEqual([]);
    const owners = Object.values(ROUTER_CLUSTER_INSTALLS).flat();
    expect(owners.sort()).toEqual(Object.keys(CLUSTER_INSTALLS).sort());
  });

  it("a claim is a Lease in the default namespace held by the row, applied under the row's own field manager", () => {
    const holder = claimHolder("acme", "servelab", "aibrix_naive");
    expect(claimManifest("envoy-gateway", holder)).toMatchObject({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "servelab-claim-envoy-gateway", namespace: CLAIM_NAMESPACE, annotations: { "pulumi.com/patchFieldManager": "servelab:acme/servelab/aibrix_naive", "servelab.dev/holder": holder } },
      spec: { holderIdentity: "acme/servelab/aibrix_naive" },
    });
    expect(claimFieldManager(`org/project/${"x".repeat(200)}`)).toHaveLength(128);
  });
});

let recorder: Recorder;

beforeAll(async () => {
  recorder = await recordingMocks("claims_test", {
    config: { "gcp:project": "proj-1" },
    state: (a) => (a.type === "gcp:container/cluster:Cluster" ? { ...a.inputs, endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: "Q0E=" } } : a.inputs),
  });
});

/** The row's Experiment under mocks, its name prefixing every resource it declares. */
async function declare(stack: string, name: string): Promise<void> {
  const config = parseExperimentConfig(rawStackValues(stack));
  const experiment = new Experiment(name, { stack, config });
  await out(experiment.baseUrl);
  await out(experiment.namespace);
  await (pulumi.runtime as any).waitForRPCs?.();
}

const providerName = (ref: string) => (ref ? ref.split("::").at(-2)! : "");

/** Names the resource waits for, directly or through its provider, transitively. */
function waitsFor(name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [name];
  while (todo.length) {
    const r = recorder.registered.get(todo.pop()!);
    if (!r) continue;
    for (const dep of [...r.dependencies, providerName(r.provider)]) {
      if (dep && !seen.has(dep)) {
        seen.add(dep);
        todo.push(dep);
      }
    }
  }
  return seen;
}

const mine = (prefix: string) => [...recorder.registered].filter(([name]) => name.startsWith(`${prefix}-`));

describe.each([
  ["aibrix_naive", "aib", ["gateway-api-crds", "envoy-gateway", "aibrix-control-plane"]],
  ["kubeai_least_load_8b_l4", "kai", ["kubeai-model-crd"]],
  ["llmd_8b_l4", "lld", ["inferencepool-crd"]],
] as const)("%s under mocks", (stack, name, installs) => {
  beforeAll(() => declare(stack, name));

  it("claims each of its cluster-scoped installs with a Lease held by the row, through a provider that upserts without force", () => {
    const leases = recorder.created.filter((c) => c.type === "kubernetes:coordination.k8s.io/v1:Lease" && c.name.startsWith(`${name}-`));
    expect(leases.map((l) => l.inputs.metadata.name)).toEqual(installs.map((id) => `servelab-claim-${id}`));
    for (const l of leases) expect(l.inputs.spec.holderIdentity).toBe(`organization/servelab/${stack}`);
    const provider = recorder.created.find((c) => c.name === `${name}-claims-k8s`)!;
    expect(provider.inputs).toMatchObject({ upsertExistingObjects: "true", enablePatchForce: "false" });
    for (const l of leases) expect(providerName(recorder.registered.get(l.name)!.provider)).toBe(`${name}-claims-k8s`);
  });

  it("every Kubernetes object and install of the row waits for all its claims", () => {
    const claims = installs.map((id) => `${name}-claims-${id}`);
    const k8sObjects = mine(name).filter(([n, r]) => r.type.startsWith("kubernetes:") && !n.startsWith(`${name}-claims-`));
    expect(k8sObjects.length).toBeGreaterThan(3);
    for (const [n] of k8sObjects) expect([...waitsFor(n)], n).toEqual(expect.arrayContaining(claims));
  });

  it("its cluster-scoped installs are resources of the row, none kept on destroy", () => {
    const installsOfRow = mine(name).filter(([, r]) => ["kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:helm.sh/v4:Chart"].includes(r.type));
    expect(installsOfRow.length).toBeGreaterThan(0);
    for (const [n, r] of installsOfRow) expect(r.retainOnDelete, n).toBe(false);
  });
});

describe("charts' CRDs, and rows that install nothing outside their namespace", () => {
  it.each([["k8s_stack", "k8s"], ["ps_stack", "pss"]])("%s makes no claim", async (stack, name) => {
    await declare(stack, name);
    expect(mine(name).filter(([, r]) => r.type === "kubernetes:coordination.k8s.io/v1:Lease")).toEqual([]);
    expect(recorder.registered.has(`${name}-claims-k8s`)).toBe(false);
  });

  it("the kubeai chart keeps rendering its Model CRD (a template the row owns and destroy deletes, not one left to another row)", () => {
    const chart = recorder.created.find((c) => c.name === "kai-serving-chart")!;
    expect(chart.inputs.skipCrds).toBeUndefined();
    expect(chart.inputs.values.crds?.enabled).not.toBe(false);
  });

  it("production-stack's chart skips its crds/ folder (the LoraAdapter CRD servelab does not use)", () => {
    const chart = recorder.created.find((c) => c.name === "pss-serving-chart")!;
    expect(chart.inputs.skipCrds).toBe(true);
  });
});

describe("the matrix runner's summary of a refused row", () => {
  it("names the row holding the cluster, from the API server's apply conflict", () => {
    const output = [
      "kubernetes:coordination.k8s.io/v1:Lease (servelab-claims-aibrix-control-plane):",
      "  error: resource default/servelab-claim-aibrix-control-plane was not successfully created by the Kubernetes API server: server-side apply field conflict detected, see https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/#handle-field-conflicts-on-existing-resources for troubleshooting help",
      '  The resource managed by field manager "servelab:organization/servelab/aibrix_naive_prefix_cache" had an apply conflict: Apply failed with 3 conflicts: conflicts with "servelab:organization/servelab/aibrix_naive":',
      "  - .metadata.annotations.pulumi.com/patchFieldManager",
      "  - .spec.holderIdentity",
    ].join("\n");
    expect(summarizePulumiFailure("up", new Error(output))).toBe(
      "pulumi up failed: the cluster is held by organization/servelab/aibrix_naive (its claim on a cluster-scoped install this row also makes); destroy that row first",
    );
    expect(summarizePulumiFailure("up", new Error("error: update failed\nerror: something else"))).toBe("pulumi up failed: error: something else");
  });
});
