"""Shared by the benchmark drivers that run inside servelab's benchmark Job (standard library only).

- wait_ready: the readiness gate (the model is listed and one request succeeds).
- emit_results: prints every result file between servelab's log markers (gzip + base64), so results
  survive in the pod log without any bucket (format: benchmarks/results/logMarkers.ts).
- upload_results: copies the files to servelab:results.bucket when set.
- point_evidence: scrapes the engines' and routers' /metrics while a load point runs (servelab_evidence.py).
"""
import base64
import gzip
import hashlib
import importlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servelab_evidence  # noqa: E402

RESULT_BEGIN = "::servelab-result-begin::"
RESULT_END = "::servelab-result-end::"
RUN_END = "::servelab-run-end::"


def utc_now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def split_passthrough(argv):
    """(the driver's own arguments, everything after `--`, which goes to every benchmark run)."""
    split = argv.index("--") if "--" in argv else len(argv)
    return argv[:split], argv[split + 1:]


def flag_value(args, name, convert=str):
    """The value after `name` in an argument list, or None."""
    return convert(args[args.index(name) + 1]) if name in args else None


def server_root(base_url):
    """Benchmarks that take the server root and the endpoint path separately: http://x/v1 -> http://x."""
    base = base_url.rstrip("/")
    return base[: -len("/v1")] if base.endswith("/v1") else base


def log(message):
    print(f"[servelab {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _request(url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode() or "null")


def download(url, path):
    """Fetches `url` to `path` (logged) and returns the path."""
    log(f"downloading {url}")
    urllib.request.urlretrieve(url, path)
    return path


def wait_ready(base_url, model, timeout_s, poll_s=5):
    """Blocks until GET <base>/models lists `model` and one chat completion succeeds."""
    base = base_url.rstrip("/")
    deadline = time.time() + timeout_s
    last = "no answer yet"
    listed = False
    while time.time() < deadline:
        try:
            if not listed:
                models = [m.get("id") for m in (_request(f"{base}/models") or {}).get("data", [])]
                if model not in models:
                    raise RuntimeError(f"{model} not in /models yet (has {models})")
                listed = True
                log(f"{model} is listed at {base}/models")
            answer = _request(
                f"{base}/chat/completions",
                {"model": model, "messages": [{"role": "user", "content": "Say OK."}], "max_tokens": 1, "temperature": 0},
                timeout=120,
            )
            if answer and answer.get("choices"):
                log("one request succeeded; the endpoint is ready")
                return
            raise RuntimeError(f"answer without choices: {str(answer)[:200]}")
        except (urllib.error.URLError, OSError, RuntimeError, ValueError) as err:
            detail = err.read().decode(errors="replace")[:200] if isinstance(err, urllib.error.HTTPError) else str(err)
            if detail != last:
                log(f"waiting for {base}: {detail}")
                last = detail
            time.sleep(poll_s)
    raise SystemExit(f"servelab: {base} did not serve {model} within {timeout_s}s (last: {last})")


def pip_install(requirements):
    if requirements:
        log(f"pip install {' '.join(requirements)}")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", *requirements], check=True)


def emit_results(paths, status):
    """Prints each file between markers; the last line says whether the run as a whole succeeded."""
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read()
        name = os.path.basename(path)
        sha = hashlib.sha256(raw).hexdigest()
        print(f"{RESULT_BEGIN} name={name} bytes={len(raw)} sha256={sha} encoding=gzip+base64", flush=True)
        sys.stdout.write(base64.encodebytes(gzip.compress(raw, mtime=0)).decode())
        print(f"{RESULT_END} name={name}", flush=True)
    print(f"{RUN_END} status={status} files={len(paths)}", flush=True)


def run_id():
    return os.environ.get("SERVELAB_RUN_ID") or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def _import_or_install(module, requirement):
    """Imports `module`, pip-installing `requirement` first only when the image lacks it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pip_install([requirement])
        return importlib.import_module(module)


def upload_results(bucket, experiment, rid, paths):
    """Uploads to <bucket>/<experiment>/<run id>/ with the credentials servelab gave the Job.

    gs://: the pod's Workload Identity (roles/storage.objectCreator on that prefix: create only).
    s3:// and tos://: the key in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (s3:PutObject / tos:PutObject on
    that prefix), AWS_DEFAULT_REGION, SERVELAB_S3_ENDPOINT and SERVELAB_S3_ADDRESSING_STYLE (TOS takes
    virtual-hosted requests only). One PutObject a file: the key may do nothing else.
    """
    if not bucket:
        return
    scheme, _, rest = bucket.partition("://")
    name, _, prefix = rest.partition("/")
    key_prefix = "/".join(p for p in (prefix.strip("/"), experiment, rid) if p)
    if scheme == "gs":
        storage = _import_or_install("google.cloud.storage", "google-cloud-storage==2.19.0")
        client = storage.Client()
        for path in paths:
            client.bucket(name).blob(f"{key_prefix}/{os.path.basename(path)}").upload_from_filename(path)
    elif scheme in ("s3", "tos"):
        boto3 = _import_or_install("boto3", "boto3==1.38.0")
        from botocore.config import Config  # noqa: PLC0415 (installed with boto3)

        style = os.environ.get("SERVELAB_S3_ADDRESSING_STYLE")
        config = Config(signature_version="s3v4", s3={"addressing_style": style}) if style else None
        client = boto3.client("s3", endpoint_url=os.environ.get("SERVELAB_S3_ENDPOINT") or None, config=config)
        for path in paths:
            with open(path, "rb") as body:
                client.put_object(Bucket=name, Key=f"{key_prefix}/{os.path.basename(path)}", Body=body)
    else:
        raise SystemExit(f"servelab: cannot upload to {bucket}")
    log(f"uploaded {len(paths)} files to {scheme}://{name}/{key_prefix}/")


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")
    return path


def add_common_args(parser):
    parser.add_argument("--base-url", required=True, help="OpenAI base URL, ending in /v1")
    parser.add_argument("--model", required=True)
    parser.add_argument("--experiment", required=True)
    parser.add_argument("--results-dir", required=True)
    parser.add_argument("--ready-timeout", type=int, required=True)
    parser.add_argument("--max-failed-requests", type=int, default=0, help="lost requests a load point may have (benchmark.maxFailedRequests)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of the whole sweep (benchmark.repeats)")
    servelab_evidence.add_args(parser)


def repeat_prefix(experiment, repeat):
    """File-name prefix of one repeat's results: the experiment for the first, <experiment>_repeat<k> after it
    (read back by benchmarks/parsers/fileNames.ts splitRepeat)."""
    return experiment if repeat == 1 else f"{experiment}_repeat{repeat}"


def point_evidence(args, label, load, repeat=1):
    """Starts scraping for one load point of one repeat; call .finish() when the point ends (the evidence file's
    path, <repeat prefix>_evidence_<label>.json, or None)."""
    return servelab_evidence.PointEvidence(args, label, load, repeat, repeat_prefix(args.experiment, repeat))


def with_flag(args, name, value):
    """A copy of an argument list with `name`'s value replaced (or appended when absent)."""
    out = list(args)
    if name in out:
        out[out.index(name) + 1] = str(value)
    else:
        out += [name, str(value)]
    return out


