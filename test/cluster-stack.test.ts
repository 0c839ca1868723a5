/**
 * Cluster stacks: a stack with servelab:cluster alone creates the cluster and exports what rows need; a row with
 * servelab:cluster: { provider: stack, stack: <name> } reads it through a StackReference at `pulumi up` and from the
 * cluster stack's file offline, and is checked against the same ClusterFacts as with the cluster inline.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { clusterSectionFromOutputs, clusterStackDrift, parseClusterStackName, readClusterStackSection } from "../components/cluster/clusterStack";
import { resolveClusterFacts } from "../components/cluster/facts";
import { withClusterDefaults } from "../components/config/clusterDefaults";
import { ConfigError } from "../components/config/problems";
import { plannedClusterStackOutputs } from "../components/plan/clusterStackMock";
import { STACK_REFERENCE } from "../components/plan/mockRun";
import { planStack } from "../components/plan/planStack";
import { readStackConfig } from "../components/plan/stackFile";
import { servelab } from "../components/program";
import { parseClusterStackConfig, parseExperimentConfig } from "../components/validate";
import { configProblems, rawStackFileValues, rawStackValues } from "./helpers/configs";
import { checkStackText } from "./helpers/stackCheck";
import { Recorder, out, recordingMocks } from "./helpers/recordingMocks";

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`).join("\n");
  }
  throw new Error("accepted");
};

describe("a row on a cluster stack, offline", () => {
  it("is checked against the same cluster and facts as with the cluster stack's servelab:cluster inline", () => {
    for (const row of ["k8s_stack", "kubeai_prefix_hash_8b_l4", "k8s_stack_vke"]) {
      const onStack = parseExperimentConfig(rawStackFileValues(row));
      const inline = parseExperimentConfig(rawStackValues(row));
      expect(onStack.clusterStack, row).toMatch(/^cluster-/);
      const { clusterStack: _, ...rest } = onStack;
      expect(rest, row).toEqual(inline);
      expect(resolveClusterFacts(onStack.cluster).facts, row).toEqual(resolveClusterFacts(inline.cluster).facts);
    }
  });

  it("gets the pool's rules: too many replicas are refused against the cluster stack's GPUs", () => {
    const raw = rawStackFileValues("k8s_stack");
    raw.engine.replicas = 9;
    expect(configProblems(raw).join("\n")).toMatch(/servelab:engine.replicas: 9 replicas × tensorParallel 1 = 9 GPUs, but the GPU pool has 8 \(1 node × 8 h100\)/);
  });

  it("a problem of the cluster itself names the cluster stack to fix", () => {
    const section = structuredClone(readClusterStackSection(parseClusterStackName("cluster-gke-h100x8"))) as any;
    section.zones = ["europe-west4-a"];
    const problems = refusal(() => parseExperimentConfig(rawStackFileValues("k8s_stack"), () => section));
    expect(problems).toMatch(/^servelab:cluster.zones\[0\] \(cluster stack cluster-gke-h100x8\): "europe-west4-a" is not in region us-central1/m);
  });

  it("refuses a cluster stack that has no file, is an experiment row, or references another cluster stack", () => {
    const raw = (stack: string) => ({ ...rawStackFileValues("k8s_stack"), cluster: { provider: "stack", stack } });
    expect(refusal(() => parseExperimentConfig(raw("cluster-tpu-v5")))).toMatch(
      /^servelab:cluster.stack: "cluster-tpu-v5": no cluster stack file .*Pulumi\.cluster-tpu-v5\.yaml; cluster stacks: cluster-gke-h100x8, cluster-gke-l4x8, cluster-vke-h20x16-rdma$/,
    );
    expect(refusal(() => parseExperimentConfig(raw("ps_stack")))).toMatch(/"ps_stack" is an experiment row \(it has servelab:model\), not a cluster stack/);
    expect(refusal(() => parseExperimentConfig(raw("cluster-gke-h100x8"), () => ({ provider: "stack", stack: "x" })))).toMatch(
      /servelab:cluster \(cluster stack cluster-gke-h100x8\).provider: "stack": a cluster stack holds a cluster itself/,
    );
    expect(configProblems({ ...rawStackFileValues("k8s_stack"), cluster: { provider: "stack", stack: "a/b/c/d" } })).toEqual([
      'servelab:cluster.stack: "a/b/c/d" is not allowed; must be a stack name such as "cluster-gke-h100x8", or fully qualified "<org>/<project>/<stack>"',
    ].map((l) => expect.stringContaining(l.split(";")[0].split(": ")[0])));
  });

  it("accepts a fully qualified name, reading the file of its last part offline", () => {
    const name = parseClusterStackName("acme/servelab/cluster-gke-h100x8");
    expect(name).toEqual({ ref: "acme/servelab/cluster-gke-h100x8", stack: "cluster-gke-h100x8", qualified: true });
    const config = parseExperimentConfig({ ...rawStackFileValues("k8s_stack"), cluster: { provider: "stack", stack: name.ref } });
    expect(config.clusterStack).toBe("acme/servelab/cluster-gke-h100x8");
    expect(config.cluster.provider).toBe("gke");
  });
});

describe("what a row reads from a cluster stack's outputs", () => {
  const name = parseClusterStackName("cluster-gke-h100x8");
  it("is the cluster stack's servelab:cluster, carried whole (every key, e.g. a later weightsCache, reaches the row)", () => {
    const outputs = plannedClusterStackOutputs("cluster-gke-h100x8");
    expect(Object.keys(outputs).sort()).toEqual(["cluster", "gpuPool", "imageRegistry", "kubeconfig", "placement", "project", "provider", "region", "systemPool"]);
    expect(clusterSectionFromOutputs(name, { ...outputs, cluster: { ...(outputs.cluster as object), futureKey: 1 } })).toMatchObject({ provider: "gke", futureKey: 1 });
    expect(outputs.gpuPool).toMatchObject({ type: "h100", perNode: 8, nodes: 1, machineType: "a3-highgpu-8g", localSsds: 16, allocatable: { cpu: expect.any(Number), memoryGb: expect.any(Number) } });
    expect(outputs.placement).toMatchObject({ gpu: { nodeSelector: { "cloud.google.com/gke-nodepool": "servelab-gpu" } } });
  });

  it("warns when the cluster stack's file was edited after its up (the row runs on what is up)", () => {
    const file = parseClusterStackConfig(rawStackFileValues("cluster-gke-h100x8")).cluster;
    const up = plannedClusterStackOutputs("cluster-gke-h100x8", undefined, "p-1").cluster as typeof file;
    expect(up).toMatchObject({ project: "p-1" });
    expect(clusterStackDrift(name, file, up)).toBeUndefined();
    expect(clusterStackDrift(name, file, { ...up, gpu: { ...(up as any).gpu, nodes: 2 } } as typeof file)).toBe(
      "stacks/Pulumi.cluster-gke-h100x8.yaml differs from what cluster stack cluster-gke-h100x8 was brought up with; this row runs on what is up (its cluster output). Run `pulumi up -s cluster-gke-h100x8` to apply the file",
    );
  });

  it("says the cluster stack is not up, or which output it lacks", () => {
    expect(refusal(() => clusterSectionFromOutputs(name, {}))).toBe(
      'servelab:cluster.stack: "cluster-gke-h100x8" is not up (the stack has no outputs kubeconfig, cluster): run `pulumi up -s cluster-gke-h100x8` first',
    );
    expect(refusal(() => clusterSectionFromOutputs(name, { kubeconfig: "k" }))).toMatch(/"cluster-gke-h100x8" lacks the output cluster: .*run `pulumi up -s cluster-gke-h100x8` first/);
  });
});

describe("a cluster stack's own config", () => {
  it("holds servelab:cluster alone and gets the cluster's rules", () => {
    expect(parseClusterStackConfig(rawStackFileValues("cluster-gke-l4x8")).cluster).toMatchObject({ provider: "gke", gpu: { type: "l4", nodes: 8 } });
    const far = rawStackFileValues("cluster-gke-l4x8");
    far.cluster.gpu.nodes = 100;
    expect(refusal(() => parseClusterStackConfig(far))).toMatch(/^servelab:cluster.gpu.nodes: 100 nodes × 1 l4 = 100 GPUs .*above the limit of 64 GPUs/);
    expect(refusal(() => parseClusterStackConfig({ cluster: { provider: "stack", stack: "cluster-gke-l4x8" } }))).toMatch(/a cluster stack holds a cluster itself/);
  });

  it("a stack with experiment keys but no model is a row missing its model, not a cluster stack", () => {
    const result = checkStackText("config:\n  servelab:cluster:\n    provider: stack\n    stack: cluster-gke-h100x8\n  servelab:engine:\n    replicas: 2\n");
    expect(result).toMatchObject({ accepted: false, lines: ["servelab:model: is required (a cluster stack, which has no model, holds servelab:cluster alone)"] });
  });
});

describe("servelab:cluster.mirrors: what the cluster's location gives its rows", () => {
  const vke = () => rawStackValues("k8s_stack_vke");
  it("derives the row's weights prefix from the model and gives the pip index; the row's own settings win", () => {
    const config = parseExperimentConfig(vke());
    expect(config.model.weights).toEqual({ credentialsSecret: "tos-weights", from: "tos://servelab-models-cn-beijing/meta-llama/Llama-3.1-8B-Instruct/" });
    expect(config.benchmark!.pipIndexUrl).toBe("https://mirrors.ivolces.com/pypi/simple/");
    const own = vke();
    own.model.weights = { hfEndpoint: "https://hf-mirror.example.com" };
    own.benchmark.pipIndexUrl = "https://pypi.example.com/simple/";
    const mine = parseExperimentConfig(own);
    expect(mine.model.weights).toEqual({ hfEndpoint: "https://hf-mirror.example.com" });
    expect(mine.benchmark!.pipIndexUrl).toBe("https://pypi.example.com/simple/");
  });

  it("a Hugging Face mirror when the cluster has no object storage; nothing without mirrors", () => {
    const config = parseExperimentConfig(rawStackValues("k8s_stack"));
    expect(withClusterDefaults(config)).toBe(config);
    const hf = { ...config, cluster: { ...config.cluster, mirrors: { hfEndpoint: "https://hf-mirror.example.com" } } } as typeof config;
    expect(withClusterDefaults(hf).model.weights).toEqual({ hfEndpoint: "https://hf-mirror.example.com" });
  });
});

describe("under Pulumi's mocks", () => {
  let recorder: Recorder;
  /** What the mocked backend answers for a StackReference: the referenced stack's outputs. */
  let referenced: (name: string) => Record<string, unknown>;
  beforeAll(async () => {
    recorder = await recordingMocks("cluster_stack_test", {
      state: (a) =>
        a.type === STACK_REFERENCE
          ? { name: a.inputs.name, outputs: referenced(a.inputs.name), secretOutputNames: ["kubeconfig"] }
          : a.type === "gcp:container/cluster:Cluster"
            ? { ...a.inputs, endpoint: "198.51.100.9", masterAuth: { clusterCaCertificate: "Q0E=" } }
            : a.inputs,
    });
  });
  const useStack = (stack: string, cluster?: unknown) => {
    const { values } = readStackConfig(stack);
    pulumi.runtime.setAllConfig({ ...values, ...(cluster ? { "servelab:cluster": JSON.stringify(cluster) } : {}), "gcp:project": "proj-7" }, []);
  };
  /** Every registration of the previous program has landed, so a slice of `created` is this program's. */
  const settled = () => (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  const since = async () => {
    await settled();
    return recorder.created.length;
  };

  it("a row reads its cluster stack through a StackReference: the Kubernetes provider gets the kubeconfig output, pods the pool's placement", async () => {
    referenced = (name) => ({ ...plannedClusterStackOutputs(name), kubeconfig: "apiVersion: v1\nkind: Config\n# from the cluster stack\n" });
    useStack("k8s_stack");
    const start = await since();
    const outputs = (await servelab()) as Record<string, pulumi.Output<string>>;
    await out(outputs.namespace);
    await settled();
    const mine = recorder.created.slice(start);
    expect(mine.filter((c) => c.type === STACK_REFERENCE).map((c) => c.inputs.name)).toEqual(["cluster-gke-h100x8"]);
    expect(mine.some((c) => c.type.startsWith("gcp:"))).toBe(false);
    const provider = mine.find((c) => c.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs).toHaveProperty("kubeconfig");
    // The cluster outlives the row: an unreachable API server at destroy must fail, not drop the engines from the state.
    expect(provider.inputs).not.toHaveProperty("deleteUnreachable");
    expect(await (outputs.kubeconfig as any).isSecret).toBe(true);
    expect(await out(outputs.kubeconfig)).toContain("# from the cluster stack");
    const deployment = mine.find((c) => c.type === "kubernetes:apps/v1:Deployment")!;
    expect((deployment.inputs as any).spec.template.spec.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "servelab-gpu", "cloud.google.com/gke-accelerator": "nvidia-h100-80gb" });
  });

  it("a fully qualified cluster stack name goes to the StackReference as given", async () => {
    referenced = (name) => plannedClusterStackOutputs(name);
    useStack("k8s_stack", { provider: "stack", stack: "acme/servelab/cluster-gke-h100x8" });
    const start = await since();
    await out(((await servelab()) as Record<string, pulumi.Output<string>>).namespace);
    expect(recorder.created.slice(start).filter((c) => c.type === STACK_REFERENCE).map((c) => c.inputs.name)).toEqual(["acme/servelab/cluster-gke-h100x8"]);
  });

  it("a cluster stack that is not up, or lacks an output, stops the row before anything is declared in the cluster", async () => {
    useStack("k8s_stack");
    referenced = () => ({});
    let start = await since();
    await expect(servelab()).rejects.toThrow(/"cluster-gke-h100x8" is not up .*run `pulumi up -s cluster-gke-h100x8` first/);
    expect(recorder.created.slice(start).map((c) => c.type)).toEqual([STACK_REFERENCE]);
    referenced = () => ({ kubeconfig: "k", provider: "gke" });
    start = await since();
    await expect(servelab()).rejects.toThrow(/lacks the output cluster/);
    expect(recorder.created.slice(start).map((c) => c.type)).toEqual([STACK_REFERENCE]);
  });

  it("checks the row against the cluster that is up: its outputs, not the file, give the facts", async () => {
    const outputs = plannedClusterStackOutputs("cluster-gke-h100x8");
    referenced = () => ({ ...outputs, cluster: { ...(outputs.cluster as object), gpu: { type: "h100", perNode: 4 } } });
    useStack("k8s_stack");
    await expect(servelab()).rejects.toThrow(/servelab:engine.replicas: 8 replicas × tensorParallel 1 = 8 GPUs, but the GPU pool has 4/);
  });

  it("a cluster stack declares the cluster and pools only and exports what rows need", async () => {
    useStack("cluster-gke-h100x8");
    const start = await since();
    const outputs = (await servelab()) as Record<string, unknown>;
    await out(outputs.kubeconfig as pulumi.Output<string>);
    await settled();
    const types = recorder.created.slice(start).map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(["servelab:index:ClusterStack", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool", "pulumi:providers:kubernetes"]));
    expect(types.some((t) => t.startsWith("kubernetes:") || t === STACK_REFERENCE)).toBe(false);
    expect(Object.keys(outputs).sort()).toEqual(["cluster", "gpuPool", "imageRegistry", "kubeconfig", "placement", "project", "provider", "region", "systemPool"]);
    expect(outputs).toMatchObject({ provider: "gke", region: "us-central1", project: "proj-7", cluster: { provider: "gke", project: "proj-7" } });
    expect(await out(outputs.kubeconfig as pulumi.Output<string>)).toContain("server: https://198.51.100.9");
  });
});

it("plans a row whose cluster stack is in another stacks directory only with that file there", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-clusterstack-"));
  writeFileSync(join(dir, "Pulumi.row.yaml"), "config:\n  servelab:cluster: { provider: stack, stack: cluster-x }\n  servelab:model: { source: hf://Qwen/Qwen2.5-0.5B-Instruct }\n");
  await expect(planStack("row", dir)).rejects.toThrow(/"cluster-x": no cluster stack file .*Pulumi\.cluster-x\.yaml; cluster stacks: none/);
  writeFileSync(join(dir, "Pulumi.cluster-x.yaml"), "config:\n  servelab:cluster: { provider: gke, region: us-central1, zones: [us-central1-a], gpu: { type: l4 } }\n");
  const { plan } = await planStack("row", dir);
  expect(plan.gpus).toEqual({ type: "l4", perNode: 1, nodes: 1, total: 1 });
  expect((plan.config as any).clusterStack).toBe("cluster-x");
});
