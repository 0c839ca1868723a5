/** Every stack file plans offline, every object it declares is valid Kubernetes, and its plan is reviewed as a golden file. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { StackPlan, planStack } from "../components/plan/planStack";
import { listStacks } from "../components/plan/stackFile";
import { CLUSTER_STACK_OUTPUTS } from "../components/cluster/clusterStack";
import { rawStackFileValues } from "./helpers/configs";
import { validateK8sObject } from "./helpers/k8sSchema";

const all = listStacks();
/** Cluster stacks (servelab:cluster alone) declare no Kubernetes objects; the experiment rows do. */
const clusterStacks = all.filter((s) => s.startsWith("cluster-"));
const stacks = all.filter((s) => !clusterStacks.includes(s));

/** Server-side-apply patches of objects another tool owns (e.g. AIBrix release objects): partial by design. */
function patchDocs(resources: StackPlan["resources"]): Set<string> {
  return new Set(resources.filter((r) => r.type.endsWith("Patch")).map((r) => docKey(r.inputs)));
}
function docKey(doc: any): string {
  return `${doc.kind}/${doc.metadata?.namespace}/${doc.metadata?.name}`;
}
const plans = new Map<string, StackPlan>();
async function plan(stack: string): Promise<StackPlan> {
  if (!plans.has(stack)) plans.set(stack, await planStack(stack));
  return plans.get(stack)!;
}

describe.each(stacks)("stack %s", (stack) => {
  it("plans, and every Kubernetes object validates against the Kubernetes schema", async () => {
    const { manifests, resources } = await plan(stack);
    const patches = patchDocs(resources);
    const docs = parseAllDocuments(manifests).map((d) => d.toJS());
    expect(docs.length).toBeGreaterThan(0);
    const errors = docs.filter((d) => !patches.has(docKey(d))).map((d) => [`${d.kind}/${d.metadata?.name}`, validateK8sObject(d)]).filter(([, e]) => e);
    expect(errors).toEqual([]);
    for (const doc of docs) {
      expect(doc.metadata.name, `${doc.kind} has a name`).toBeTruthy();
      if (doc.kind !== "Namespace") expect(doc.metadata.namespace, `${doc.kind} ${doc.metadata.name} has a namespace`).toBeTruthy();
    }
  });

  it("gives every pod requests and limits, and places it on the right pool", async () => {
    const { manifests, resources } = await plan(stack);
    const patches = patchDocs(resources);
    for (const doc of parseAllDocuments(manifests).map((d) => d.toJS())) {
      if (patches.has(docKey(doc))) continue;
      const pod = doc.spec?.template?.spec;
      if (!pod) continue;
      for (const c of pod.containers) {
        expect(c.resources?.requests, `${doc.kind} ${c.name} requests`).toBeDefined();
        expect(c.resources?.limits, `${doc.kind} ${c.name} limits`).toBeDefined();
      }
      const usesGpu = pod.containers.some((c: any) => c.resources.limits["nvidia.com/gpu"]);
      if (usesGpu) expect(pod.tolerations).toContainEqual(expect.objectContaining({ key: "nvidia.com/gpu" }));
      else expect(JSON.stringify(pod.tolerations ?? [])).not.toContain("nvidia.com/gpu");
    }
  });

  it("keeps services in the cluster and secrets out of the plan", async () => {
    const { manifests, plan: p } = await plan(stack);
    for (const doc of parseAllDocuments(manifests).map((d) => d.toJS())) {
      if (doc.kind === "Service") expect(doc.spec.type ?? "ClusterIP").toBe("ClusterIP");
    }
    const text = JSON.stringify(p) + manifests;
    expect(text).not.toContain("hf_plan_placeholder");
    expect(text).toContain("[secret]");
  });

  it("gives the benchmark Job the Hugging Face token (clients load gated tokenizers)", async () => {
    const docs = parseAllDocuments((await plan(stack)).manifests).map((d) => d.toJS());
    for (const job of docs.filter((d) => d.kind === "Job")) {
      expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } });
    }
  });

  it("lets the benchmark list pods in its own namespace only (read-only Role), and scrapes the engine pods it selects", async () => {
    const docs = parseAllDocuments((await plan(stack)).manifests).map((d) => d.toJS());
    const job = docs.find((d) => d.kind === "Job");
    if (!job) return;
    const ns = job.metadata.namespace;
    expect(docs.filter((d) => /^Cluster(Role|RoleBinding)$/.test(d.kind) && /benchmark/.test(d.metadata.name))).toEqual([]);
    const role = docs.find((d) => d.kind === "Role" && d.metadata.name === "benchmark-pod-reader");
    expect(role.metadata.namespace).toBe(ns);
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]);
    const binding = docs.find((d) => d.kind === "RoleBinding" && d.metadata.name === "benchmark-pod-reader");
    expect(binding).toMatchObject({ metadata: { namespace: ns }, roleRef: { kind: "Role", name: "benchmark-pod-reader" }, subjects: [{ kind: "ServiceAccount", name: job.spec.template.spec.serviceAccountName, namespace: ns }] });
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(true);
    const args: string[] = job.spec.template.spec.containers[0].args;
    const selector = args[args.indexOf("--scrape-engine-pods") + 1];
    const wanted = Object.fromEntries(selector.split(",").map((t) => t.split("=")));
    // Engine pods servelab renders itself must carry the labels (KubeAI's operator and production-stack's chart make theirs at deploy time).
    const engines = docs.filter((d) => d.kind === "Deployment" && d.spec.template.spec.containers.some((c: any) => c.name === "vllm"));
    const matched = engines.filter((d) => Object.entries(wanted).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v));
    expect(matched.length, `engine pod templates matching ${selector}`).toBe(engines.length);
  });

  it("matches its reviewed plan (update with `npx vitest run -u` and review the diff)", async () => {
    // Locally vitest would write a missing golden file and pass; CI would fail. Fail the same way everywhere,
    // unless the run was asked to write them (-u).
    const update = (expect.getState().snapshotState as unknown as { _updateSnapshot?: string })._updateSnapshot === "all";
    const missing = ["plan.json", "manifests.yaml"].filter((f) => !existsSync(join(__dirname, "golden", stack, f)));
    if (missing.length > 0 && !update) {
      throw new Error(`no golden ${missing.join(" and ")} for stack ${stack}: write them with \`npx vitest run -u test/stacks.test.ts\`, review test/golden/${stack}/ and commit it`);
    }
    const { plan: p, manifests } = await plan(stack);
    await expect(`${JSON.stringify(p, null, 2)}\n`).toMatchFileSnapshot(`./golden/${stack}/plan.json`);
    await expect(manifests).toMatchFileSnapshot(`./golden/${stack}/manifests.yaml`);
  });
});

