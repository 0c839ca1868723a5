/**
 * Stack outputs are all-or-nothing (@pulumi/pulumi runtime/stack.js Stack.initialize registers them only
 * once every one has resolved), so none may wait for the benchmark Job or the engines: after a failed Job
 * the matrix runner still needs kubeconfig, namespace and benchmarkJobName to read the log, and the engine
 * outputs to read an engine's start-up.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { servelab } from "../components/program";
import { readStackConfig } from "../components/plan/stackFile";
import { STACK_REFERENCE } from "../components/plan/mockRun";
import { plannedClusterStackOutputs, stackReferenceState } from "../components/plan/clusterStackMock";

const FAILING = ["kubernetes:batch/v1:Job", "kubernetes:apps/v1:Deployment", "kubernetes:kubeai.org/v1:Model"];

function settled(o: unknown): Promise<"resolved" | "rejected"> {
  const output = pulumi.output(o as pulumi.Input<unknown>);
  return Promise.race([
    (output as any).promise().then(() => "resolved" as const, () => "rejected" as const),
    new Promise<"rejected">((resolve) => setTimeout(() => resolve("rejected"), 5000)),
  ]);
}

describe.each(["k8s_stack", "kubeai_k8s_service_8b_l4"])("%s: outputs while the Job and the engines never finish", (stack) => {
  it("every output still resolves", async () => {
    const { values } = readStackConfig(stack);
    pulumi.runtime.setAllConfig({ ...values, "gcp:project": "p", "servelab:hfToken": "t" }, ["servelab:hfToken"]);
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          // Never completes, as a Job that fails after hours (a rejected registration would also work, but
          // leaves unhandled rejections in the test run).
          if (FAILING.includes(a.type)) return new Promise<never>(() => {});
          if (a.type === STACK_REFERENCE) return { id: a.name, state: stackReferenceState(a.inputs.name, plannedClusterStackOutputs(a.inputs.name)) };
          const state = a.type === "gcp:container/cluster:Cluster" ? { ...a.inputs, endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: "Q0E=" } } : a.inputs;
          return { id: `${a.name}-id`, state };
        },
        call: (a) => a.inputs,
      },
      "servelab",
      stack,
      false,
    );
    const outputs = (await servelab()) as Record<string, unknown>;
    for (const key of ["kubeconfig", "namespace", "baseUrl", "servedModel", "benchmarkJobName", "engineSelector", "engineContainer"] as const) {
      expect(await settled(outputs[key]), key).toBe("resolved");
    }
  });
});
