"""Runs production-stack's multi-round-qa.py and counts what happened to every request it sent.

multi-round-qa drops failed requests silently (the exception is raised in a future's done-callback
and only logged) and exits 0, so its CSV alone cannot show a lost request. This wrapper loads the
script as a module, wraps RequestExecutor._async_launch_request, runs main() with the given
arguments, and writes {"launched", "completed", "failed", "cancelled"} to a JSON file. "cancelled"
are requests still in flight when the point's --time ran out (the script stops its loop then).

Usage: python3 mrqa_counted.py <multi-round-qa.py> <counts.json> -- <multi-round-qa arguments>
"""
import asyncio
import importlib.util
import json
import os
import sys


def load(script):
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    spec = importlib.util.spec_from_file_location("multi_round_qa", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def instrument(module, counts):
    original = module.RequestExecutor._async_launch_request

    async def counted(self, *args, **kwargs):
        counts["launched"] += 1
        try:
            result = await original(self, *args, **kwargs)
        except asyncio.CancelledError:
            counts["cancelled"] += 1
            raise
        except BaseException as err:  # noqa: BLE001 (every other outcome is a lost request)
            counts["failed"] += 1
            if counts["failed"] <= 5:
                print(f"[servelab] request failed: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
            raise
        counts["completed"] += 1
        return result

    module.RequestExecutor._async_launch_request = counted


def main(argv):
    if len(argv) < 4 or argv[3] != "--":
        raise SystemExit(__doc__)
    script, counts_path, script_args = argv[1], argv[2], argv[4:]
    counts = {"launched": 0, "completed": 0, "failed": 0, "cancelled": 0}
    module = load(script)
    instrument(module, counts)
    sys.argv = [script, *script_args]
    try:
        module.main()
    finally:
        with open(counts_path, "w") as f:
            json.dump(counts, f, sort_keys=True)
            f.write("\n")
    print(f"[servelab] requests: {json.dumps(counts, sort_keys=True)}", flush=True)


if __name__ == "__main__":
    main(sys.argv)