describe.each(clusterStacks)("cluster stack %s", (stack) => {
  it("plans the cluster and pools alone, exports what rows need, and matches its reviewed plan", async () => {
    const { plan: p, manifests, resources } = await plan(stack);
    expect(p.kind).toBe("cluster");
    expect(Object.keys(p.config)).toEqual(["cluster"]);
    expect(manifests).toBe("");
    expect(resources.some((r) => r.type === "pulumi:pulumi:StackReference" || r.type === "servelab:index:Experiment")).toBe(false);
    expect(Object.keys(p.outputs).sort()).toEqual([...CLUSTER_STACK_OUTPUTS].sort());
    expect(p.outputs.kubeconfig).toBe("[secret]");
    expect(JSON.stringify(p)).not.toContain("hf_plan_placeholder");
    const update = (expect.getState().snapshotState as unknown as { _updateSnapshot?: string })._updateSnapshot === "all";
    if (!existsSync(join(__dirname, "golden", stack, "plan.json")) && !update) {
      throw new Error(`no golden plan.json for cluster stack ${stack}: write it with \`npx vitest run -u test/stacks.test.ts\`, review test/golden/${stack}/ and commit it`);
    }
    await expect(`${JSON.stringify(p, null, 2)}\n`).toMatchFileSnapshot(`./golden/${stack}/plan.json`);
  });

  it("is what its rows run on: each row's cluster facts are the cluster stack's", async () => {
    const rows = stacks.filter((s) => rawStackFileValues(s).cluster?.stack === stack);
    expect(rows.length).toBeGreaterThan(1);
    const cluster = (await plan(stack)).plan;
    for (const row of rows) {
      const p = (await plan(row)).plan as any;
      expect(p.config.clusterStack, row).toBe(stack);
      expect(p.config.cluster, row).toEqual(cluster.config.cluster);
      expect(p.gpus, row).toEqual(cluster.gpus);
      expect(p.estimate.usdPerHour, row).toBe(cluster.estimate.usdPerHour);
      expect(p.resources.find((r: any) => r.type === "pulumi:pulumi:StackReference").inputs, row).toEqual({ name: stack });
    }
  });
});

