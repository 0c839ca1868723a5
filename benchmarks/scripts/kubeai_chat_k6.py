"""servelab's driver for KubeAI's k6 multi-turn chat benchmark (benchmarks/multi-turn-chat-k6):
fetches the k6 binary and KubeAI's k6.js (checked by sha256), prepares message threads from ShareGPT
as KubeAI's prepare-message-threads.py does, writes the scenario (k6.json, base-request.json), waits for
the endpoint, runs `k6 run --summary-export` and fails the Job when k6 fails (the scenario's threshold
is http_req_failed rate==0). Standard library only.
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

WORK = "/tmp/kubeai-chat-k6"


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
    return parser.parse_args(argv)


def prepare_message_threads(conversations, max_threads):
    """KubeAI's prepare-message-threads.py: threads that start with a human turn and have at least 5
    human messages totalling at least 2500 characters; the first `max_threads` of them."""
    output = []
    for entry in conversations:
        conv = entry.get("conversations")
        if not (conv and conv[0]["from"] == "human" and len(conv[0]["value"]) != 0):
            continue
        user_messages = [c["value"] for c in conv if c["from"] == "human"]
        if sum(len(m) for m in user_messages) < 2500 or len(user_messages) < 5:
            continue
        thread = {k: v for k, v in entry.items() if k != "conversations"}
        thread["userMessages"] = user_messages
        output.append(thread)
        if len(output) >= max_threads:
            break
    return output


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

    with open(common.download(args.sharegpt, os.path.join(WORK, "sharegpt.json"))) as f:
        threads = prepare_message_threads(json.load(f), args.threads)
    common.log(f"prepared {len(threads)} message threads")
    common.write_json(os.path.join(data_dir, "message-threads.json"), threads)
    common.write_json(os.path.join(config_dir, "k6.json"), scenario(args.vus, args.iterations, args.max_duration_seconds))
    common.write_json(os.path.join(config_dir, "base-request.json"), base_request(args.model, args.max_tokens))

    common.wait_ready(args.base_url, args.model, args.ready_timeout)
    summary = os.path.join(args.results_dir, f"{args.experiment}_k6-summary.json")
    text = os.path.join(args.results_dir, f"{args.experiment}_k6.txt")
    env = {**os.environ, "CONFIG_DIR": config_dir, "DATA_DIR": data_dir, "MODEL_ADDR": model_addr(args.base_url)}
    command = [k6, "run", "--summary-export", summary, k6_js]
    common.log(" ".join(command))
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    with open(text, "w") as f:
        f.write(proc.stdout)

    failures, files = [], [text]
    if os.path.exists(summary):
        files.append(summary)
    else:
        failures.append("k6 exported no summary")
    if proc.returncode != 0:
        failures.append(f"k6 exited with {proc.returncode} (99 = a threshold such as http_req_failed rate==0 failed)")
    points = [{"vus": args.vus, "iterations": args.iterations, "maxTokens": args.max_tokens}]
    common.finish(args, "kubeai-chat-k6", points, files, failures, started)


if __name__ == "__main__":
    main(sys.argv[1:])
