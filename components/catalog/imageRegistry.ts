/**
 * `servelab:cluster.imageRegistry`: pull every image servelab deploys through one registry prefix
 * (a mirror), e.g. for VKE nodes in mainland regions, where Docker Hub and ghcr.io pulls are unreliable
 * (registries are <name>-<region>.cr.volces.com, as AIBrix's own VKE manifests use). Pure.
 *
 * The rule: the prefix, then the image's repository path as written without its registry host, then
 * its tag or digest. Docker Hub's implicit forms are normalised first, so `python:3.12-slim`,
 * `library/python:3.12-slim` and `docker.io/library/python:3.12-slim` all become
 * `<prefix>/python:3.12-slim`; `ghcr.io/kubeai-project/kubeai:v0.22.1` becomes
 * `<prefix>/kubeai-project/kubeai:v0.22.1`. This is the name `docker tag`/`crane copy` gives a copy
 * made by hand into a registry namespace; a pull-through cache that expects the registry host or
 * Docker Hub's `library/` in the path needs its own prefix per source registry.
 */

const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** The registry host of an image reference, or undefined for Docker Hub's implicit form. */
export function registryHost(image: string): string | undefined {
  const slash = image.indexOf("/");
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : undefined;
}

/** The image's repository path (with tag/digest) without registry host and without Docker Hub's `library/`. */
export function imagePath(image: string): string {
  const host = registryHost(image);
  const path = host ? image.slice(host.length + 1) : image;
  const onDockerHub = host === undefined || DOCKER_HUB_HOSTS.has(host);
  return onDockerHub && path.startsWith("library/") ? path.slice("library/".length) : path;
}

/** The image as pulled through `prefix`; unchanged without a prefix or when it already names the prefix. */
export function withRegistry(image: string, prefix: string | undefined): string {
  if (!prefix) return image;
  const base = prefix.replace(/\/+$/, "");
  if (image.startsWith(`${base}/`)) return image;
  return `${base}/${imagePath(image)}`;
}

/** Pattern of an accepted prefix: a registry host (optional port), then optional path segments. */
export const IMAGE_REGISTRY_PATTERN = /^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/;

/**
 * A Kubernetes object with every `image` string (containers, init containers, and image fields inside
 * custom resources such as an EnvoyProxy's pod patch) pulled through `prefix`. CustomResourceDefinitions are
 * returned as they are: their `image` keys name schema properties, not images. Returns the object itself
 * when nothing changes; never mutates it.
 */
export function objectWithRegistry<T>(obj: T, prefix: string | undefined): T {
  if (!prefix || (obj as { kind?: unknown })?.kind === "CustomResourceDefinition") return obj;
  const visit = (value: unknown, key: string): unknown => {
    if (key === "image" && typeof value === "string") return withRegistry(value, prefix);
    if (Array.isArray(value)) {
      const items = value.map((v) => visit(v, ""));
      return items.some((v, i) => v !== value[i]) ? items : value;
    }
    if (value && typeof value === "object") {
      const entries = Object.entries(value).map(([k, v]) => [k, visit(v, k)] as const);
      return entries.some(([k, v]) => v !== (value as Record<string, unknown>)[k]) ? Object.fromEntries(entries) : value;
    }
    return value;
  };
  return visit(obj, "") as T;
}
