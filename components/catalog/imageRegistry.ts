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
