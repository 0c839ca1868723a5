"""servelab's `vllm bench serve` driver (run on a CPU node through vllm_cli_on_cpu.py): waits for the endpoint, runs one benchmark per
(request rate, max concurrency) point with --save-result, and fails the Job when a point lost more
requests than --max-failed-requests.

Points come as --point=<label>:<request rate>:<max concurrency or empty>; everything after `--` is
passed to every `vllm bench serve` run. With --repeats N the sweep runs N times; repeat k uses --seed + k - 1,
so its prompts (random tokens, sampled conversations) differ from the earlier repeats' and find no prefix
they cached. With --save-detailed (benchmark.slo) the per-request lists are kept but generated_texts is
dropped from the saved file: the report needs timings and lengths, not the answers.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servelab_common as common  # noqa: E402


def parse_args(argv):
    own, passthrough = common.split_passthrough(argv)
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--point", action="append", required=True)
    parser.add_argument("--dataset-fallback-url", help="where to fetch --dataset-path from when the image lacks it")
    args = parser.parse_args(own)
    args.bench_args = passthrough
    return args


def ensure_dataset(bench, fallback_url, work_dir):
    """Points --dataset-path at a downloaded copy when the file is not in the image."""
    path = common.flag_value(bench, "--dataset-path")
    if not fallback_url or path is None or os.path.exists(path):
        return bench
    common.log(f"{path} is not in the image")
    patched = list(bench)
    patched[patched.index("--dataset-path") + 1] = common.download(fallback_url, os.path.join(work_dir, os.path.basename(path)))
    return patched


LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vllm_cli_on_cpu.py")


def bench_command(bench, base_url, model, rate, concurrency, results_dir, filename):
    """One point's `vllm bench serve`, started through vllm_cli_on_cpu.py: the Job runs on a node without a GPU."""
    command = [
        sys.executable, LAUNCHER, "bench", "serve", *bench,
        "--base-url", common.server_root(base_url),
        "--model", model,
        "--request-rate", rate,
        "--save-result", "--result-dir", results_dir, "--result-filename", filename,
    ]
    if concurrency:
        command += ["--max-concurrency", concurrency]
    return command


def drop_generated_texts(path):
    """Rewrites a --save-detailed result without the answers' text (the largest part of it)."""
    with open(path) as f:
        result = json.load(f)
    if "generated_texts" in result:
        del result["generated_texts"]
        with open(path, "w") as f:
            json.dump(result, f)


def lost_requests(result, num_prompts):
    failed = result.get("failed")
    if failed is None and num_prompts is not None:
        failed = num_prompts - result.get("completed", 0)
    return failed or 0


def main(argv):
    args = parse_args(argv)
    started = common.utc_now()
    os.makedirs(args.results_dir, exist_ok=True)
    common.wait_ready(args.base_url, args.model, args.ready_timeout)
    bench = ensure_dataset(args.bench_args, args.dataset_fallback_url, tempfile.gettempdir())
    num_prompts = common.flag_value(bench, "--num-prompts", int)

    failures, files, points, failed, by_repeat = [], [], [], [], []
    for repeat, prefix, run_bench in common.seeded_repeats(args, bench):
        repeat_points, repeat_failed = [], []
        for spec in args.point:
            label, rate, concurrency = spec.split(":")
            shown = label if args.repeats == 1 else f"repeat {repeat} {label}"
            filename = f"{prefix}_{label}.json"
            command = bench_command(run_bench, args.base_url, args.model, rate, concurrency, args.results_dir, filename)
            point = {"requestRate": rate if rate == "inf" else float(rate)}
            if concurrency:
                point["maxConcurrency"] = int(concurrency)
            common.log(f"{shown}: {' '.join(command)}")
            evidence = common.point_evidence(args, label, point, repeat)
            code = subprocess.run(command).returncode
            files += [p for p in [evidence.finish()] if p]
            path = os.path.join(args.results_dir, filename)
            repeat_points.append(point)
            if code != 0 or not os.path.exists(path):
                repeat_failed.append(None)
                failures.append(f"{shown}: vllm bench serve exited with {code}{'' if os.path.exists(path) else ' and saved no result'}")
                continue
            if "--save-detailed" in run_bench:
                drop_generated_texts(path)
            files.append(path)
            with open(path) as f:
                lost = lost_requests(json.load(f), num_prompts)
            repeat_failed.append(lost)
            failure = common.lost_requests_failure(args, shown, lost, num_prompts)
            if failure:
                failures.append(failure)
        if repeat == 1:
            points, failed = repeat_points, repeat_failed
        by_repeat.append(repeat_failed)

    common.finish(args, "vllm-bench", points, files, failures, started, failed_requests=failed, repeat_failed_requests=by_repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
