/**
 * Rehearsals of every row, generated from the list of rows (a rehearsal file per row in a temporary stacks folder
 * beside copies of the rows): each rehearsable row's rehearsal plans, validates, runs no GPU anywhere, runs the
 * simulator with arguments from the row's engine spec, and differs from the row's plan (its reviewed golden files)
 * only in the documented ways;
 * the others are refused with the reason.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { OFFLINE_TOKENIZER_DIR } from "../components/benchmark/harness";
import { harnessRun } from "../components/benchmark/harnesses";
import { INFERENCE_SIM } from "../components/catalog/versions";
import { ConfigError } from "../components/config/problems";
import { ExperimentConfig, rehearsalSchema } from "../components/config/schema";
import { renderSimulatorSpec } from "../components/engine/simulator";
import { chartFiles, remoteManifests } from "../components/plan/planFiles";
import { StackPlan, planStack } from "../components/plan/planStack";
import { STACKS_DIR, StackFileError, listStacks, readStackConfig, stackFilePath } from "../components/plan/stackFile";
import { REHEARSAL_DIFFERENCES, composeRehearsal, rehearsalConfig } from "../components/rehearsal/compose";
import { aibrixReleaseFiles, aibrixVersion } from "../components/serving/aibrixSpec";
import { dnsName } from "../components/util/labels";
import { validateK8sObject } from "./helpers/k8sSchema";

const stacks = listStacks();
/** The experiment rows (a cluster stack runs nothing to rehearse). */
const rows = stacks.filter((s) => !s.startsWith("cluster-"));
const dir = mkdtempSync(join(tmpdir(), "sl-rehearsal-"));
for (const stack of stacks) copyFileSync(stackFilePath(stack), stackFilePath(stack, dir));

const KIND = { provider: "kubeconfig", kubeconfig: "~/.kube/config", context: "kind-servelab" };
const rehearsalName = (row: string) => `rehearse-${row}`;
for (const row of rows) {
  writeFileSync(stackFilePath(rehearsalName(row), dir), `config:\n  servelab:rehearsal: ${JSON.stringify({ row })}\n  servelab:cluster: ${JSON.stringify(KIND)}\n`);
}

/** Rows whose router or KV tier cannot run the simulator, or whose harness downloads its data: the reason each gives. */
const REFUSED: Record<string, RegExp> = {
  ps_stack: /production-stack.*fixed command/,
  aibrix_kvcache_dram: /AIBrix L1 DRAM tier is AIBrix's KV-cache vLLM build/,
  aibrix_kvcache_external: /InfiniStore tier needs RDMA/,
  kubeai_k8s_service_8b_l4: /KubeAI 0.22.1 .* not its command/,
  kubeai_least_load_8b_l4: /KubeAI 0.22.1 .* not its command/,
  kubeai_prefix_hash_8b_l4: /KubeAI 0.22.1 .* not its command/,
  kubeai_least_load_70b_h100: /KubeAI 0.22.1 .* not its command.*also .*kubeai-chat-k6 .*ShareGPT/,
  kubeai_prefix_hash_70b_h100: /KubeAI 0.22.1 .* not its command.*also .*kubeai-chat-k6 .*ShareGPT/,
};
const rehearsable = rows.filter((r) => !REFUSED[r]);

const plans = new Map<string, Promise<StackPlan>>();
/**
 * A rehearsal's plan, or a row's reviewed plan: its golden files (test/stacks.test.ts keeps them equal to the row's
 * plan), so the rows are not planned a second time here.
 */
const plan = (stack: string): Promise<StackPlan> => {
  if (!plans.has(stack)) {
    if (rows.includes(stack)) {
      const golden = join(__dirname, "golden", stack);
      const reviewed = JSON.parse(readFileSync(join(golden, "plan.json"), "utf8"));
      const resources = reviewed.resources;
      plans.set(stack, Promise.resolve({ plan: reviewed, resources, manifests: readFileSync(join(golden, "manifests.yaml"), "utf8"), charts: chartFiles(resources), remote: remoteManifests(resources), tree: "", warnings: [] }));
    } else {
      plans.set(stack, planStack(stack, dir));
    }
  }
  return plans.get(stack)!;
};

type Doc = Record<string, any>;
const docs = (p: StackPlan): Doc[] => parseAllDocuments(p.manifests).map((d) => d.toJS());
const key = (d: Doc) => `${d.kind}/${d.metadata?.namespace ?? ""}/${d.metadata?.name}`;
const isEngine = (d: Doc) => d.kind === "Deployment" && d.spec.template.spec.containers.some((c: Doc) => c.name === "vllm");

