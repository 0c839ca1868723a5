/**
 * The Volcengine Pulumi provider the resource classes in this folder follow. `@volcengine/pulumi` cannot
 * be installed from the npm registry servelab's CI reaches, so the few resources servelab needs are
 * declared as typed `pulumi.CustomResource` classes with the provider's exact type tokens and input
 * names (read from github.com/volcengine/pulumi-volcengine at tag v0.0.47, bridged from
 * terraform-provider-volcengine v0.0.194). Passing `version` and `pluginDownloadURL` on every resource
 * makes a real `pulumi up` download exactly this plugin.
 */
export const VOLCENGINE_PROVIDER = {
  /** Plugin version (semver without the "v"). */
  version: "0.0.47",
  pluginDownloadURL: "github://api.github.com/volcengine",
} as const;
