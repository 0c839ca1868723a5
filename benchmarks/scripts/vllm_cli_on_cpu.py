"""Runs vLLM's CLI (`vllm bench serve ...`) in a pod without a GPU.

`vllm <subcommand>` builds every subcommand's parser, `serve`'s included, and that parser asks the
platform for its device type. In a CUDA build on a node without a GPU driver, platform detection ends
at UnspecifiedPlatform, whose device type is empty, and the CLI stops with "Failed to infer device
type" before it sends a request (vllm-project/vllm#23967). vLLM fixed it after v0.10.2 by using the CPU
platform for `vllm bench` (vllm-project/vllm#25283); this applies the same switch before the CLI starts,
so the pinned image's own `vllm bench serve` runs unchanged.

Usage: python3 vllm_cli_on_cpu.py bench serve <arguments>
"""
import sys


def use_cpu_platform_when_unspecified(platforms):
    """Replaces a platform with no device type by vLLM's CPU platform; returns whether it did."""
    if getattr(platforms.current_platform, "device_type", ""):
        return False
    from vllm.platforms.cpu import CpuPlatform

    platforms.current_platform = CpuPlatform()
    return True


def main(argv):
    from vllm import platforms

    if use_cpu_platform_when_unspecified(platforms):
        print("[servelab] no GPU platform detected: vLLM's CLI runs on its CPU platform", flush=True)
    from vllm.entrypoints.cli.main import main as vllm_main

    sys.argv = ["vllm", *argv]
    vllm_main()


if __name__ == "__main__":
    main(sys.argv[1:])
