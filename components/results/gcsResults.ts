import type * as Gcp from "@pulumi/gcp";
import { gcpSdk } from "../util/cloudSdk";
import * as pulumi from "@pulumi/pulumi";
import { ResultsAccess } from "./access";
import {
  GCS_WRITER_ROLE, WORKLOAD_IDENTITY_ANNOTATION, WORKLOAD_IDENTITY_ROLE, gcsBucketArgs, gcsPrefixCondition, gcsWriterAccountId,
  serviceAccountEmail, workloadIdentityMember,
} from "./gcsSpec";
import { ResultsSpec } from "./spec";

export interface GcsResultsArgs {
  spec: ResultsSpec;
  project: string;
  stack: string;
  /** Namespace and name of the benchmark Job's Kubernetes ServiceAccount. */
  namespace: pulumi.Input<string>;
  serviceAccount: string;
}

/**
 * GCS results on GKE: the bucket when servelab creates it, a Google service account the Job's
 * Kubernetes ServiceAccount may impersonate (Workload Identity), and object-create on the stack's
 * prefix of the bucket. No key ever exists.
 */
export class GcsResults extends pulumi.ComponentResource {
  public readonly access: ResultsAccess;
  public readonly bucket?: Gcp.storage.Bucket;

  constructor(name: string, args: GcsResultsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:results:GcsResults", name, {}, opts);
    const gcp = gcpSdk();
    const { spec, project, stack } = args;
    if (spec.create) {
      // Without destroyResults, destroy drops the bucket from the stack and leaves it (and every result) in place.
      this.bucket = new gcp.storage.Bucket(`${name}-bucket`, gcsBucketArgs(spec, project, stack), { parent: this, retainOnDelete: !spec.destroyResults });
    }
    const accountId = gcsWriterAccountId(stack);
    const email = serviceAccountEmail(accountId, project);
    const account = new gcp.serviceaccount.Account(
      `${name}-writer`,
      { accountId, project, displayName: `servelab results writer (${stack})`.slice(0, 100), description: `Creates objects under ${spec.bucket}/${spec.objectPrefix}/ only` },
      { parent: this },
    );
    const impersonate = new gcp.serviceaccount.IAMMember(
      `${name}-workload-identity`,
      {
        serviceAccountId: `projects/${project}/serviceAccounts/${email}`,
        role: WORKLOAD_IDENTITY_ROLE,
        member: pulumi.output(args.namespace).apply((ns) => workloadIdentityMember(project, ns, args.serviceAccount)),
      },
      { parent: this, dependsOn: [account] },
    );
    const grant = new gcp.storage.BucketIAMMember(
      `${name}-object-creator`,
      { bucket: this.bucket ? this.bucket.name : spec.bucket, role: GCS_WRITER_ROLE, member: `serviceAccount:${email}`, condition: gcsPrefixCondition(spec) },
      { parent: this, dependsOn: [account] },
    );
    this.access = {
      serviceAccountAnnotations: { [WORKLOAD_IDENTITY_ANNOTATION]: email },
      // Unverified whether GKE's metadata server needs the pod's token mounted; the ServiceAccount has no RBAC, so mounting it grants nothing in the cluster.
      automountServiceAccountToken: true,
      env: [],
      dependsOn: [impersonate, grant],
    };
    this.registerOutputs({ serviceAccountEmail: email });
  }
}
