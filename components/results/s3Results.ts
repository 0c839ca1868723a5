import type * as Aws from "@pulumi/aws";
import { awsSdk } from "../util/cloudSdk";
import * as pulumi from "@pulumi/pulumi";
import { KeyResultsArgs, ResultsAccess, keyResultsAccess } from "./access";
import { S3_ENCRYPTION_RULES, S3_OWNERSHIP_RULE, S3_PUBLIC_ACCESS_BLOCK, s3BucketArgs, s3PutOnlyPolicy, s3WriterUserName } from "./s3Spec";

/**
 * S3 results: the bucket when servelab creates it (public access blocked, ACLs off, SSE-S3), an IAM
 * user that can only put objects under the stack's prefix, and its access key as a Kubernetes Secret
 * in the experiment's namespace. With an existing bucket only the user, its policy and key are made.
 */
export class S3Results extends pulumi.ComponentResource {
  public readonly access: ResultsAccess;
  public readonly bucket?: Aws.s3.Bucket;

  constructor(name: string, args: KeyResultsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:results:S3Results", name, {}, opts);
    const aws = awsSdk();
    const { spec, stack } = args;
    const guards: pulumi.Resource[] = [];
    if (spec.create) {
      // Without destroyResults, destroy drops the bucket from the stack and leaves it (and every result) in place.
      const bucket = new aws.s3.Bucket(`${name}-bucket`, s3BucketArgs(spec, stack), { parent: this, retainOnDelete: !spec.destroyResults });
      const settings = { parent: this, retainOnDelete: !spec.destroyResults };
      guards.push(
        new aws.s3.BucketPublicAccessBlock(`${name}-public-access-block`, { bucket: bucket.id, region: spec.region, ...S3_PUBLIC_ACCESS_BLOCK }, settings),
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, region: spec.region, rule: S3_OWNERSHIP_RULE }, settings),
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucket.id, region: spec.region, rules: S3_ENCRYPTION_RULES }, settings),
      );
      this.bucket = bucket;
    }
    const userName = s3WriterUserName(stack);
    const user = new aws.iam.User(`${name}-writer`, { name: userName, path: "/servelab/", tags: { "servelab-experiment": stack } }, { parent: this });
    const policy = new aws.iam.UserPolicy(`${name}-put-only`, { user: user.name, name: "servelab-results-put-only", policy: JSON.stringify(s3PutOnlyPolicy(spec)) }, { parent: this, dependsOn: guards });
    const key = new aws.iam.AccessKey(`${name}-key`, { user: user.name }, { parent: this });
    this.access = keyResultsAccess(name, this, args, { id: key.id, secret: key.secret }, [policy, ...guards]);
    this.registerOutputs({ writerUser: userName });
  }
}