/** The row's names in a rehearsal's text: the stack name appears in labels, the namespace and result names. */
function asRow(text: string, row: string): string {
  return text.split(rehearsalName(row)).join(row).split(dnsName(rehearsalName(row))).join(dnsName(row));
}

/**
 * An object with the fields a rehearsal may change removed (compose.ts REHEARSAL_DIFFERENCES): the engines' image,
 * arguments, env, resources, startup budget, placement, weights init containers, the weights cache's volume and
 * tensor-parallel /dev/shm; the
 * Job's arguments, deadline, resources, placement and Hugging Face env; the llm-d picker's metric names.
 */
function withoutDocumentedDifferences(d: Doc, imageRegistry?: string): Doc {
  const o = structuredClone(d);
  const pod = o.spec?.template?.spec;
  // Images come through the rehearsal cluster's imageRegistry (none here), not the row's.
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    if (imageRegistry && typeof c.image === "string") c.image = c.image.replace(`${imageRegistry}/`, "");
  }
  if (isEngine(o)) {
    delete o.spec.progressDeadlineSeconds;
    delete pod.nodeSelector;
    delete pod.tolerations;
    delete pod.initContainers;
    pod.volumes = pod.volumes.filter((v: Doc) => !["dshm", "weights-cache"].includes(v.name));
    for (const c of pod.containers) {
      for (const field of ["image", "args", "env", "resources"]) delete c[field];
      delete c.startupProbe.failureThreshold;
      c.volumeMounts = c.volumeMounts.filter((m: Doc) => !["dshm", "weights-cache"].includes(m.name));
    }
  }
  if (o.kind === "ConfigMap" && o.data?.["offline_tokenizer.py"]) delete o.data["offline_tokenizer.py"];
  if (o.kind === "Job") {
    delete o.spec.activeDeadlineSeconds;
    // The hash of the scripts ConfigMap, which is compared itself above.
    delete o.spec.template.metadata.annotations["servelab.dev/scripts-sha256"];
    delete pod.nodeSelector;
    delete pod.tolerations;
    for (const c of pod.containers) {
      delete c.args;
      delete c.resources;
      if (c.command[1] === "/servelab/offline_tokenizer.py") c.command = c.command.slice(4);
      c.env = c.env.filter((e: Doc) => !["HF_TOKEN", "HF_ENDPOINT"].includes(e.name));
    }
  }
  return o;
}

function chartValues(p: StackPlan): Record<string, Doc> {
  return Object.fromEntries(
    p.charts.map((c) => {
      const chart = parse(c.content);
      delete chart.values?.router?.epp?.pluginsCustomConfig;
      delete chart.values?.router?.epp?.affinity;
      delete chart.values?.router?.epp?.tolerations;
      return [c.release, chart];
    }),
  );
}

/** CPU and GiB a container asks the scheduler for (its limits where it sets no requests, as Kubernetes defaults them). */
function containerRequests(c: Doc): [number, number] {
  const r = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  const cpu = r.cpu === undefined ? 0 : String(r.cpu).endsWith("m") ? parseFloat(r.cpu) / 1000 : Number(r.cpu);
  const unit = /^([\d.]+)(Ki|Mi|Gi)?$/.exec(String(r.memory ?? "0"))!;
  const gib = parseFloat(unit[1]) / { Ki: 2 ** 20, Mi: 2 ** 10, Gi: 1 }[unit[2] ?? "Gi"]!;
  return [cpu, unit[2] ? gib : parseFloat(unit[1]) / 2 ** 30];
}
function podRequests(objects: Doc[]): [number, number] {
  let [cpu, gib] = [0, 0];
  for (const d of objects) {
    const pod = ["Deployment", "StatefulSet", "Job"].includes(d.kind) ? d.spec.template.spec : undefined;
    if (!pod) continue;
    for (const c of pod.containers) {
      const [c1, m1] = containerRequests(c);
      cpu += c1 * (d.spec.replicas ?? 1);
      gib += m1 * (d.spec.replicas ?? 1);
    }
  }
  return [cpu, gib];
}
/**
 * The Envoy data plane Envoy Gateway creates for an EnvoyProxy of the release: its envoyDeployment patch's containers,
 * at Envoy Gateway's default requests where the patch sets none (envoy 100m/512Mi, shutdown-manager 10m/32Mi:
 * envoyproxy/gateway@v1.2.8:api/v1alpha1/shared_types.go Default*ResourceRequests). servelab's own EnvoyProxy of the
 * same name sets only the Service type; the release's, applied over it, keeps the rest.
 */
