import { describe, expect, it } from "vitest";
import { IMAGE_REGISTRY_PATTERN, imagePath, registryHost, withRegistry } from "../components/catalog/imageRegistry";

const MIRROR = "cr.example.com/mirror";

describe("withRegistry", () => {
  it.each([
    ["vllm/vllm-openai:v0.8.5", "cr.example.com/mirror/vllm/vllm-openai:v0.8.5"],
    ["python:3.12-slim", "cr.example.com/mirror/python:3.12-slim"],
    ["library/python:3.12-slim", "cr.example.com/mirror/python:3.12-slim"],
    ["docker.io/library/python:3.12-slim", "cr.example.com/mirror/python:3.12-slim"],
    ["docker.io/vllm/vllm-openai:v0.8.5", "cr.example.com/mirror/vllm/vllm-openai:v0.8.5"],
    ["ghcr.io/kubeai-project/kubeai:v0.22.1", "cr.example.com/mirror/kubeai-project/kubeai:v0.22.1"],
    ["ghcr.io/kubeai-project/kubeai", "cr.example.com/mirror/kubeai-project/kubeai"],
    ["public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.10.2", "cr.example.com/mirror/q9t5s3a7/vllm-cpu-release-repo:v0.10.2"],
    ["localhost:5000/team/engine:dev", "cr.example.com/mirror/team/engine:dev"],
    ["registry.local:5000/engine@sha256:abc123", "cr.example.com/mirror/engine@sha256:abc123"],
    ["busybox", "cr.example.com/mirror/busybox"],
  ])("%s -> %s", (image, expected) => {
    expect(withRegistry(image, MIRROR)).toBe(expected);
  });

  it("leaves images alone without a prefix, and does not prefix twice", () => {
    expect(withRegistry("vllm/vllm-openai:v0.8.5", undefined)).toBe("vllm/vllm-openai:v0.8.5");
    expect(withRegistry("vllm/vllm-openai:v0.8.5", "")).toBe("vllm/vllm-openai:v0.8.5");
    const once = withRegistry("vllm/vllm-openai:v0.8.5", MIRROR);
    expect(withRegistry(once, MIRROR)).toBe(once);
  });

  it("accepts a prefix with a trailing slash or a bare host", () => {
    expect(withRegistry("python:3.12-slim", "cr.example.com/mirror/")).toBe("cr.example.com/mirror/python:3.12-slim");
    expect(withRegistry("python:3.12-slim", "mirror-cn-beijing.cr.volces.com")).toBe("mirror-cn-beijing.cr.volces.com/python:3.12-slim");
  });

  it("tells a registry host from a Docker Hub namespace", () => {
    expect(registryHost("vllm/vllm-openai:v0.8.5")).toBeUndefined();
    expect(registryHost("python:3.12")).toBeUndefined();
    expect(registryHost("ghcr.io/a/b")).toBe("ghcr.io");
    expect(registryHost("localhost/a")).toBe("localhost");
    expect(imagePath("quay.io/library/x:1")).toBe("library/x:1");
  });
});

describe("IMAGE_REGISTRY_PATTERN", () => {
  it.each(["cr.example.com/mirror", "aibrix-cn-beijing.cr.volces.com/aibrix", "registry.local:5000", "localhost:5000/a/b", "cr.example.com/mirror/"])("accepts %s", (prefix) => {
    expect(IMAGE_REGISTRY_PATTERN.test(prefix)).toBe(true);
  });
  it.each(["https://cr.example.com/mirror", "cr.example.com/Mirror", "mirror", "cr.example.com//x", "cr.example.com/mirror:v1"])("refuses %s", (prefix) => {
    expect(IMAGE_REGISTRY_PATTERN.test(prefix)).toBe(false);
  });
});
