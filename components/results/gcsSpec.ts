/**
 * GCS results bucket on GKE as pure values: the bucket (private, uniform access), a Google service
 * account per stack that the Job's Kubernetes ServiceAccount impersonates through Workload Identity,
 * and one bucket grant that can only create objects under <prefix>/<stack>/.
 */
import type * as gcp from "@pulumi/gcp";
import { ResultsSpec, identityName } from "./spec";

/**
 * storage.objects.create (plus multipart/managed-folder create) and nothing else: no get, list or
 * delete. google-cloud-storage's upload_from_filename of a new object needs only create; overwriting an
 * existing name would also need delete, and every run writes under a new run id.
 */
export const GCS_WRITER_ROLE = "roles/storage.objectCreator";
export const WORKLOAD_IDENTITY_ROLE = "roles/iam.workloadIdentityUser";
export const WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account";

export function gcsBucketArgs(spec: ResultsSpec, project: string, stack: string): gcp.storage.BucketArgs {
  return {
    name: spec.bucket,
    project,
    location: spec.location!,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    // Only with destroyResults: true may `pulumi destroy` delete the bucket with its objects.
    forceDestroy: spec.destroyResults,
    labels: { "servelab-created-by": stack.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63) },
  };
}

/** Google service account ids: 6-30 characters, lowercase letters, digits and "-", starting with a letter. */
export function gcsWriterAccountId(stack: string): string {
  return identityName("slr", stack, 30);
}

export function serviceAccountEmail(accountId: string, project: string): string {
  return `${accountId}@${project}.iam.gserviceaccount.com`;
}

/** The Workload Identity member of a Kubernetes ServiceAccount in a cluster of `project`. */
export function workloadIdentityMember(project: string, namespace: string, serviceAccount: string): string {
  return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}

/**
 * IAM condition limiting the grant to objects under <prefix>/<stack>/. Conditions on a bucket need
 * uniform bucket-level access, which servelab turns on for buckets it creates; an existing bucket must
 * have it too.
 */
export function gcsPrefixCondition(spec: ResultsSpec): gcp.types.input.storage.BucketIAMMemberCondition {
  return {
    title: "servelab-results-prefix",
    description: `create objects under ${spec.objectPrefix}/ only`,
    expression: `resource.name.startsWith("projects/_/buckets/${spec.bucket}/objects/${spec.objectPrefix}/")`,
  };
}