const ENVOY_DEFAULT_REQUESTS: Record<string, Doc> = { envoy: { cpu: "100m", memory: "512Mi" }, "shutdown-manager": { cpu: "10m", memory: "32Mi" } };
function envoyDataPlane(objs: Doc[]): Doc[] {
  return objs
    .filter((o) => o.kind === "EnvoyProxy")
    .map((o) => {
      const deployment = o.spec?.provider?.kubernetes?.envoyDeployment ?? {};
      const patched: Doc[] = deployment.patch?.value?.spec?.template?.spec?.containers ?? [];
      const containers = Object.entries(ENVOY_DEFAULT_REQUESTS).map(([name, requests]) => {
        const resources = patched.find((c) => c.name === name)?.resources;
        return { name, resources: resources?.requests || resources?.limits ? resources : { requests } };
      });
      return { kind: "Deployment", spec: { replicas: deployment.replicas ?? 1, template: { spec: { containers } } } };
    });
}

/** What a rehearsal asks the node for: servelab's pods, the llm-d chart's picker and Envoy, the AIBrix release's pods. */
function rehearsalRequests(p: StackPlan): [number, number] {
  const config = p.plan.config as ExperimentConfig;
  let [cpu, gib] = podRequests(docs(p));
  const add = ([c, m]: [number, number]) => ((cpu += c), (gib += m));
  for (const c of p.charts) {
    const router = parse(c.content).values?.router;
    for (const part of [router?.epp, router?.proxy]) if (part?.resources) add(containerRequests(part));
  }
  if (config.router.kind === "aibrix") {
    for (const file of aibrixReleaseFiles(aibrixVersion(config.router))) add(podRequests([...(file.objs as Doc[]), ...envoyDataPlane(file.objs as Doc[])]));
  }
  return [Math.round(cpu * 100) / 100, Math.round(gib * 10) / 10];
}

it("the README gives what each rehearsable row's rehearsal requests of a laptop's node", async () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  const table = /\| rows \| rehearsal \|[\s\S]*?\n\n/.exec(readme)![0];
  for (const row of rehearsable) {
    const [cpu, gib] = rehearsalRequests(await plan(rehearsalName(row)));
    const line = table.split("\n").find((l) => l.includes(`\`${row}\``))!;
    expect(line, row).toContain(`${cpu} CPUs, ${gib} GiB`);
  }
});

