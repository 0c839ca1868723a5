/**
 * TOS (Volcengine object storage) results bucket as pure values: a private bucket and an IAM user per
 * stack whose only permission is tos:PutObject under <prefix>/<stack>/.
 */
import type { TosBucketArgs } from "../volcengine/tos";
import { ResultsSpec, identityName } from "./spec";

/** Volcengine IAM user and policy names: servelab keeps to lowercase letters, digits and "-", at most 64 (the documented limit is unverified). */
export function tosWriterName(stack: string): string {
  return identityName("servelab-results", stack, 64);
}

/**
 * tos:PutObject on the stack's prefix only. Volcengine policies have no Version field (the provider's
 * examples: {"Statement":[{"Effect","Action","Resource"}]}). The bucket TRN `trn:tos:::<bucket>` is the
 * provider's own example; the object form `trn:tos:::<bucket>/<key pattern>` follows it by analogy with
 * S3 ARNs and is unverified against a real account.
 */
export function tosPutOnlyPolicy(spec: ResultsSpec): { Statement: Array<Record<string, unknown>> } {
  return {
    Statement: [{ Effect: "Allow", Action: ["tos:PutObject"], Resource: [`trn:tos:::${spec.bucket}/${spec.objectPrefix}/*`] }],
  };
}

export function tosBucketArgs(spec: ResultsSpec, stack: string): TosBucketArgs {
  return {
    bucketName: spec.bucket,
    publicAcl: "private",
    storageClass: "STANDARD",
    tags: [{ key: "servelab-created-by", value: stack }],
  };
}
