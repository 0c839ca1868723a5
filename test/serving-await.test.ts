/** How long `pulumi up` and the benchmark wait for engines, and in which order objects are awaited. */
import { beforeAll, describe, expect, it } from "vitest";
import { withReadyBudget } from "../components/benchmark/readyGate";
import { resolveClusterFacts } from "../components/cluster/facts";
import { parseExperimentConfig } from "../components/validate";
import { ENGINE_AWAIT_SLACK_MINUTES, startupBudgetMinutes } from "../components/engine/sizing";
import { planStack } from "../components/plan/planStack";
import { KubeAiStack } from "../components/serving/kubeAiStack";
import { PS_ENGINE_AWAIT_ANNOTATIONS, productionStackStartupMinutes } from "../components/serving/productionStackValues";
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
  it("skip Pulumi's await on the engine Deployment and Service (chart progressDeadlineSeconds 1200 and the 10-minute default)", async () => {
    const { charts } = await planStack("ps_stack");
    const values = parse(charts[0].content).values;
    const spec = values.servingEngineSpec.modelSpec[0];
    expect(spec.annotations).toEqual(PS_ENGINE_AWAIT_ANNOTATIONS);
    expect(spec.serviceAnnotations).toEqual(PS_ENGINE_AWAIT_ANNOTATIONS);
  });

  it("so the benchmark's readiness gate waits with the engines' budget, pinning and slack included", async () => {
    const config = configOf("ps_stack");
    const minutes = productionStackStartupMinutes(config);
    expect(minutes).toBeGreaterThan(startupBudgetMinutes(config.engine, config.model) + ENGINE_AWAIT_SLACK_MINUTES);
    const { manifests } = await planStack("ps_stack");
    const job = manifests.split("\n---\n").map((d) => parse(d)).find((d) => d?.kind === "Job");
    const args: string[] = job.spec.template.spec.containers[0].args;
    expect(Number(args[args.indexOf("--ready-timeout") + 1])).toBe(minutes * 60);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(minutes * 60);
  });

  it("a longer readiness timeout the stack sets itself is kept", () => {
    const b = configOf("ps_stack").benchmark!;
    expect(withReadyBudget({ ...b, readyTimeoutMinutes: 500 }, 90).readyTimeoutMinutes).toBe(500);
    expect(withReadyBudget(b, undefined)).toBe(b);
  });
});
