/** The results components under Pulumi's mock runtime: what each store declares, what destroy keeps, what the Job gets. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../components/validate";
import { ExperimentConfig } from "../components/config/schema";
import { createResultsAccess } from "../components/results";
import { ResultsAccess } from "../components/results/access";
import { VOLCENGINE_PROVIDER } from "../components/volcengine/provider";
import { Recorder, out, recordingMocks } from "./helpers/recordingMocks";
import { minimalRaw } from "./helpers/configs";

/** Results need a benchmark Job to write them. */
const BENCHMARK = { harness: "vllm-bench", points: [{ requestRate: 4 }] };

let created: Recorder["created"];
let registered: Recorder["registered"];

beforeAll(async () => {
  ({ created, registered } = await recordingMocks("results_test", {
    config: { "gcp:project": "proj-1" },
    state: (a) =>
      a.type === "volcengine:iam/accessKey:AccessKey" ? { ...a.inputs, accessKeyId: "AKLT-test", secretAccessKey: "tos-secret" }
      : a.type === "aws:iam/accessKey:AccessKey" ? { ...a.inputs, secret: "aws-secret" }
      : a.inputs,
    id: (a) => (a.type === "aws:iam/accessKey:AccessKey" ? "AKIA-test" : `${a.name}-id`),
  }));
});

const provider = new k8s.Provider("k8s", { kubeconfig: "~/.kube/config" });

async function build(name: string, config: ExperimentConfig): Promise<{ access: ResultsAccess; mine: pulumi.runtime.MockResourceArgs[] }> {
  const access = createResultsAccess(name, { stack: "k8s_stack", config, namespace: "k8s-stack", labels: { app: "results" }, serviceAccount: "benchmark" }, { providers: [provider] })!;
  await Promise.all(access.dependsOn.map((r) => out(r.urn)));
  await (pulumi.runtime as any).waitForRPCs?.();
  return { access, mine: created.filter((c) => c.name === name || c.name.startsWith(`${name}-`)) };
}

/** Under mocks a secret input arrives wrapped in Pulumi's secret signature; unwrap it, failing when it is not secret. */
function secretValue(input: any): unknown {
  expect(input?.["4dabf18193072939515e22adb298388d"], "a Pulumi secret").toBe("1b47061264138c4ac30d75fd1eb44270");
  return input.value;
}

const withResults = (results: Record<string, unknown>) => parseExperimentConfig({ ...minimalRaw(), benchmark: BENCHMARK, results });
const onKubeconfig = (results: Record<string, unknown>) =>
  parseExperimentConfig({ ...minimalRaw(), benchmark: BENCHMARK, cluster: { provider: "kubeconfig", kubeconfig: "~/.kube/lab", gpu: { type: "a100-80gb", perNode: 8 } }, results });

