/**
 * What the benchmark Job needs to write its results, whatever the store: the Job stays cloud-agnostic
 * and only renders these into its ServiceAccount and container (benchmark/jobManifest.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResultsSpec } from "./spec";

export interface ResultsAccess {
  /** Annotations on the Job's ServiceAccount (GKE Workload Identity). */
  serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
  /** Whether the Job's pod mounts its ServiceAccount token. */
  automountServiceAccountToken: boolean;
  /** Extra container env: the key from its Secret, region, endpoint, client settings. */
  env: k8s.types.input.core.v1.EnvVar[];
  /** Grants and Secrets the Job must not start before. */
  dependsOn: pulumi.Resource[];
}

/** The Kubernetes Secret holding a store's write-only key; its keys are the env names boto3 reads. */
export const KEY_SECRET = "results-writer-key";
export const KEY_ID_ENV = "AWS_ACCESS_KEY_ID";
export const KEY_SECRET_ENV = "AWS_SECRET_ACCESS_KEY";

export function keySecret(
  namespace: pulumi.Input<string>,
  labels: Record<string, string>,
  keyId: pulumi.Input<string>,
  secretKey: pulumi.Input<string>,
): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: KEY_SECRET, namespace, labels },
    type: "Opaque",
    stringData: { [KEY_ID_ENV]: keyId, [KEY_SECRET_ENV]: secretKey },
  };
}

/**
 * Container env for an S3-API upload with a key from KEY_SECRET (servelab_common.upload_results reads
 * it through boto3). TOS takes virtual-hosted requests only (BytePlus TOS docs, S3 compatibility), and botocore since
 * 1.36 adds CRC checksums to every PutObject unless told "when_required", which S3-compatible stores
 * other than AWS have rejected; TOS's acceptance of them is unverified, so the TOS Job opts out.
 */
export function keyEnv(spec: ResultsSpec): k8s.types.input.core.v1.EnvVar[] {
  const fromSecret = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: KEY_SECRET, key: name } } });
  const env: k8s.types.input.core.v1.EnvVar[] = [fromSecret(KEY_ID_ENV), fromSecret(KEY_SECRET_ENV)];
  if (spec.region) env.push({ name: "AWS_DEFAULT_REGION", value: spec.region });
  if (spec.endpoint) env.push({ name: "SERVELAB_S3_ENDPOINT", value: spec.endpoint });
  if (spec.store === "tos") {
    env.push(
      { name: "SERVELAB_S3_ADDRESSING_STYLE", value: "virtual" },
      { name: "AWS_REQUEST_CHECKSUM_CALCULATION", value: "when_required" },
      { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", value: "when_required" },
    );
  }
  return env;
}

/** What the key-based stores (S3, TOS) take: the destination and where the key Secret goes. */
export interface KeyResultsArgs {
  spec: ResultsSpec;
  stack: string;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
}

/**
 * The write-only key as a Kubernetes Secret (`<name>-key-secret`, child of `parent`) and the access the Job
 * gets from it; the Job starts only after `grants` and the Secret exist.
 */
export function keyResultsAccess(
  name: string,
  parent: pulumi.Resource,
  args: KeyResultsArgs,
  key: { id: pulumi.Input<string>; secret: pulumi.Input<string> },
  grants: pulumi.Resource[],
): ResultsAccess {
  const secret = new k8s.core.v1.Secret(`${name}-key-secret`, keySecret(args.namespace, args.labels, key.id, pulumi.secret(key.secret)), { parent });
  return { serviceAccountAnnotations: {}, automountServiceAccountToken: false, env: keyEnv(args.spec), dependsOn: [...grants, secret] };
}
