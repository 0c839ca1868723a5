"""Server-side evidence beside every load point (standard library only), imported by servelab_common.

While a point runs, a background thread scrapes every engine's Prometheus /metrics (and the router's, where it
exposes one) at the start, every --scrape-interval seconds, and at the end. The raw pages are written to
<experiment>_evidence_<label>.json (<experiment>_repeat<k>_evidence_<label>.json for repeat k > 1 of --repeats),
which travels with the other results (log markers and bucket) and is read by benchmarks/evidence/ (format:
benchmarks/evidence/types.ts, EvidenceFile).

Engine pods are found through the Kubernetes API: GET /api/v1/namespaces/<ns>/pods?labelSelector=... with the
pod's ServiceAccount token, which servelab binds to a Role that may only get and list pods in the experiment's
namespace. The API gives what DNS cannot: pod names (one series per replica for the whole sweep), restarts (a
restarted engine resets its counters) and the image digest each container runs (status.containerStatuses[].imageID).

To keep the pod log small (kubelet rotates it at 10 MiB, and the log API serves only the newest file), the start
and end pages are kept whole and the pages in between keep only gauges and counters (what the in-between samples are
for): histograms, summaries and HELP go. A long point (sonnet's stress profile runs one point for hours) would still
grow without bound, so once the in-between pages pass DURING_BUDGET_CHARS every other round is dropped and the
interval doubles: the samples keep covering the whole point, and the file records the interval it ended with.
The client's own CPU use (cgroup cpu.stat, else os.times) is recorded so a saturated load generator is visible.
"""
import json
import os
import ssl
import threading
import time
import urllib.parse
import urllib.request

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SCRAPE_TIMEOUT_S = 5
FORMAT_VERSION = 1
# In-between page text one point keeps (about 0.6 to 1 MB once gzip + base64 encoded in the log).
DURING_BUDGET_CHARS = 6_000_000


def add_args(parser):
    parser.add_argument("--scrape-engine-pods", help="label selector of the engine pods in this namespace (Kubernetes API)")
    parser.add_argument("--scrape-engine-port", type=int, default=8000, help="port of the engines' /metrics")
    parser.add_argument("--scrape-router", action="append", default=[], help="<name>=<url of a router's /metrics>")
    parser.add_argument("--scrape-router-pods", action="append", default=[], help="<name>=<label selector>@<port>: router pods scraped by IP")
    parser.add_argument("--scrape-interval", type=float, default=15.0, help="seconds between scrapes within a point")
    parser.add_argument("--evidence-serving", action="append", default=[], help="<key>=<value> about what ran (router, kvTier, engineImage)")


def _log(message):
    print(f"[servelab {time.strftime('%H:%M:%S')}] evidence: {message}", flush=True)


def _read(path):
    with open(path) as f:
        return f.read().strip()


class KubeApi:
    """The in-cluster API with the pod's ServiceAccount (SERVELAB_KUBE_API / SERVELAB_SA_DIR override both, for tests)."""

    def __init__(self):
        sa_dir = os.environ.get("SERVELAB_SA_DIR", SERVICE_ACCOUNT_DIR)
        self.namespace = _read(os.path.join(sa_dir, "namespace"))
        self.token = _read(os.path.join(sa_dir, "token"))
        host, port = os.environ.get("KUBERNETES_SERVICE_HOST"), os.environ.get("KUBERNETES_SERVICE_PORT")
        self.base = os.environ.get("SERVELAB_KUBE_API") or f"https://{host}:{port}"
        ca = os.path.join(sa_dir, "ca.crt")
        self.context = ssl.create_default_context(cafile=ca) if self.base.startswith("https") and os.path.exists(ca) else None

    def pods(self, selector):
        query = urllib.parse.urlencode({"labelSelector": selector})
        req = urllib.request.Request(
            f"{self.base}/api/v1/namespaces/{self.namespace}/pods?{query}", headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10, context=self.context) as resp:
            return json.loads(resp.read().decode()).get("items", [])