def seeded_repeats(args, bench):
    """(repeat, file prefix, load generator arguments) for each of args.repeats: a repeat after the first gets
    --seed <seed + k - 1>, so it samples other prompts."""
    seed = flag_value(bench, "--seed", int) or 0
    for repeat in range(1, args.repeats + 1):
        yield repeat, repeat_prefix(args.experiment, repeat), bench if repeat == 1 else with_flag(bench, "--seed", seed + repeat - 1)


def lost_requests_failure(args, label, failed, total=None):
    """The failure message when a point lost more requests than --max-failed-requests allows; a loss
    within the limit is only logged (the manifest and the report still show it)."""
    if not failed:
        return None
    counted = f"{failed} of {total}" if total is not None else str(failed)
    if failed > args.max_failed_requests:
        return f"{label}: {counted} requests failed (benchmark.maxFailedRequests is {args.max_failed_requests})"
    log(f"{label}: {counted} requests failed, within benchmark.maxFailedRequests {args.max_failed_requests}")
    return None


def finish(args, harness, points, files, failures, started, failed_requests=None, repeat_failed_requests=None):
    """Writes the manifest, prints and uploads everything, and exits non-zero when any point failed.

    failed_requests: lost requests per point, in the order of `points` (None where unknown), for
    harnesses whose own output cannot show them. With --repeats N > 1, `points` and `failed_requests`
    are the first repeat's and repeat_failed_requests holds one such list per repeat.
    """
    manifest_value = {
        "experiment": args.experiment,
        "harness": harness,
        "points": points,
        "startedAt": started,
        "finishedAt": utc_now(),
        "failures": failures,
        "maxFailedRequests": args.max_failed_requests,
    }
    if failed_requests is not None:
        manifest_value["failedRequests"] = failed_requests
    if getattr(args, "repeats", 1) > 1:
        manifest_value["repeats"] = args.repeats
        if repeat_failed_requests is not None:
            manifest_value["repeatFailedRequests"] = repeat_failed_requests
    manifest = write_json(os.path.join(args.results_dir, "manifest.json"), manifest_value)
    paths = [manifest, *files]
    status = "failed" if failures else "ok"
    emit_results(paths, status)
    upload_results(os.environ.get("SERVELAB_RESULTS_BUCKET", ""), args.experiment, run_id(), paths)
    if failures:
        for failure in failures:
            log(f"FAILED: {failure}")
        raise SystemExit(1)
