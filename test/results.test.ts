/** Results buckets as pure decisions: where the Job writes, what each cloud creates, and that every grant is put-only on the stack's prefix. */
import { describe, expect, it } from "vitest";
import { benchmarkJob, benchmarkServiceAccount } from "../components/benchmark/jobManifest";
import { parseExperimentConfig } from "../components/validate";
import { ExperimentConfig } from "../components/config/schema";
import { KEY_SECRET, keyEnv } from "../components/results/access";
import { GCS_WRITER_ROLE, gcsBucketArgs, gcsPrefixCondition, gcsWriterAccountId, workloadIdentityMember } from "../components/results/gcsSpec";
import { S3_ENCRYPTION_RULES, S3_OWNERSHIP_RULE, S3_PUBLIC_ACCESS_BLOCK, s3BucketArgs, s3PutOnlyPolicy, s3WriterUserName } from "../components/results/s3Spec";
import { ResultsSpec, parseBucketUrl, resultsLocation, resultsSpec } from "../components/results/spec";
import { tosBucketArgs, tosPutOnlyPolicy, tosWriterName } from "../components/results/tosSpec";
import { minimalRaw } from "./helpers/configs";

/** Results need a benchmark Job to write them. */
const BENCHMARK = { harness: "vllm-bench", points: [{ requestRate: 4 }] };

const withResults = (results: Record<string, unknown>): ExperimentConfig => parseExperimentConfig({ ...minimalRaw(), benchmark: BENCHMARK, results });
/** A VKE cluster as the vke branch will parse it; resultsSpec compares cluster.provider as a string. */
const onVke = (results: Record<string, unknown>): ExperimentConfig => ({ ...withResults({}), cluster: { provider: "vke", region: "cn-beijing" } as any, results });
const spec = (config: ExperimentConfig, stack = "k8s_stack"): ResultsSpec => resultsSpec(config, stack)!;

describe("resultsSpec", () => {
  it("has nothing to do without a bucket", () => {
    expect(resultsSpec(withResults({}), "k8s_stack")).toBeUndefined();
  });

  it("splits the URL and scopes writes to <prefix>/<stack>", () => {
    expect(parseBucketUrl("gs://lab-results/servelab/x/")).toEqual({ store: "gcs", scheme: "gs", bucket: "lab-results", prefix: "servelab/x" });
    expect(parseBucketUrl("azure://x")).toBeUndefined();
    expect(spec(withResults({ bucket: "gs://lab-results/servelab/" }))).toMatchObject({ bucket: "lab-results", objectPrefix: "servelab/k8s_stack", create: false, destroyResults: false });
    expect(spec(withResults({ bucket: "gs://lab-results" })).objectPrefix).toBe("k8s_stack");
    expect(resultsLocation("gs://lab-results/servelab/", "k8s_stack")).toBe("gs://lab-results/servelab/k8s_stack/");
  });

  it("creates a GCS bucket in the GKE cluster's region unless told a location", () => {
    expect(spec(withResults({ bucket: "gs://lab-results", create: true })).location).toBe("US-CENTRAL1");
    expect(spec(withResults({ bucket: "gs://lab-results", create: true, location: "us" })).location).toBe("US");
    expect(spec(withResults({ bucket: "gs://lab-results" })).location).toBeUndefined();
  });

  it("reaches TOS through the VPC-internal S3 endpoint on VKE and the public one elsewhere", () => {
    expect(spec(onVke({ bucket: "tos://lab-results" }))).toMatchObject({ store: "tos", region: "cn-beijing", endpoint: "https://tos-s3-cn-beijing.ivolces.com" });
    expect(spec(withResults({ bucket: "tos://lab-results", region: "cn-shanghai" }))).toMatchObject({ region: "cn-shanghai", endpoint: "https://tos-s3-cn-shanghai.volces.com" });
    expect(spec(withResults({ bucket: "tos://lab-results", region: "cn-shanghai", endpoint: "https://tos-s3-cn-shanghai.ivolces.com" })).endpoint).toBe("https://tos-s3-cn-shanghai.ivolces.com");
  });

  it("uses AWS's endpoint for S3 unless given one", () => {
    expect(spec(withResults({ bucket: "s3://lab-results", region: "eu-west-1" }))).toMatchObject({ store: "s3", region: "eu-west-1", endpoint: undefined });
  });
});

describe("GCS on GKE", () => {
  const gcs = spec(withResults({ bucket: "gs://lab-results/servelab", create: true }));

  it("creates a private bucket with uniform access that destroy may not empty", () => {
    expect(gcsBucketArgs(gcs, "proj-1", "k8s_stack")).toEqual({
      name: "lab-results",
      project: "proj-1",
      location: "US-CENTRAL1",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: false,
      labels: { "servelab-created-by": "k8s_stack" },
    });
    expect(gcsBucketArgs(spec(withResults({ bucket: "gs://lab-results", create: true, destroyResults: true })), "proj-1", "k8s_stack").forceDestroy).toBe(true);
  });

  it("grants object create only, and only under the stack's prefix", () => {
    expect(GCS_WRITER_ROLE).toBe("roles/storage.objectCreator");
    expect(gcsPrefixCondition(gcs).expression).toBe('resource.name.startsWith("projects/_/buckets/lab-results/objects/servelab/k8s_stack/")');
  });

  it("names one Google service account per stack within GCP's limits, impersonated by the Job's Kubernetes ServiceAccount", () => {
    const long = "kubeai_prefix_hash_70b_h100_with_a_much_longer_suffix";
    for (const stack of ["k8s_stack", long, `${long}_2`, "a"]) expect(gcsWriterAccountId(stack)).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    expect(gcsWriterAccountId(long)).not.toBe(gcsWriterAccountId(`${long}_2`));
    expect(workloadIdentityMember("proj-1", "k8s-stack", "benchmark")).toBe("serviceAccount:proj-1.svc.id.goog[k8s-stack/benchmark]");
  });
});