describe("GCS results on GKE", () => {
  it("creates the bucket (kept on destroy), a writer service account, Workload Identity and an object-create grant on the prefix", async () => {
    const { access, mine } = await build("gcs", withResults({ bucket: "gs://lab-results/servelab", create: true }));
    const byType = (t: string) => mine.filter((c) => c.type === t).map((c) => c.inputs);
    expect(byType("gcp:storage/bucket:Bucket")).toEqual([expect.objectContaining({ name: "lab-results", publicAccessPrevention: "enforced", uniformBucketLevelAccess: true, forceDestroy: false })]);
    expect(registered.get("gcs-bucket")!.retainOnDelete).toBe(true);
    const [account] = byType("gcp:serviceaccount/account:Account");
    const email = `${account.accountId}@proj-1.iam.gserviceaccount.com`;
    expect(byType("gcp:serviceaccount/iAMMember:IAMMember")).toEqual([
      { serviceAccountId: `projects/proj-1/serviceAccounts/${email}`, role: "roles/iam.workloadIdentityUser", member: "serviceAccount:proj-1.svc.id.goog[k8s-stack/benchmark]" },
    ]);
    expect(byType("gcp:storage/bucketIAMMember:BucketIAMMember")).toEqual([
      expect.objectContaining({ bucket: "lab-results", role: "roles/storage.objectCreator", member: `serviceAccount:${email}`, condition: expect.objectContaining({ expression: expect.stringContaining("/objects/servelab/k8s_stack/") }) }),
    ]);
    expect(access).toMatchObject({ serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": email }, env: [], automountServiceAccountToken: true });
    expect(mine.map((c) => c.type)).not.toContain("kubernetes:core/v1:Secret");
  });

  it("with an existing bucket makes only the identity and the grant; destroyResults lets destroy delete a created bucket", async () => {
    const { mine } = await build("gcs-existing", withResults({ bucket: "gs://shared-results" }));
    expect(mine.map((c) => c.type).sort()).toEqual(["gcp:serviceaccount/account:Account", "gcp:serviceaccount/iAMMember:IAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember", "servelab:results:GcsResults"]);
    const { mine: owned } = await build("gcs-owned", withResults({ bucket: "gs://scratch-results", create: true, destroyResults: true }));
    expect(owned.find((c) => c.type === "gcp:storage/bucket:Bucket")!.inputs.forceDestroy).toBe(true);
    expect(registered.get("gcs-owned-bucket")!.retainOnDelete).toBe(false);
  });
});

describe("S3 results", () => {
  it("creates a locked-down bucket (kept on destroy), a put-only IAM user and its key as a Kubernetes Secret", async () => {
    const { access, mine } = await build("s3", onKubeconfig({ bucket: "s3://lab-results/servelab", region: "us-east-1", create: true }));
    const one = (t: string) => mine.find((c) => c.type === t)!.inputs;
    expect(one("aws:s3/bucket:Bucket")).toMatchObject({ bucket: "lab-results", region: "us-east-1", forceDestroy: false });
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    for (const name of ["s3-bucket", "s3-public-access-block", "s3-ownership", "s3-encryption"]) expect(registered.get(name)!.retainOnDelete, name).toBe(true);
    expect(JSON.parse(one("aws:iam/userPolicy:UserPolicy").policy as string).Statement).toEqual([
      { Sid: "ServelabResultsPutOnly", Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::lab-results/servelab/k8s_stack/*"] },
    ]);
    const secret = one("kubernetes:core/v1:Secret") as any;
    expect(secret.metadata).toMatchObject({ name: "results-writer-key", namespace: "k8s-stack" });
    expect(secretValue(secret.stringData)).toEqual({ AWS_ACCESS_KEY_ID: "AKIA-test", AWS_SECRET_ACCESS_KEY: "aws-secret" });
    expect(access.env.map((e) => e.name)).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"]);
    expect(access.serviceAccountAnnotations).toEqual({});
  });

  it("with an existing bucket makes only the user, its policy, its key and the Secret", async () => {
    const { mine } = await build("s3-existing", onKubeconfig({ bucket: "s3://shared-results", region: "eu-west-1" }));
    expect(mine.map((c) => c.type).sort()).toEqual([
      "aws:iam/accessKey:AccessKey", "aws:iam/user:User", "aws:iam/userPolicy:UserPolicy", "kubernetes:core/v1:Secret", "servelab:results:S3Results",
    ]);
  });
});

describe("TOS results", () => {
  it("creates a private bucket (always kept), a put-only IAM user and its key through the pinned Volcengine plugin", async () => {
    const { access, mine } = await build("tos", withResults({ bucket: "tos://lab-results/servelab", region: "cn-beijing", create: true }));
    const one = (t: string) => mine.find((c) => c.type === t)!.inputs;
    expect(one("volcengine:tos/bucket:Bucket")).toMatchObject({ bucketName: "lab-results", publicAcl: "private" });
    expect(registered.get("tos-bucket")!.retainOnDelete).toBe(true);
    const policy = one("volcengine:iam/policy:Policy");
    expect(JSON.parse(policy.policyDocument as string)).toEqual({ Statement: [{ Effect: "Allow", Action: ["tos:PutObject"], Resource: ["trn:tos:::lab-results/servelab/k8s_stack/*"] }] });
    const user = one("volcengine:iam/user:User");
    expect(one("volcengine:iam/userPolicyAttachment:UserPolicyAttachment")).toEqual({ userName: user.userName, policyName: policy.policyName, policyType: "Custom" });
    expect(one("volcengine:iam/accessKey:AccessKey")).toMatchObject({ userName: user.userName, status: "active" });
    for (const c of mine.filter((r) => r.type.startsWith("volcengine:"))) {
      expect(registered.get(c.name), c.type).toMatchObject({ version: VOLCENGINE_PROVIDER.version, pluginDownloadURL: VOLCENGINE_PROVIDER.pluginDownloadURL });
      // On a provider of servelab's own in results.region, not the default provider's volcengine:region.
      expect(registered.get(c.name)!.provider, c.type).toMatch(/pulumi:providers:volcengine::tos-volcengine::/);
    }
    expect(created.find((c) => c.type === "pulumi:providers:volcengine" && c.name === "tos-volcengine")!.inputs).toMatchObject({ region: "cn-beijing" });
    expect(registered.get("tos-volcengine")).toMatchObject({ version: VOLCENGINE_PROVIDER.version, pluginDownloadURL: VOLCENGINE_PROVIDER.pluginDownloadURL });
    expect(secretValue((one("kubernetes:core/v1:Secret") as any).stringData)).toEqual({ AWS_ACCESS_KEY_ID: "AKLT-test", AWS_SECRET_ACCESS_KEY: "tos-secret" });
    expect(access.env).toContainEqual({ name: "SERVELAB_S3_ENDPOINT", value: "https://tos-s3-cn-beijing.volces.com" });
  });
});