def _pod_target(pod, role, name_prefix, port):
    status = pod.get("status", {})
    containers = status.get("containerStatuses") or []
    ip = status.get("podIP")
    return {
        "name": f"{name_prefix}{pod['metadata']['name']}",
        "role": role,
        "url": f"http://{ip}:{port}/metrics" if ip else None,
        "pod": pod["metadata"]["name"],
        "node": pod.get("spec", {}).get("nodeName"),
        "phase": status.get("phase"),
        "restarts": sum(c.get("restartCount", 0) for c in containers),
        "images": [{"container": c.get("name"), "image": c.get("image"), "imageID": c.get("imageID")} for c in containers],
    }


def _live(pod):
    """A pod that can serve: not finished (an evicted engine stays listed as Failed until garbage-collected, and its
    old IP may belong to another pod by now) and not being deleted (the old pods of a rollout)."""
    return pod.get("status", {}).get("phase") not in ("Succeeded", "Failed") and not pod.get("metadata", {}).get("deletionTimestamp")


def _split(spec, sep):
    name, _, rest = spec.partition(sep)
    if not name or not rest:
        raise SystemExit(f"servelab: cannot read {spec!r}: expected <name>{sep}<value>")
    return name, rest


def discover(args):
    """(targets, discovery notes): engines and routers to scrape, as found now."""
    targets, notes = [], []
    selectors = []
    if args.scrape_engine_pods:
        selectors.append(("engine", "", args.scrape_engine_pods, args.scrape_engine_port))
    for spec in args.scrape_router_pods:
        name, rest = _split(spec, "=")
        selector, _, port = rest.rpartition("@")
        selectors.append(("router", f"{name}/", selector, int(port)))
    if selectors:
        try:
            api = KubeApi()
            for role, prefix, selector, port in selectors:
                listed = api.pods(selector)
                pods = [p for p in listed if _live(p)]
                gone = [f"{p['metadata']['name']} ({p.get('status', {}).get('phase') or '?'}{', deleting' if p['metadata'].get('deletionTimestamp') else ''})" for p in listed if not _live(p)]
                if gone:
                    notes.append(f"not scraped, finished or being deleted: {', '.join(gone)}")
                if not pods:
                    notes.append(f"no live pod matches {selector} in {api.namespace}")
                targets += [_pod_target(p, role, prefix, port) for p in pods]
        except Exception as err:  # noqa: BLE001 (evidence never fails a benchmark: the file says what went wrong)
            detail = err.read().decode(errors="replace")[:200] if hasattr(err, "read") else str(err)
            notes.append(f"the Kubernetes API did not list pods: {type(err).__name__}: {detail}")
    for spec in args.scrape_router:
        name, url = _split(spec, "=")
        targets.append({"name": name, "role": "router", "url": url})
    return targets, notes


HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count", "_created")


def _thin(text):
    """A page between start and end: gauges and counters only (histograms and summaries, HELP lines dropped)."""
    heavy, kept = set(), []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) >= 4 and parts[3] in ("histogram", "summary"):
                heavy.add(parts[2])
                continue
        if line.startswith("# HELP"):
            continue
        name = line.split("{", 1)[0].split(" ", 1)[0]
        base = next((name[: -len(s)] for s in HISTOGRAM_SUFFIXES if name.endswith(s)), name)
        if name in heavy or base in heavy:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def scrape(target):
    if not target.get("url"):
        return {"error": "the pod has no IP yet"}
    try:
        with urllib.request.urlopen(target["url"], timeout=SCRAPE_TIMEOUT_S) as resp:
            return {"text": resp.read().decode(errors="replace")}
    except Exception as err:  # noqa: BLE001 (a failed scrape is recorded, never raised)
        return {"error": f"{type(err).__name__}: {err}"[:300]}


def cgroup_cpu_seconds():
    """(CPU seconds the whole container used so far, where it came from), or (None, None)."""
    try:
        for line in _read("/sys/fs/cgroup/cpu.stat").splitlines():
            key, _, value = line.partition(" ")
            if key == "usage_usec":
                return int(value) / 1e6, "cgroup v2 cpu.stat usage_usec"
    except OSError:
        pass
    try:
        return int(_read("/sys/fs/cgroup/cpuacct/cpuacct.usage")) / 1e9, "cgroup v1 cpuacct.usage"
    except (OSError, ValueError):
        return None, None


