/**
 * The Volcengine TOS bucket and IAM resources servelab's results bucket needs, as typed CustomResource
 * classes with the provider's exact type tokens and input names: volcengine/pulumi-volcengine v0.0.47
 * (sdk/nodejs/tos/bucket.ts, iam/user.ts, iam/policy.ts, iam/userPolicyAttachment.ts, iam/accessKey.ts),
 * bridged from terraform-provider-volcengine v0.0.194. Like the cluster's resources (resources.ts) they
 * run on an explicit VolcengineProvider that pins the plugin. Only the inputs servelab sets are declared;
 * outputs are the ones servelab reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { VolcengineResource, VolcengineResourceOptions } from "./resources";

export interface TosBucketArgs {
  bucketName: pulumi.Input<string>;
  /** private | public-read | public-read-write | authenticated-read | bucket-owner-read. */
  publicAcl?: pulumi.Input<string>;
  /** STANDARD | IA | INTELLIGENT_TIERING | ARCHIVE_FR | ARCHIVE | COLD_ARCHIVE | DEEP_COLD_ARCHIVE. */
  storageClass?: pulumi.Input<string>;
  /** single-az (default) | multi-az. */
  azRedundancy?: pulumi.Input<string>;
  enableVersion?: pulumi.Input<boolean>;
  projectName?: pulumi.Input<string>;
  tags?: pulumi.Input<Array<{ key: pulumi.Input<string>; value: pulumi.Input<string> }>>;
}

/** `volcengine.tos.Bucket`: created in its provider's region; its id is the bucket name. */
export class TosBucket extends VolcengineResource {
  declare public readonly bucketName: pulumi.Output<string>;
  constructor(name: string, args: TosBucketArgs, opts: VolcengineResourceOptions) {
    super("volcengine:tos/bucket:Bucket", name, args, [], opts);
  }
}

export interface IamUserArgs {
  userName: pulumi.Input<string>;
  displayName?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
}

export class IamUser extends VolcengineResource {
  declare public readonly userName: pulumi.Output<string>;
  constructor(name: string, args: IamUserArgs, opts: VolcengineResourceOptions) {
    super("volcengine:iam/user:User", name, args, [], opts);
  }
}

export interface IamPolicyArgs {
  policyName: pulumi.Input<string>;
  /** JSON policy document: {"Statement":[{"Effect","Action":[...],"Resource":[...]}]}. */
  policyDocument: pulumi.Input<string>;
  description?: pulumi.Input<string>;
}

export class IamPolicy extends VolcengineResource {
  declare public readonly policyName: pulumi.Output<string>;
  constructor(name: string, args: IamPolicyArgs, opts: VolcengineResourceOptions) {
    super("volcengine:iam/policy:Policy", name, args, [], opts);
  }
}

export interface IamUserPolicyAttachmentArgs {
  userName: pulumi.Input<string>;
  policyName: pulumi.Input<string>;
  /** "Custom" for a policy made with IamPolicy, "System" for Volcengine's own. */
  policyType: pulumi.Input<string>;
}

export class IamUserPolicyAttachment extends VolcengineResource {
  constructor(name: string, args: IamUserPolicyAttachmentArgs, opts: VolcengineResourceOptions) {
    super("volcengine:iam/userPolicyAttachment:UserPolicyAttachment", name, args, [], opts);
  }
}

export interface IamAccessKeyArgs {
  userName?: pulumi.Input<string>;
  /** active | inactive. */
  status?: pulumi.Input<string>;
}

/** `volcengine.iam.AccessKey`: the provider marks `secretAccessKey` secret, and so does this class. */
export class IamAccessKey extends VolcengineResource {
  declare public readonly accessKeyId: pulumi.Output<string>;
  declare public readonly secretAccessKey: pulumi.Output<string>;
  constructor(name: string, args: IamAccessKeyArgs, opts: VolcengineResourceOptions) {
    super("volcengine:iam/accessKey:AccessKey", name, args, ["accessKeyId", "secretAccessKey", "createDate", "updateDate"], {
      ...opts,
      additionalSecretOutputs: ["secretAccessKey"],
    });
  }
}
