/** Whole experiments with a results bucket, planned offline like a stack file: the Job's identity, env and outputs. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { planStack } from "../components/plan/planStack";
import { validateK8sObject } from "./helpers/k8sSchema";

const STACKS = resolve(__dirname, "fixtures/stacks");

async function planned(stack: string) {
  const result = await planStack(stack, STACKS);
  const docs = parseAllDocuments(result.manifests).map((d) => d.toJS());
  const job = docs.find((d) => d.kind === "Job");
  const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  return { ...result, docs, job, env };
}

describe("results_gcs: GKE writing into a GCS bucket it creates", () => {
  it("gives the Job's ServiceAccount the writer's Workload Identity and no key", async () => {
    const { docs, job, env, resources, plan } = await planned("results_gcs");
    for (const doc of docs) expect(validateK8sObject(doc), `${doc.kind}/${doc.metadata.name}`).toBeFalsy();
    const account = resources.find((r) => r.type === "gcp:serviceaccount/account:Account")!.inputs as any;
    const ksa = docs.find((d) => d.kind === "ServiceAccount" && d.metadata.name === "benchmark");
    expect(ksa.metadata.annotations).toEqual({ "iam.gke.io/gcp-service-account": `${account.accountId}@your-gcp-project.iam.gserviceaccount.com` });
    expect(job.spec.template.spec.serviceAccountName).toBe("benchmark");
    expect(env.SERVELAB_RESULTS_BUCKET).toBe("gs://servelab-lab-results/runs");
    expect(Object.keys(env).filter((k) => k.startsWith("AWS_"))).toEqual([]);
    expect(docs.find((d) => d.kind === "Secret" && d.metadata.name === "results-writer-key")).toBeUndefined();
    const member = resources.find((r) => r.type === "gcp:serviceaccount/iAMMember:IAMMember")!.inputs as any;
    expect(member.member).toBe("serviceAccount:your-gcp-project.svc.id.goog[results-gcs/benchmark]");
    const bucket = resources.find((r) => r.type === "gcp:storage/bucket:Bucket")!.inputs as any;
    expect(bucket).toMatchObject({ name: "servelab-lab-results", location: "US-CENTRAL1", publicAccessPrevention: "enforced" });
    expect(plan.outputs.resultsLocation).toBe("gs://servelab-lab-results/runs/results_gcs/");
  });

  it("runs on a cluster where Workload Identity works: the project's workload pool, and the GKE metadata server on both pools", async () => {
    const { resources } = await planned("results_gcs");
    const cluster = resources.find((r) => r.type === "gcp:container/cluster:Cluster")!.inputs as any;
    expect(cluster.workloadIdentityConfig).toEqual({ workloadPool: "your-gcp-project.svc.id.goog" });
    const pools = resources.filter((r) => r.type === "gcp:container/nodePool:NodePool").map((r) => r.inputs as any);
    expect(pools.map((p) => [p.name, p.nodeConfig.workloadMetadataConfig])).toEqual([
      ["servelab-system", { mode: "GKE_METADATA" }],
      ["servelab-gpu", { mode: "GKE_METADATA" }],
    ]);
  });
});

describe("results_s3: an existing cluster writing into an existing S3 bucket", () => {
  it("mounts the put-only key from a Secret whose values never reach the plan", async () => {
    const { docs, env, resources, plan, manifests } = await planned("results_s3");
    for (const doc of docs) expect(validateK8sObject(doc), `${doc.kind}/${doc.metadata.name}`).toBeFalsy();
    const secret = docs.find((d) => d.kind === "Secret" && d.metadata.name === "results-writer-key");
    expect(secret.metadata.namespace).toBe("results-s3");
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: "results-writer-key", key: "AWS_ACCESS_KEY_ID" } });
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: "results-writer-key", key: "AWS_SECRET_ACCESS_KEY" } });
    expect(env.AWS_DEFAULT_REGION).toBe("us-east-1");
    expect(resources.map((r) => r.type)).not.toContain("aws:s3/bucket:Bucket");
    const ksa = docs.find((d) => d.kind === "ServiceAccount" && d.metadata.name === "benchmark");
    expect(ksa.metadata.annotations).toBeUndefined();
    // The mock access key's id is "<resource name>-id"; neither it nor the secret key may appear in plan files.
    expect(resources.some((r) => r.name === "servelab-results-key")).toBe(true);
    expect(JSON.stringify(plan) + manifests).not.toContain("servelab-results-key-id");
    expect(secret.stringData).toEqual({ AWS_ACCESS_KEY_ID: "[secret]", AWS_SECRET_ACCESS_KEY: "[secret]" });
    expect(JSON.stringify(plan) + manifests).not.toContain("plan-only-secret-key");
  });
});

describe("results_tos: a GKE experiment writing into a TOS bucket it creates", () => {
  it("declares the Volcengine bucket and put-only user, and points the Job at TOS's public S3 endpoint", async () => {
    const { docs, env, resources } = await planned("results_tos");
    for (const doc of docs) expect(validateK8sObject(doc), `${doc.kind}/${doc.metadata.name}`).toBeFalsy();
    expect(resources.filter((r) => r.type.startsWith("volcengine:")).map((r) => r.type).sort()).toEqual([
      "volcengine:iam/accessKey:AccessKey",
      "volcengine:iam/policy:Policy",
      "volcengine:iam/user:User",
      "volcengine:iam/userPolicyAttachment:UserPolicyAttachment",
      "volcengine:tos/bucket:Bucket",
    ]);
    expect(env).toMatchObject({
      SERVELAB_RESULTS_BUCKET: "tos://servelab-lab-results",
      SERVELAB_S3_ENDPOINT: "https://tos-s3-cn-beijing.volces.com",
      SERVELAB_S3_ADDRESSING_STYLE: "virtual",
      AWS_DEFAULT_REGION: "cn-beijing",
    });
    expect(docs.find((d) => d.kind === "Secret" && d.metadata.name === "results-writer-key").stringData).toEqual({ AWS_ACCESS_KEY_ID: "[secret]", AWS_SECRET_ACCESS_KEY: "[secret]" });
  });
});
