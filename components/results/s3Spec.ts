/**
 * S3 results bucket as pure values: a private, encrypted bucket owned by its account (ACLs off), and
 * an IAM user per stack whose only permission is s3:PutObject under <prefix>/<stack>/.
 */
import type * as aws from "@pulumi/aws";
import { ResultsSpec, identityName } from "./spec";

/** The AWS partition of a region: China and GovCloud buckets have their own ARNs. */
export function awsPartition(region: string | undefined): string {
  if (region?.startsWith("cn-")) return "aws-cn";
  if (region?.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** IAM user names: up to 64 characters of [\w+=,.@-]. */
export function s3WriterUserName(stack: string): string {
  return identityName("servelab-results", stack, 64);
}

/**
 * s3:PutObject on the stack's prefix and nothing else: no read, list or delete, no other prefix. The
 * Job uploads each file with one PutObject (servelab_common.upload_results), so no multipart actions are
 * needed either.
 */
export function s3PutOnlyPolicy(spec: ResultsSpec): { Version: string; Statement: Array<Record<string, unknown>> } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ServelabResultsPutOnly",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`arn:${awsPartition(spec.region)}:s3:::${spec.bucket}/${spec.objectPrefix}/*`],
      },
    ],
  };
}

export function s3BucketArgs(spec: ResultsSpec, stack: string): aws.s3.BucketArgs {
  return {
    bucket: spec.bucket,
    region: spec.region,
    // Only with destroyResults: true may `pulumi destroy` delete the bucket with its objects.
    forceDestroy: spec.destroyResults,
    tags: { "servelab-created-by": stack },
  };
}

export const S3_PUBLIC_ACCESS_BLOCK = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } as const;
/** ACLs disabled: the bucket owner owns every object, so no upload can make one public with an ACL. */
export const S3_OWNERSHIP_RULE = { objectOwnership: "BucketOwnerEnforced" } as const;
/** SSE-S3 (AES256): encrypted at rest without a KMS key the writer would also need permission for. */
export const S3_ENCRYPTION_RULES = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }];
