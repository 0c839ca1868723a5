"""servelab's driver for KubeAI's benchmark_serving (substratusai/benchmark_serving): waits for the
endpoint, runs the image's benchmark_serving.py once per (max concurrency, request rate) point, saves
each run's stdout (the summary block is the result) and fails the Job when a point lost more requests
than --max-failed-requests (the script's summary shows no failed count: the manifest carries it).

Points come as --point=<label>:<max concurrency>:<request rate>; everything after `--` is passed to
every run. The script takes the server root (`--base-url http://kubeai/openai`) and appends
/v1/completions itself.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servelab_common as common  # noqa: E402


def parse_args(argv):
    own, passthrough = common.split_passthrough(argv)
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--script", required=True)
    parser.add_argument("--point", action="append", required=True)
    args = parser.parse_args(own)
    args.bench_args = passthrough
    return args


def successful_requests(text):
    match = re.search(r"Successful requests:\s*(\d+)", text)
    return int(match.group(1)) if match else None


def main(argv):
    args = parse_args(argv)
    started = common.utc_now()
    os.makedirs(args.results_dir, exist_ok=True)
    common.wait_ready(args.base_url, args.model, args.ready_timeout)
    bench = args.bench_args
    num_prompts = common.flag_value(bench, "--num-prompts", int)

    failures, files, points, failed, by_repeat = [], [], [], [], []
    # A new seed samples other conversations; the pool is the same, so a conversation may come up again.
    for repeat, prefix, run_bench in common.seeded_repeats(args, bench):
        repeat_points, repeat_failed = [], []
        for spec in args.point:
            label, concurrency, rate = spec.split(":")
            shown = label if args.repeats == 1 else f"repeat {repeat} {label}"
            command = [
                sys.executable, args.script, *run_bench,
                "--base-url", common.server_root(args.base_url),
                "--model", args.model,
                "--max-concurrency", concurrency,
                "--request-rate", rate,
            ]
            common.log(f"{shown}: {' '.join(command)}")
            point = {"maxConcurrency": int(concurrency), "requestRate": float(rate)}
            evidence = common.point_evidence(args, label, point, repeat)
            proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=None, text=True)
            files += [p for p in [evidence.finish()] if p]
            sys.stdout.write(proc.stdout)
            sys.stdout.flush()
            path = os.path.join(args.results_dir, f"{prefix}_{label}.txt")
            with open(path, "w") as f:
                f.write(proc.stdout)
            files.append(path)
            repeat_points.append(point)
            ok = successful_requests(proc.stdout)
            lost = num_prompts - ok if ok is not None and num_prompts is not None else None
            repeat_failed.append(lost)
            if proc.returncode != 0:
                failures.append(f"{shown}: benchmark_serving exited with {proc.returncode}")
            elif ok is None:
                failures.append(f"{shown}: no 'Successful requests' line in the output")
            else:
                failure = common.lost_requests_failure(args, shown, lost, num_prompts)
                if failure:
                    failures.append(failure)
        if repeat == 1:
            points, failed = repeat_points, repeat_failed
        by_repeat.append(repeat_failed)

    common.finish(args, "kubeai-benchmark-serving", points, files, failures, started, failed_requests=failed, repeat_failed_requests=by_repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
