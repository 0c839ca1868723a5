"""servelab's multi-round-qa driver: production-stack's run.sh, made checkable.

Runs the pinned multi-round-qa.py (shipped beside this driver with its utils.py), installs the pinned client libraries, waits until
the endpoint serves the model, runs the warm-up, then one run per QPS point for a fixed time with a
pause between points (one CSV per point, named <experiment>_output_<qps>.csv like AIBrix's published
results), and fails the Job when a point wrote no CSV or lost more requests than --max-failed-requests.

With --repeats N the sweep (not the warm-up) runs N times. Repeat k starts the script's user ids at
(k - 1) * REPEAT_USER_ID_STRIDE (--init-user-id): a user's prompt carries its id ahead of its history, so
no repeat finds the histories an earlier one cached; the shared system prompt is the same for every user
and point by design, and the warm-up caches it before the first repeat.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servelab_common as common  # noqa: E402

WORK_DIR = "/tmp/multi-round-qa"
REPEAT_USER_ID_STRIDE = 1000000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--system-prompt-tokens", type=int, required=True)
    parser.add_argument("--history-tokens", type=int, required=True)
    parser.add_argument("--answer-tokens", type=int, required=True)
    parser.add_argument("--seconds-per-point", type=int, required=True)
    parser.add_argument("--pause-seconds", type=int, required=True)
    parser.add_argument("--warmup-seconds", type=int, required=True)
    parser.add_argument("--script", required=True, help="multi-round-qa.py (its utils.py beside it)")
    parser.add_argument("--pip", nargs="*", default=[])
    parser.add_argument("--qps", nargs="+", required=True)
    return parser.parse_args(argv)


def run_point(args, script, users, rounds, qps, seconds, csv_path, counts_path, init_user_id=0):
    command = [
        sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "mrqa_counted.py"), script, counts_path, "--",
        "--num-users", str(users),
        "--num-rounds", str(rounds),
        "--qps", str(qps),
        "--shared-system-prompt", str(args.system_prompt_tokens),
        "--user-history-prompt", str(args.history_tokens),
        "--answer-len", str(args.answer_tokens),
        "--model", args.model,
        "--base-url", args.base_url,
        "--output", csv_path,
        "--log-interval", "30",
        "--time", str(seconds),
    ]
    if init_user_id:
        command += ["--init-user-id", str(init_user_id)]
    common.log(f"qps {qps}: {users} users, {rounds} rounds, {seconds}s")
    completed = subprocess.run(command, cwd=WORK_DIR)
    counts = {}
    if os.path.exists(counts_path):
        with open(counts_path) as f:
            counts = json.load(f)
    return completed.returncode, counts


def point_failure(args, label, returncode, counts, csv_path):
    if returncode != 0:
        return f"{label}: multi-round-qa exited with {returncode}"
    if not os.path.exists(csv_path):
        return f"{label}: no CSV written"
    lost = common.lost_requests_failure(args, label, counts.get("failed", 0), counts.get("launched", "?"))
    if lost:
        return f"{lost}; multi-round-qa drops them from its CSV"
    if counts.get("completed", 0) == 0:
        return f"{label}: no request completed"
    return None


def main(argv):
    args = parse_args(argv)
    started = common.utc_now()
    os.makedirs(args.results_dir, exist_ok=True)
    common.pip_install(args.pip)
    os.makedirs(WORK_DIR, exist_ok=True)
    script = args.script
    common.wait_ready(args.base_url, args.model, args.ready_timeout)

    failures = []
    if args.warmup_seconds > 0:
        warm_csv, warm_counts = "/tmp/warmup.csv", "/tmp/warmup_counts.json"
        code, counts = run_point(args, script, 1, 2, 2, args.warmup_seconds, warm_csv, warm_counts)
        failure = point_failure(args, "warm-up", code, counts, warm_csv)
        if failure:
            failures.append(failure)

    files, points, failed, by_repeat = [], [], [], []
    for repeat in range(1, args.repeats + 1):
        prefix = common.repeat_prefix(args.experiment, repeat)
        repeat_points, repeat_failed = [], []
        for qps in args.qps:
            label = f"qps {qps}" if args.repeats == 1 else f"repeat {repeat} qps {qps}"
            csv_path = os.path.join(args.results_dir, f"{prefix}_output_{qps}.csv")
            counts_path = os.path.join(args.results_dir, f"{prefix}_counts_{qps}.json")
            evidence = common.point_evidence(args, f"qps-{qps}", {"qps": float(qps)}, repeat)
            code, counts = run_point(args, script, args.users, args.rounds, qps, args.seconds_per_point, csv_path, counts_path, (repeat - 1) * REPEAT_USER_ID_STRIDE)
            files += [p for p in [evidence.finish()] if p]
            failure = point_failure(args, label, code, counts, csv_path)
            if failure:
                failures.append(failure)
            files += [p for p in (csv_path, counts_path) if os.path.exists(p)]
            repeat_points.append({"qps": float(qps)})
            repeat_failed.append(counts.get("failed"))
            time.sleep(args.pause_seconds)
        if repeat == 1:
            points, failed = repeat_points, repeat_failed
        by_repeat.append(repeat_failed)

    common.finish(args, "multi-round-qa", points, files, failures, started, failed_requests=failed, repeat_failed_requests=by_repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
