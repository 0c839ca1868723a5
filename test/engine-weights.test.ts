/** servelab:model.weights: a Hugging Face mirror, or object storage copied to the node before vLLM starts. */
import { describe, expect, it } from "vitest";
import { resolveClusterFacts } from "../components/cluster/facts";
import { engineManifestInput } from "../components/engine/input";
import { engineDeployment } from "../components/engine/manifests";
import { startupBudgetMinutes } from "../components/engine/sizing";
import { LOCAL_WEIGHTS_DIR } from "../components/engine/weights";
import { parseExperimentConfig } from "../components/validate";
import { configProblems, rawStackValues } from "./helpers/configs";

function deployment(mutate: (raw: Record<string, any>) => void) {
  const raw = rawStackValues("k8s_stack_vke");
  mutate(raw);
  const config = parseExperimentConfig(raw);
  const facts = resolveClusterFacts(config.cluster).facts!;
  const input = engineManifestInput({ config, facts, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [] } }, { name: "e", service: { name: "e", port: 8000 } });
  return { config, dep: engineDeployment(input) as any };
}

describe("model.weights", () => {
  it("object storage: an init container copies tos:// through TOS's S3 endpoint in the region, and vLLM loads the copy", () => {
    const { dep } = deployment((raw) => {
      raw.model.weights = { from: "tos://my-models/llama-3.1-8b-instruct/", credentialsSecret: "tos-credential" };
    });
    const pod = dep.spec.template.spec;
    const [copy] = pod.initContainers;
    expect(copy.name).toBe("copy-weights");
    expect(copy.image).toBe("servelab-cn-beijing.cr.volces.com/mirror/amazon/aws-cli:2.27.0");
    expect(copy.command[2]).toBe(
      "aws configure set default.s3.addressing_style virtual && exec 'aws' 's3' 'sync' '--only-show-errors' 's3://my-models/llama-3.1-8b-instruct' '/models/weights' '--endpoint-url' 'https://tos-s3-cn-beijing.ivolces.com'",
    );
    // aws-cli >= 2.23 sends and checks CRC checksums by default, which S3-compatible stores have refused.
    expect(copy.env).toEqual([
      { name: "AWS_DEFAULT_REGION", value: "cn-beijing" },
      { name: "AWS_REQUEST_CHECKSUM_CALCULATION", value: "when_required" },
      { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", value: "when_required" },
    ]);
    expect(copy.envFrom).toEqual([{ secretRef: { name: "tos-credential" } }]);
    expect(copy.volumeMounts).toEqual([{ name: "model-cache", mountPath: "/models" }]);
    const args: string[] = pod.containers[0].args;
    expect(args[args.indexOf("--model") + 1]).toBe(LOCAL_WEIGHTS_DIR);
    expect(pod.containers[0].env.map((e: any) => e.name)).not.toContain("HF_ENDPOINT");
  });

  it("s3:// on AWS itself keeps the CLI's checksums; an S3-compatible endpoint opts out like TOS", () => {
    const env = (weights: object) => {
      const { dep } = deployment((raw) => {
        raw.model.weights = weights;
      });
      return dep.spec.template.spec.initContainers[0].env.map((e: any) => e.name);
    };
    expect(env({ from: "s3://my-models/llama", region: "us-east-1" })).toEqual(["AWS_DEFAULT_REGION"]);
    expect(env({ from: "s3://my-models/llama", region: "us-east-1", endpoint: "https://minio.lab.example:9000" })).toEqual([
      "AWS_DEFAULT_REGION", "AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION",
    ]);
  });

  it("a Hugging Face mirror: HF_ENDPOINT on the engine, the repository id stays the model", () => {
    const { dep } = deployment((raw) => {
      raw.model.weights = { hfEndpoint: "https://hf-mirror.example.com" };
    });
    // (the row itself copies from TOS; this replaces that source)
    const c = dep.spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: "HF_ENDPOINT", value: "https://hf-mirror.example.com" });
    expect(c.args[c.args.indexOf("--model") + 1]).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(dep.spec.template.spec.initContainers).toBeUndefined();
  });

  it("the startup budget follows the source", () => {
    const budget = (weights?: object) => {
      const raw = rawStackValues("k8s_stack_vke");
      delete raw.cluster.mirrors; // the row's own weights, not the cluster's default
      raw.model.weights = weights;
      const config = parseExperimentConfig(raw);
      return startupBudgetMinutes(config.engine, config.model);
    };
    expect(budget({ from: "tos://b-1/m/" })).toBeLessThan(budget());
    expect(budget({ hfEndpoint: "https://hf-mirror.example.com" })).toBe(budget());
  });

  it("refuses two sources, copy settings without a copy, and routers whose engines servelab does not start", () => {
    const problems = (weights: object, mutate?: (raw: Record<string, any>) => void) => {
      const raw = rawStackValues("k8s_stack_vke");
      delete raw.cluster.mirrors; // the row's own weights, not the cluster's default
      raw.model.weights = weights;
      mutate?.(raw);
      return configProblems(raw).join("\n");
    };
    expect(problems({ hfEndpoint: "https://h.example.com", from: "s3://b-1/m" })).toMatch(/model.weights: sets both hfEndpoint and from/);
    expect(problems({ credentialsSecret: "x" })).toMatch(/model.weights.credentialsSecret: applies only with weights.from/);
    expect(problems({ from: "ftp://b/m" })).toMatch(/model.weights.from: must be an object-storage prefix/);
    expect(problems({ from: "s3://b-1/m" })).toBe("");
  });
});
