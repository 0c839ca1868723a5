/** How long `pulumi up` and the benchmark wait for engines, and in which order objects are awaited. */
import { beforeAll, describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { parseExperimentConfig } from "../components/validate";
import { ENGINE_AWAIT_SLACK_MINUTES, startupBudgetMinutes } from "../components/engine/sizing";
import { planStack } from "../components/plan/planStack";
import { KubeAiStack } from "../components/serving/kubeAiStack";
import { ProductionStack } from "../components/serving/productionStack";
import { PS_SERVICE_AWAIT_ANNOTATIONS, productionStackEngineAwait, productionStackStartupMinutes } from "../components/serving/productionStackValues";
import { rawStackValues } from "./helpers/configs";
import { Recorder, out, recordingMocks } from "./helpers/recordingMocks";
import { parse } from "yaml";

let registered: Recorder["registered"];
let created: Recorder["created"];
beforeAll(async () => {
  ({ registered, created } = await recordingMocks("serving_await"));
});

const configOf = (row: string) => parseExperimentConfig(rawStackValues(row));

describe("KubeAI", () => {
  it("creates the vllm-direct Service after the Model is ready (its endpoint await is 10 minutes)", async () => {
    const config = configOf("kubeai_k8s_service_8b_l4");
    const facts = resolveClusterFacts(config.cluster).facts!;
    const stack = new KubeAiStack("ks", { config, facts, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [] } });
    await out(stack.directService!.urn);
    expect(registered.get("ks-direct")!.dependencies).toContain("ks-model");
  });

  it("gives the Model's wait the engines' budget plus the slack for GPU nodes and image pulls", async () => {
    const config = configOf("kubeai_least_load_8b_l4");
    const facts = resolveClusterFacts(config.cluster).facts!;
    const stack = new KubeAiStack("kl", { config, facts, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [] } });
    await out(stack.model.urn);
    const model = created.find((c) => c.name === "kl-model")!.inputs as any;
    const expected = (startupBudgetMinutes(config.engine, config.model) + ENGINE_AWAIT_SLACK_MINUTES) * 60;
    expect(model.metadata.annotations["pulumi.com/timeoutSeconds"]).toBe(String(expected));
  });
});

describe("production-stack engines rendered by the chart", () => {
  it("the component's readiness is the chart, whose engine Deployment Pulumi awaits (runs first: planStack below swaps the mocks)", async () => {
    const config = configOf("ps_stack");
    const facts = resolveClusterFacts(config.cluster).facts!;
    const stack = new ProductionStack("ps", { config, facts, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [] } });
    await out(stack.chart.urn);
    expect(stack.ready).toEqual([stack.chart]);
  });

  it("Pulumi awaits every engine replica through the chart's Deployment annotations (waitFor replaces the built-in await and the chart's 1200 s progress deadline)", async () => {
    const config = configOf("ps_stack");
    const { charts } = await planStack("ps_stack");
    const values = parse(charts[0].content).values;
    const spec = values.servingEngineSpec.modelSpec[0];
    expect(spec.annotations).toEqual({
      "pulumi.com/waitFor": `jsonpath={.status.readyReplicas}=${config.engine.replicas}`,
      "pulumi.com/timeoutSeconds": String(productionStackStartupMinutes(config) * 60),
    });
    expect(spec.annotations["pulumi.com/skipAwait"]).toBeUndefined();
    expect(spec.serviceAnnotations).toEqual(PS_SERVICE_AWAIT_ANNOTATIONS);
  });

  it("the wait covers the engines' budget, pinning the LMCache buffer and the slack for nodes and pulls", () => {
    const config = configOf("ps_stack");
    const minutes = productionStackStartupMinutes(config);
    expect(minutes).toBeGreaterThan(startupBudgetMinutes(config.engine, config.model) + ENGINE_AWAIT_SLACK_MINUTES);
    expect(productionStackEngineAwait(config)["pulumi.com/timeoutSeconds"]).toBe(String(minutes * 60));
    const two = configOf("ps_stack");
    two.engine.replicas = 2;
    expect(productionStackEngineAwait(two)["pulumi.com/waitFor"]).toBe("jsonpath={.status.readyReplicas}=2");
  });

  it("so the benchmark Job starts after all engines are ready, not after the first one answers its readiness gate", async () => {
    const config = configOf("ps_stack");
    const { manifests } = await planStack("ps_stack");
    const job = manifests.split("\n---\n").map((d) => parse(d)).find((d) => d?.kind === "Job");
    const args: string[] = job.spec.template.spec.containers[0].args;
    expect(Number(args[args.indexOf("--ready-timeout") + 1])).toBe(config.benchmark!.readyTimeoutMinutes * 60);
  });
});