def cgroup_cpu_limit():
    """The container's CPU limit in cores (cgroup v2 cpu.max, v1 cfs quota), or None when unlimited or unknown."""
    try:
        quota, period = _read("/sys/fs/cgroup/cpu.max").split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota = int(_read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"))
        return None if quota <= 0 else quota / int(_read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))
    except (OSError, ValueError):
        return None


def process_cpu_seconds():
    """This driver and the children it has waited for (the benchmark processes of finished points)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class PointEvidence:
    """Scrapes while one load point of one repeat runs; finish() writes <prefix>_evidence_<label>.json and returns
    its path (or None when off). The prefix is the repeat's file-name prefix, so each repeat keeps its own file."""

    def __init__(self, args, label, load, repeat=1, prefix=None):
        self.args, self.label, self.load, self.repeat = args, label, load, repeat
        self.prefix = prefix or args.experiment
        self.enabled = bool(args.scrape_engine_pods or args.scrape_router or args.scrape_router_pods)
        self.snapshots = []
        self.during, self.during_chars = [], 0
        self.interval = args.scrape_interval
        self.stop = threading.Event()
        if not self.enabled:
            return
        self.targets, self.notes = discover(args)
        self.started = time.time()
        self.cpu0 = (cgroup_cpu_seconds(), process_cpu_seconds())
        self.snapshots = self._scrape_all("start")
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        _log(f"{label}: scraping {len(self.targets)} targets every {args.scrape_interval:g}s")

    def _scrape_all(self, phase):
        snapshots = []
        for target in self.targets:
            at = time.time()
            page = scrape(target)
            if phase == "during" and "text" in page:
                page["text"] = _thin(page["text"])
            snapshots.append({"target": target["name"], "phase": phase, "at": round(at, 3), **page})
        return snapshots

    def _loop(self):
        while not self.stop.wait(self.interval):
            self._during_round()

    def _during_round(self):
        """One in-between round; past the budget, every other kept round goes and the interval doubles."""
        round_ = self._scrape_all("during")
        self.during.append(round_)
        self.during_chars += sum(len(s.get("text", "")) for s in round_)
        if self.during_chars > DURING_BUDGET_CHARS and len(self.during) > 1:
            self.during = self.during[::2]
            self.during_chars = sum(len(s.get("text", "")) for r in self.during for s in r)
            self.interval *= 2
            self.notes = [n for n in self.notes if not n.startswith("in-between pages")] + [
                f"in-between pages kept every {self.interval:g}s (from {self.args.scrape_interval:g}s) to stay under {DURING_BUDGET_CHARS} characters"
            ]

    def finish(self):
        if not self.enabled:
            return None
        self.stop.set()
        self.thread.join()
        self.snapshots += [s for r in self.during for s in r] + self._scrape_all("end")
        finished = time.time()
        (cg1, source), proc1 = cgroup_cpu_seconds(), process_cpu_seconds()
        (cg0, _), proc0 = self.cpu0
        cgroup = cg1 is not None and cg0 is not None
        value = {
            "servelabEvidence": FORMAT_VERSION,
            "experiment": self.args.experiment,
            "label": self.label,
            "load": self.load,
            "repeat": self.repeat,
            "startedAt": round(self.started, 3),
            "finishedAt": round(finished, 3),
            "intervalSeconds": self.interval,
            "serving": dict(_split(spec, "=") for spec in self.args.evidence_serving),
            "discovery": {"engineSelector": self.args.scrape_engine_pods, "enginePort": self.args.scrape_engine_port, "notes": self.notes},
            "targets": self.targets,
            "snapshots": self.snapshots,
            "client": {
                "cpuSeconds": round((cg1 - cg0) if cgroup else (proc1 - proc0), 3),
                "cpuSource": source if cgroup else "os.times (driver and finished benchmark processes)",
                "wallSeconds": round(finished - self.started, 3),
                "cpuLimitCores": cgroup_cpu_limit(),
            },
        }
        path = os.path.join(self.args.results_dir, f"{self.prefix}_evidence_{self.label}.json")
        with open(path, "w") as f:
            json.dump(value, f, sort_keys=True)
            f.write("\n")
        failed = sum(1 for s in self.snapshots if "error" in s)
        _log(f"{self.label}: {len(self.snapshots)} scrapes of {len(self.targets)} targets ({failed} failed) in {os.path.basename(path)}")
        return path
