/**
 * The cloud SDKs, loaded when a component first declares a resource with them: a stack pays the load
 * only for the clouds it uses (@pulumi/aws adds about 0.2 s and @pulumi/gcp about 0.1 s to every
 * `npm run plan` and `pulumi up` start otherwise). Types come from `import type`, which loads nothing.
 */
import type * as Aws from "@pulumi/aws";
import type * as Gcp from "@pulumi/gcp";

export const awsSdk = (): typeof Aws => require("@pulumi/aws");
export const gcpSdk = (): typeof Gcp => require("@pulumi/gcp");