describe("S3", () => {
  const s3 = spec(withResults({ bucket: "s3://lab-results/servelab", region: "us-east-1", create: true }));

  it("lets the key put objects under the stack's prefix and do nothing else", () => {
    expect(s3PutOnlyPolicy(s3)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "ServelabResultsPutOnly", Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::lab-results/servelab/k8s_stack/*"] }],
    });
    const china = spec(withResults({ bucket: "s3://lab-results", region: "cn-north-1" }));
    expect(s3PutOnlyPolicy(china).Statement[0].Resource).toEqual(["arn:aws-cn:s3:::lab-results/k8s_stack/*"]);
  });

  it("creates a bucket nobody can make public, with ACLs off and SSE-S3, kept on destroy unless destroyResults", () => {
    expect(s3BucketArgs(s3, "k8s_stack")).toEqual({ bucket: "lab-results", region: "us-east-1", forceDestroy: false, tags: { "servelab-created-by": "k8s_stack" } });
    expect(Object.values(S3_PUBLIC_ACCESS_BLOCK)).toEqual([true, true, true, true]);
    expect(S3_OWNERSHIP_RULE).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(S3_ENCRYPTION_RULES).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
  });

  it("names one IAM user per stack within IAM's limits", () => {
    const name = s3WriterUserName("kubeai_prefix_hash_70b_h100_with_a_much_longer_suffix_and_more_and_more");
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^servelab-results-kubeai-prefix-hash-[a-z0-9-]+-[0-9a-f]{6}$/);
  });

  it("hands the Job its key from the Secret and AWS's own endpoint", () => {
    expect(keyEnv(s3)).toEqual([
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: KEY_SECRET, key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: KEY_SECRET, key: "AWS_SECRET_ACCESS_KEY" } } },
      { name: "AWS_DEFAULT_REGION", value: "us-east-1" },
    ]);
  });
});

describe("TOS", () => {
  const tos = spec(onVke({ bucket: "tos://lab-results/servelab", create: true }));

  it("lets the key put objects under the stack's prefix and do nothing else", () => {
    expect(tosPutOnlyPolicy(tos)).toEqual({ Statement: [{ Effect: "Allow", Action: ["tos:PutObject"], Resource: ["trn:tos:::lab-results/servelab/k8s_stack/*"] }] });
  });

  it("creates a private bucket", () => {
    expect(tosBucketArgs(tos, "k8s_stack")).toEqual({ bucketName: "lab-results", publicAcl: "private", storageClass: "STANDARD", tags: [{ key: "servelab-created-by", value: "k8s_stack" }] });
    expect(tosWriterName("k8s_stack")).toMatch(/^servelab-results-k8s-stack-[0-9a-f]{6}$/);
  });

  it("hands the Job its key, region and the TOS endpoint with virtual-hosted addressing", () => {
    const env = Object.fromEntries(keyEnv(tos).map((e) => [e.name, e.value ?? (e.valueFrom as any).secretKeyRef.key]));
    expect(env).toEqual({
      AWS_ACCESS_KEY_ID: "AWS_ACCESS_KEY_ID",
      AWS_SECRET_ACCESS_KEY: "AWS_SECRET_ACCESS_KEY",
      AWS_DEFAULT_REGION: "cn-beijing",
      SERVELAB_S3_ENDPOINT: "https://tos-s3-cn-beijing.ivolces.com",
      SERVELAB_S3_ADDRESSING_STYLE: "virtual",
      AWS_REQUEST_CHECKSUM_CALCULATION: "when_required",
      AWS_RESPONSE_CHECKSUM_VALIDATION: "when_required",
    });
  });
});

describe("the benchmark Job with results access", () => {
  const base = {
    namespace: "k8s-stack",
    labels: { app: "x" },
    experiment: "k8s_stack",
    run: { harness: "h", image: "python:3.12", command: ["python3"], scripts: [], args: [], env: {}, points: [], timeoutSeconds: 600 },
    placement: { nodeSelector: {}, tolerations: [] },
    cpu: 1,
    memory: "1Gi",
    baseUrl: "http://x/v1",
    servedModel: "m",
    scriptsSha256: "0",
    bucket: "gs://lab-results",
  };

  it("renders the access's ServiceAccount annotations, env and token mount, and nothing without it", () => {
    const access = { serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": "w@p.iam.gserviceaccount.com" }, automountServiceAccountToken: true, env: [{ name: "A", value: "1" }], dependsOn: [] };
    expect(benchmarkServiceAccount({ ...base, resultsAccess: access }).metadata!).toMatchObject({ annotations: access.serviceAccountAnnotations });
    const pod = (benchmarkJob({ ...base, resultsAccess: access }) as any).spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: "SERVELAB_RESULTS_BUCKET", value: "gs://lab-results" }, { name: "A", value: "1" }]));

    expect(benchmarkServiceAccount(base).metadata).not.toHaveProperty("annotations");
    expect((benchmarkJob(base) as any).spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});
