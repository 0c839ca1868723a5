/** Where each router's engine pods are (components/serving/enginePods.ts), checked against what the stacks render. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../components/validate";
import { enginePods } from "../components/serving/enginePods";
import { kubeAiDirectServiceManifest } from "../components/serving/kubeAiSpec";
import { productionStackRelease } from "../components/serving/productionStackValues";
import { dnsName } from "../components/util/labels";
import { rawStackValues } from "./helpers/configs";

const labelsOf = (selector: string) => Object.fromEntries(selector.split(",").map((kv) => kv.split("=")));
const configOf = (stack: string) => parseExperimentConfig(rawStackValues(stack));

function goldenDeployment(stack: string, name: string): any {
  const docs = parseAllDocuments(readFileSync(join(__dirname, "golden", stack, "manifests.yaml"), "utf8")).map((d) => d.toJS());
  return docs.find((d) => d?.kind === "Deployment" && d.metadata?.name === name);
}

describe("enginePods", () => {
  it.each([
    ["k8s_stack", "vllm"],
    ["aibrix_naive", "llama3-1-8b"],
  ])("%s: selects the pods of servelab's own engine Deployment and its vllm container", (stack, deployment) => {
    const pods = enginePods(configOf(stack), dnsName(stack));
    const template = goldenDeployment(stack, deployment).spec.template;
    expect(template.metadata.labels).toMatchObject(labelsOf(pods.selector));
    expect(template.spec.containers.map((c: { name: string }) => c.name)).toContain(pods.container);
  });

  it("KubeAI: the operator's labels of the Model's pods (the same the vllm-direct Service selects) and its 'server' container", () => {
    const config = configOf("kubeai_k8s_service_8b_l4");
    const pods = enginePods(config, "ns");
    expect(labelsOf(pods.selector)).toEqual(kubeAiDirectServiceManifest(config, "ns", {}).spec.selector);
    expect(pods.container).toBe("server");
  });

  it("production-stack: the chart's model and helm-release-name pod labels of this release", () => {
    const pods = enginePods(configOf("ps_stack"), "ps-stack");
    expect(labelsOf(pods.selector)).toEqual({ model: "llm", "helm-release-name": productionStackRelease("ps-stack") });
    expect(pods.container).toBe("vllm");
  });
});
