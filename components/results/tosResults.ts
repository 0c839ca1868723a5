import * as pulumi from "@pulumi/pulumi";
import { VolcengineProvider } from "../volcengine/resources";
import { IamAccessKey, IamPolicy, IamUser, IamUserPolicyAttachment, TosBucket } from "../volcengine/tos";
import { KeyResultsArgs, ResultsAccess, keyResultsAccess } from "./access";
import { tosBucketArgs, tosPutOnlyPolicy, tosWriterName } from "./tosSpec";

/**
 * TOS results through the Volcengine provider (v0.0.47), on a provider of its own in results.region (so
 * the bucket lands where the Job's endpoint points): the bucket when servelab creates it (private ACL), an IAM user with a
 * put-only policy on the stack's prefix, and its access key as a Kubernetes Secret. The Job uploads
 * through TOS's S3-compatible endpoint.
 */
export class TosResults extends pulumi.ComponentResource {
  public readonly access: ResultsAccess;
  public readonly bucket?: TosBucket;

  constructor(name: string, args: KeyResultsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:results:TosResults", name, {}, opts);
    const { spec, stack } = args;
    // rules.ts guarantees a region for tos:// (results.region, or the VKE cluster's).
    const volcengine = new VolcengineProvider(`${name}-volcengine`, { region: spec.region! }, { parent: this });
    const inRegion = { parent: this, provider: volcengine };
    if (spec.create) {
      // No destroyResults on TOS (rules.ts): the provider only deletes empty buckets, so the bucket is always left in place.
      this.bucket = new TosBucket(`${name}-bucket`, tosBucketArgs(spec, stack), { ...inRegion, retainOnDelete: true });
    }
    const writer = tosWriterName(stack);
    const user = new IamUser(`${name}-writer`, { userName: writer, displayName: writer, description: `servelab results writer (${stack})` }, inRegion);
    const policy = new IamPolicy(
      `${name}-put-only`,
      { policyName: writer, policyDocument: JSON.stringify(tosPutOnlyPolicy(spec)), description: `PutObject under ${spec.bucket}/${spec.objectPrefix}/ only` },
      inRegion,
    );
    const attachment = new IamUserPolicyAttachment(
      `${name}-attachment`,
      { userName: user.userName, policyName: policy.policyName, policyType: "Custom" },
      { ...inRegion, dependsOn: this.bucket ? [this.bucket] : [] },
    );
    const key = new IamAccessKey(`${name}-key`, { userName: user.userName, status: "active" }, inRegion);
    this.access = keyResultsAccess(name, this, args, { id: key.accessKeyId, secret: key.secretAccessKey }, [attachment]);
    this.registerOutputs({ writerUser: writer });
  }
}