describe("k8s_stack reproduces AIBrix v0.3.0 regression row 1", () => {
  it("runs on one a3-highgpu-8g node with GKE's driver, tainted, beside a CPU system pool (its cluster stack's)", async () => {
    const { resources } = await plan("cluster-gke-h100x8");
    const pools = resources.filter((r) => r.type === "gcp:container/nodePool:NodePool").map((r) => r.inputs as any);
    const gpu = pools.find((p) => p.name === "servelab-gpu");
    expect(gpu.nodeCount).toBe(1);
    expect(gpu.nodeConfig.machineType).toBe("a3-highgpu-8g");
    expect(gpu.nodeConfig.guestAccelerators).toEqual([{ type: "nvidia-h100-80gb", count: 8, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } }]);
    expect(gpu.nodeConfig.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
    expect(gpu.nodeConfig.ephemeralStorageLocalSsdConfig).toEqual({ localSsdCount: 16 });
    expect(pools.find((p) => p.name === "servelab-system").nodeConfig.machineType).toBe("e2-standard-8");
    const cluster = resources.find((r) => r.type === "gcp:container/cluster:Cluster")!.inputs as any;
    expect(cluster).toMatchObject({ deletionProtection: false, removeDefaultNodePool: true, location: "us-central1-a" });
    expect(cluster.workloadIdentityConfig.workloadPool).toBe("your-gcp-project.svc.id.goog");
    expect(cluster.addonsConfig.gcsFuseCsiDriverConfig).toEqual({ enabled: true });
  });

  it("serves 8 vLLM v0.8.5 replicas × TP1 with the row's flags behind a ClusterIP Service", async () => {
    const docs = parseAllDocuments((await plan("k8s_stack")).manifests).map((d) => d.toJS());
    const deployment = docs.find((d) => d.kind === "Deployment");
    expect(deployment.spec.replicas).toBe(8);
    const c = deployment.spec.template.spec.containers[0];
    expect(c.image).toBe("vllm/vllm-openai:v0.8.5");
    const args: string[] = c.args;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    // The model from the cluster stack's weights cache, served under its Hugging Face name.
    expect(flag("--model")).toBe("/weights-cache/meta-llama--Llama-3.1-8B-Instruct--main");
    expect(flag("--served-model-name")).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(deployment.spec.template.spec.initContainers.map((i: any) => i.name)).toEqual(["weights-cache"]);
    expect(flag("--max-model-len")).toBe("32000");
    expect(flag("--tensor-parallel-size")).toBe("1");
    expect(args).toEqual(expect.arrayContaining(["--enable-prefix-caching", "--no-enable-chunked-prefill", "--disable-log-requests"]));
    expect(c.resources.limits).toEqual({ cpu: "10", memory: "150Gi", "nvidia.com/gpu": "1" });
    expect(c.env).toContainEqual({ name: "VLLM_RPC_TIMEOUT", value: "1000000" });
    expect(c.env).toContainEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } });
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThan(600);
    const service = docs.find((d) => d.kind === "Service");
    expect(service.metadata.name).toBe("vllm-engine-service");
    expect(service.spec.ports[0].port).toBe(80);
  });

  it("sweeps multi-round-qa over QPS 0.1…4.1 step 0.4 with run.sh's workload, on the CPU pool", async () => {
    const docs = parseAllDocuments((await plan("k8s_stack")).manifests).map((d) => d.toJS());
    const job = docs.find((d) => d.kind === "Job");
    const pod = job.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "servelab-system" });
    const args: string[] = pod.containers[0].args;
    const qps = args.slice(args.indexOf("--qps") + 1);
    expect(qps).toEqual(["0.1", "0.5", "0.9", "1.3", "1.7", "2.1", "2.5", "2.9", "3.3", "3.7", "4.1"]);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect([flag("--users"), flag("--rounds"), flag("--system-prompt-tokens"), flag("--history-tokens"), flag("--answer-tokens"), flag("--seconds-per-point")]).toEqual(["320", "10", "1000", "20000", "100", "100"]);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(11 * 110 + 200);
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.SERVELAB_BASE_URL).toBe("http://vllm-engine-service.k8s-stack.svc.cluster.local/v1");
    expect(env.SERVELAB_MODEL).toBe("meta-llama/Llama-3.1-8B-Instruct");
  });

  it("prints its GPUs and an hourly cost", async () => {
    const { plan: p } = await plan("k8s_stack");
    expect(p.gpus).toEqual({ type: "h100", perNode: 8, nodes: 1, total: 8 });
    expect(p.estimate.usdPerHour).toBeGreaterThan(80);
    expect(p.estimate.usdPerHour).toBeLessThan(100);
  });
});

