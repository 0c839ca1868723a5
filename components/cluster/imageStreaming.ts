/**
 * GKE image streaming (`gcfsConfig`) is on only where it helps and can work: it streams images from
 * Artifact Registry only (https://cloud.google.com/kubernetes-engine/docs/how-to/image-streaming,
 * "Requirements": images in Artifact Registry; other registries are pulled normally) and a node pool with it
 * needs the Container File System API enabled in the project. servelab's images come from Docker Hub and
 * ghcr.io, so streaming is off unless cluster.imageRegistry is an Artifact Registry host; then the program
 * enables the API itself (and leaves it enabled on destroy: other clusters of the project may use it).
 */
import { GkeClusterConfig } from "../config/schema";

export const CONTAINER_FILESYSTEM_API = "containerfilesystem.googleapis.com";

/** `<location>-docker.pkg.dev/...`: an Artifact Registry Docker repository. */
export function isArtifactRegistry(imageRegistry: string | undefined): boolean {
  return imageRegistry !== undefined && /^[a-z0-9-]+-docker\.pkg\.dev(\/|$)/.test(imageRegistry);
}

export function imageStreamingEnabled(config: Pick<GkeClusterConfig, "imageRegistry">): boolean {
  return isArtifactRegistry(config.imageRegistry);
}
