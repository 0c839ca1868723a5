"""servelab's driver for KubeAI's k6 multi-turn chat benchmark (benchmarks/multi-turn-chat-k6):
fetches the k6 binary and KubeAI's k6.js (checked by sha256), prepares message threads from ShareGPT
in a separate process (prepare_message_threads.py, which exits before k6 starts), writes the scenario
(k6.json, base-request.json), waits for the endpoint, runs k6 --warmup-runs times unrecorded (KubeAI
ran the scenario twice "to ensure both cases start with a preloaded cache"), then once with
--summary-export, and fails the Job when k6 fails or lost more requests than --max-failed-requests
(the scenario's threshold http_req_failed rate==0 makes k6 exit 99 on any lost request).
Standard library only.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servelab_common as common  # noqa: E402

WORK = os.environ.get("SERVELAB_K6_WORK_DIR", "/tmp/kubeai-chat-k6")
HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLDS_FAILED = 99


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    common.add_common_args(parser)
    parser.add_argument("--k6-archive", required=True)
    parser.add_argument("--k6-js", required=True)
    parser.add_argument("--k6-js-sha256", required=True)
    parser.add_argument("--sharegpt", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--vus", type=int, required=True)
    parser.add_argument("--iterations", type=int, required=True)
    parser.add_argument("--max-tokens", type=int, required=True)
    parser.add_argument("--max-duration-seconds", type=int, required=True)
    parser.add_argument("--warmup-runs", type=int, default=1)
    return parser.parse_args(argv)


def scenario(vus, iterations, max_duration_seconds):
    return {
        "thresholds": {"http_req_failed": ["rate==0"]},
        "scenarios": {"chat": {"executor": "shared-iterations", "vus": vus, "iterations": iterations, "maxDuration": f"{max_duration_seconds}s"}},
    }


def base_request(model, max_tokens):
    return {"model": model, "max_tokens": max_tokens, "temperature": 0, "messages": []}


def model_addr(base_url):
    """k6.js posts to http://${MODEL_ADDR}/v1/chat/completions: http://x/openai/v1 -> x/openai."""
    base = base_url.rstrip("/")
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return base.split("://", 1)[-1]


def failed_requests(summary_path):
    """http_req_failed's true values in a --summary-export file (its `passes`), or None."""
    try:
        with open(summary_path) as f:
            metric = json.load(f).get("metrics", {}).get("http_req_failed", {})
    except (OSError, ValueError):
        return None
    passes = metric.get("passes")
    return int(passes) if isinstance(passes, (int, float)) else None


def run_failures(args, returncode, failed, has_summary):
    """Why the measured run failed: no summary, lost requests over the limit, or k6's own exit code
    (99, thresholds crossed, counts as lost requests when the summary shows them within the limit)."""
    failures = []
    if not has_summary:
        failures.append("k6 exported no summary")
    lost = common.lost_requests_failure(args, "the k6 run", failed)
    if lost:
        failures.append(lost)
    tolerated = returncode == THRESHOLDS_FAILED and failed is not None and failed <= args.max_failed_requests
    if returncode != 0 and not tolerated and not lost:
        failures.append(f"k6 exited with {returncode} (99 = a threshold such as http_req_failed rate==0 failed)")
    return failures


def run_k6(k6, k6_js, env, summary):
    command = [k6, "run", "--summary-export", summary, k6_js]
    common.log(" ".join(command))
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    sys.stdout.flush()
    return proc


def main(argv):
    args = parse_args(argv)
    started = common.utc_now()
    os.makedirs(args.results_dir, exist_ok=True)
    config_dir, data_dir = os.path.join(WORK, "scenario"), os.path.join(WORK, "data")
    os.makedirs(config_dir, exist_ok=True)
    os.makedirs(data_dir, exist_ok=True)

    k6_js = common.download(args.k6_js, os.path.join(WORK, "k6.js"))
    with open(k6_js, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    if sha != args.k6_js_sha256:
        raise SystemExit(f"servelab: k6.js has sha256 {sha}, expected {args.k6_js_sha256}")
    with tarfile.open(common.download(args.k6_archive, os.path.join(WORK, "k6.tar.gz"))) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/k6"))
        member.name = "k6"
        tar.extract(member, WORK)
    k6 = os.path.join(WORK, "k6")

    sharegpt = common.download(args.sharegpt, os.path.join(WORK, "sharegpt.json"))
    threads = os.path.join(data_dir, "message-threads.json")
    subprocess.run([sys.executable, os.path.join(HERE, "prepare_message_threads.py"), sharegpt, threads, str(args.threads)], check=True)
    os.remove(sharegpt)
    common.write_json(os.path.join(config_dir, "k6.json"), scenario(args.vus, args.iterations, args.max_duration_seconds))
    common.write_json(os.path.join(config_dir, "base-request.json"), base_request(args.model, args.max_tokens))

    common.wait_ready(args.base_url, args.model, args.ready_timeout)
    env = {**os.environ, "CONFIG_DIR": config_dir, "DATA_DIR": data_dir, "MODEL_ADDR": model_addr(args.base_url)}
    for i in range(1, args.warmup_runs + 1):
        common.log(f"warm-up run {i} of {args.warmup_runs} (not recorded)")
        warm = run_k6(k6, k6_js, env, os.path.join(WORK, f"warmup-{i}-summary.json"))
        common.log(f"warm-up run {i} ended with exit code {warm.returncode}")

    # Repeats are further measured runs after the first, each starting from the cache the run before left:
    # the state KubeAI's warm-up runs create on purpose (the same threads, replayed), so nothing is reset.
    points = [{"vus": args.vus, "iterations": args.iterations, "maxTokens": args.max_tokens}]
    files, failures, by_repeat = [], [], []
    for repeat in range(1, args.repeats + 1):
        prefix = common.repeat_prefix(args.experiment, repeat)
        common.log("measured run" if args.repeats == 1 else f"measured run, repeat {repeat} of {args.repeats}")
        summary = os.path.join(args.results_dir, f"{prefix}_k6-summary.json")
        text = os.path.join(args.results_dir, f"{prefix}_k6.txt")
        evidence = common.point_evidence(args, "measured", points[0], repeat)
        proc = run_k6(k6, k6_js, env, summary)
        evidence_file = evidence.finish()
        with open(text, "w") as f:
            f.write(proc.stdout)
        has_summary = os.path.exists(summary)
        failed = failed_requests(summary) if has_summary else None
        failures += run_failures(args, proc.returncode, failed, has_summary)
        files += [text, summary] if has_summary else [text]
        files += [p for p in [evidence_file] if p]
        by_repeat.append([failed])

    common.finish(args, "kubeai-chat-k6", points, files, failures, started, failed_requests=by_repeat[0], repeat_failed_requests=by_repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