it("plan.json keeps the charts and remote files lists even when empty", async () => {
  const { charts, remote } = await plan("k8s_stack");
  expect(charts).toEqual([]);
  expect(remote).toEqual([]);
  expect(parse("a: 1")).toEqual({ a: 1 });
});

describe("k8s_stack_vke is k8s_stack on Volcengine VKE", () => {
  it("differs from k8s_stack only in servelab:cluster and the mainland mirror keys its cluster stack gives (model.weights, benchmark.pipIndexUrl)", async () => {
    const [gke, vke] = await Promise.all([plan("k8s_stack"), plan("k8s_stack_vke")]);
    const { cluster: _g, clusterStack: _gs, ...gkeRest } = structuredClone(gke.plan.config) as any;
    const { cluster: _v, clusterStack: _vs, ...vkeRest } = structuredClone(vke.plan.config) as any;
    expect(vkeRest.model.weights.from).toMatch(/^tos:\/\//);
    expect(vkeRest.benchmark.pipIndexUrl).toMatch(/^https:\/\//);
    expect(gkeRest.model.weights).toBeUndefined();
    expect(gkeRest.benchmark.pipIndexUrl).toBeUndefined();
    delete vkeRest.model.weights;
    delete vkeRest.benchmark.pipIndexUrl;
    expect(vkeRest).toEqual(gkeRest);
  });

  it("its cluster stack creates a VKE cluster with two 8 x H20 nodes, the device plugin, and a provider pinned to pulumi-volcengine 0.0.47", async () => {
    const { resources, plan: p } = await plan("cluster-vke-h20x16-rdma");
    const provider = resources.find((r) => r.type === "pulumi:providers:volcengine")!;
    expect(provider.inputs).toMatchObject({ region: "cn-beijing" });
    const pools = resources.filter((r) => r.type === "volcengine:vke/nodePool:NodePool").map((r) => r.inputs as any);
    const gpu = pools.find((x) => x.name === "servelab-gpu");
    expect(gpu.nodeConfig.instanceTypeIds).toEqual(["ecs.ebmhpcpni3l.48xlarge"]);
    expect(gpu.autoScaling).toMatchObject({ desiredReplicas: 2 });
    expect(resources.filter((r) => r.type === "volcengine:vke/addon:Addon").map((r) => (r.inputs as any).name)).toEqual(["nvidia-device-plugin"]);
    expect(p.gpus).toEqual({ type: "h20", perNode: 8, nodes: 2, total: 16 });
    expect(p.estimate.usdPerHour).toBeNull();
    const k8sProvider = resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    expect(k8sProvider.inputs.kubeconfig).toBe("[secret]");
  });

  it("puts the engines on the GPU pool by servelab's pool label and pulls every image through the mirror", async () => {
    const docs = parseAllDocuments((await plan("k8s_stack_vke")).manifests).map((d) => d.toJS());
    const deployment = docs.find((d) => d.kind === "Deployment");
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ "servelab.dev/pool": "gpu", "machine.cluster.vke.volcengine.com/gpu-name": "NVIDIA-H20-SXM5-96GB" });
    expect(deployment.spec.template.spec.containers[0].image).toBe("servelab-cn-beijing.cr.volces.com/mirror/vllm/vllm-openai:v0.8.5");
    const job = docs.find((d) => d.kind === "Job");
    expect(job.spec.template.spec.nodeSelector).toEqual({ "servelab.dev/pool": "system" });
    expect(job.spec.template.spec.containers[0].image).toMatch(/^servelab-cn-beijing\.cr\.volces\.com\/mirror\/python:/);
  });
});