describe.each(rehearsable)("rehearsal of %s", (row) => {
  it("plans, every object validates, and no pod asks for, tolerates or selects a GPU node", async () => {
    const p = await plan(rehearsalName(row));
    expect(p.plan.gpus.total).toBe(0);
    const objects = docs(p).filter((d) => !p.resources.some((r) => r.type.endsWith("Patch") && key(r.inputs as Doc) === key(d)));
    expect(objects.map((d) => [key(d), validateK8sObject(d)]).filter(([, e]) => e)).toEqual([]);
    const everything = p.manifests + p.charts.map((c) => c.content).join("\n");
    expect(everything).not.toMatch(/nvidia\.com\/gpu|gke-accelerator|gpu-name|servelab-gpu|servelab\.dev\/pool/);
    for (const d of objects) {
      const pod = d.spec?.template?.spec;
      if (!pod) continue;
      for (const c of pod.containers) expect(Number(c.resources.requests.cpu), `${key(d)} ${c.name} cpu`).toBeLessThanOrEqual(2);
    }
  });

  it("exports the context it deploys through, so the matrix reads the Job's log from the same cluster", async () => {
    const p = await plan(rehearsalName(row));
    expect(p.plan.outputs).toMatchObject({ kubeconfig: "[secret]", kubeContext: KIND.context });
  });

  it("runs llm-d's simulator with arguments from the row's engine spec, and nothing that downloads weights", async () => {
    const [p, rowPlan] = await Promise.all([plan(rehearsalName(row)), plan(row)]);
    const config = rowPlan.plan.config as ExperimentConfig;
    const engines = docs(p).filter(isEngine);
    expect(engines).toHaveLength(1);
    const pod = engines[0].spec.template.spec;
    const sim = pod.containers.find((c: Doc) => c.name === "vllm");
    expect(sim.image).toBe(INFERENCE_SIM.image);
    expect(sim.args).toEqual(renderSimulatorSpec(config.model, config.engine, {}).args);
    const arg = (flag: string) => sim.args[sim.args.indexOf(flag) + 1];
    expect(arg("--served-model-name")).toBe(rowPlan.plan.outputs.servedModel);
    if (config.engine.maxModelLen) expect(arg("--max-model-len")).toBe(String(config.engine.maxModelLen));
    expect(sim.args.includes("--enable-kvcache")).toBe(config.engine.prefixCaching);
    expect(sim.args).toContain("--force-dummy-tokenizer");
    expect(engines[0].spec.replicas).toBe(config.engine.replicas);
    expect(pod.initContainers).toBeUndefined();
    expect(JSON.stringify(sim.env)).not.toMatch(/HF_TOKEN|HF_ENDPOINT/);
    expect(p.manifests).not.toMatch(/kind: Secret\n(.*\n){0,9}\s+name: hf-token/);
  });

  it("runs the row's own harness with its load scaled, through the same driver, with a tokenizer that needs no download", async () => {
    const [p, rowPlan] = await Promise.all([plan(rehearsalName(row)), plan(row)]);
    const config = rowPlan.plan.config as ExperimentConfig;
    const composed = rehearsalConfig(config, rehearsalSchema.parse({ row }), KIND as any);
    const job = (q: StackPlan) => docs(q).find((d) => d.kind === "Job")!.spec.template.spec.containers[0];
    const run = harnessRun(composed.benchmark!, { experiment: rehearsalName(row), tokenizer: "unused", offlineTokenizer: OFFLINE_TOKENIZER_DIR });
    expect(job(p).command).toEqual(run.command);
    expect(job(p).command.slice(-job(rowPlan).command.length)).toEqual(job(rowPlan).command);
    // The driver's own arguments, after the evidence scrape's (the same engine pods; the record names the simulator).
    expect(job(p).args.slice(-run.args.length)).toEqual(run.args);
    expect(job(p).args.slice(0, -run.args.length)).toContain(`engineImage=${INFERENCE_SIM.image}`);
    const scrapeSelector = (q: StackPlan) => job(q).args[job(q).args.indexOf("--scrape-engine-pods") + 1];
    expect(scrapeSelector(p)).toBe(scrapeSelector(rowPlan));
    // The load generator's own arguments name nothing to download (sonnet's fallback URL is the driver's, used only when the image lacks sonnet.txt).
    expect(job(p).args.slice(job(p).args.indexOf("--")).join(" ")).not.toMatch(/https?:|meta-llama\/|neuralmagic\//i);
    const loadsTokenizer = job(rowPlan).args.includes("--tokenizer");
    if (loadsTokenizer) expect(job(p).args[job(p).args.indexOf("--tokenizer") + 1]).toBe(OFFLINE_TOKENIZER_DIR);
    // The driver starts after offline_tokenizer.py has written that folder, exactly when the load generator loads a tokenizer.
    expect(job(p).command.slice(0, 4)).toEqual(loadsTokenizer ? ["python3", "/servelab/offline_tokenizer.py", OFFLINE_TOKENIZER_DIR, "--"] : job(rowPlan).command.slice(0, 4));
  });

  it("declares the same objects and charts as the row, apart from the documented differences", async () => {
    const [p, rowPlan] = await Promise.all([plan(rehearsalName(row)), plan(row)]);
    const rowSecrets = ["hf-token", (rowPlan.plan.config as ExperimentConfig).model.weights?.credentialsSecret];
    const rowDocs = docs(rowPlan).filter((d) => !(d.kind === "Secret" && rowSecrets.includes(d.metadata.name)));
    const rehearsalDocs = docs(p).map((d) => parse(asRow(JSON.stringify(d), row)) as Doc);
    // The same objects; their order in manifests.yaml is the order the program's outputs resolved in.
    expect(rehearsalDocs.map(key).sort()).toEqual(rowDocs.map(key).sort());
    const byKey = new Map(rehearsalDocs.map((d) => [key(d), d]));
    const registry = rowPlan.plan.config.cluster.imageRegistry;
    for (const d of rowDocs) expect(withoutDocumentedDifferences(byKey.get(key(d))!), key(d)).toEqual(withoutDocumentedDifferences(d, registry));
    expect(parse(asRow(JSON.stringify(chartValues(p)), row))).toEqual(chartValues(rowPlan));
    expect(p.remote).toEqual(rowPlan.remote);
  });
});

describe("the README's rehearsal section", () => {
  it("lists exactly the differences the plan diff allows", () => {
    const readme = readFileSync(join(__dirname, "../README.md"), "utf8");
    for (const difference of REHEARSAL_DIFFERENCES) expect(readme).toContain(`- ${difference}\n`);
  });
});

describe("rehearsals that cannot run the simulator", () => {
  it("refuses llm-d's precise-prefix-cache mode: the simulator publishes no KV events servelab wires", () => {
    const fixtures = join(__dirname, "fixtures/stacks");
    const raw = { rehearsal: { row: "llmd_precise" }, cluster: KIND };
    expect(() => composeRehearsal(raw, (r) => readStackConfig(r, fixtures).values, fixtures)).toThrow(/routing precise-prefix-cache needs KV-cache events/);
  });

  it("covers exactly the rows whose router, KV tier or harness cannot be rehearsed", () => {
    expect(Object.keys(REFUSED).every((r) => rows.includes(r))).toBe(true);
  });

  it.each(Object.entries(REFUSED))("refuses %s with the reason", async (row, reason) => {
    const err = await planStack(rehearsalName(row), dir).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((q) => q.path)).toEqual(["servelab:rehearsal.row"]);
    expect((err as ConfigError).message).toMatch(reason);
  });
});

describe("composeRehearsal", () => {
  const rowValues = (row: string) => {
    if (row === "nope") throw new StackFileError(`no stack file ${row}`);
    return Object.fromEntries(Object.entries(parse(readFileSync(stackFilePath(row, STACKS_DIR), "utf8")).config).map(([k, v]) => [k, JSON.stringify(v)]));
  };
  const problems = (raw: Record<string, unknown>) => {
    try {
      composeRehearsal(raw, rowValues);
      return [];
    } catch (err) {
      return (err as ConfigError).problems.map((q) => `${q.path}: ${q.message}`);
    }
  };

  it("takes every other setting from the row: a rehearsal that sets one is refused, naming the key", () => {
    expect(problems({ rehearsal: { row: "k8s_stack" }, cluster: KIND, engine: { replicas: 1 } })).toEqual([
      "servelab:engine: a rehearsal sets only servelab:rehearsal and servelab:cluster; every other setting comes from its row (servelab:rehearsal.row): remove it here",
    ]);
  });

  it("refuses an unknown row, a cluster that is not a kubeconfig, and a load scale outside (0, 1]", () => {
    expect(problems({ rehearsal: { row: "nope" }, cluster: KIND })).toEqual(["servelab:rehearsal.row: no stack file nope"]);
    expect(problems({ rehearsal: { row: "k8s_stack", loadScale: 2 }, cluster: { provider: "gke", region: "us-central1" } })).toEqual([
      "servelab:rehearsal.loadScale: must be at most 1, got 2",
      'servelab:cluster.provider: "gke": a rehearsal runs on an existing cluster (kind, minikube) reached through a kubeconfig: provider must be kubeconfig, e.g. { provider: kubeconfig, kubeconfig: ~/.kube/config, context: kind-servelab }',
    ]);
    expect(problems({ rehearsal: { row: "k8s_stack" } })[0]).toMatch(/^servelab:cluster: is required/);
  });

  it("scales counts and durations by loadScale and keeps the row's rates", () => {
    const { config, row } = composeRehearsal({ rehearsal: { row: "k8s_stack", loadScale: 0.1 }, cluster: KIND }, rowValues);
    const [b, r] = [config.benchmark as any, row.benchmark as any];
    expect([b.users, b.secondsPerPoint, b.pauseSeconds, b.warmupSeconds]).toEqual([32, 10, 1, 20]);
    expect([r.users, r.secondsPerPoint, r.pauseSeconds, r.warmupSeconds]).toEqual([320, 100, 10, 200]);
    expect(b.qps).toEqual(r.qps);
    expect(config.engine).toEqual(row.engine);
    expect(config.results).toEqual({});
  });

  it("keeps the row's package index unless the rehearsal names another or drops it", () => {
    const index = (extra: object) => (composeRehearsal({ rehearsal: { row: "k8s_stack_vke", ...extra }, cluster: KIND }, rowValues).config.benchmark as any).pipIndexUrl;
    expect([index({}), index({ pipIndexUrl: "pypi" }), index({ pipIndexUrl: "https://pypi.example.com/simple/" })]).toEqual([
      "https://mirrors.ivolces.com/pypi/simple/",
      undefined,
      "https://pypi.example.com/simple/",
    ]);
  });
});
