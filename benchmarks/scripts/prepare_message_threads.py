"""Message threads for KubeAI's k6 chat benchmark, prepared as KubeAI's
benchmarks/multi-turn-chat-k6/data/prepare-message-threads.py does (kubeai-project/kubeai@379018b6).

Runs as its own process so that the parsed ShareGPT file (about 700 MB of JSON, several GB as Python
objects) is freed before k6 starts: k6.js parses message-threads.json once per VU (320 in the 70B
scenario), and KubeAI's pod had 24Gi for that alone.

Usage: python3 prepare_message_threads.py <ShareGPT json> <message-threads.json> <max threads>
"""
import json
import sys


def prepare_message_threads(conversations, max_threads):
    """Threads that start with a human turn and have at least 5 human messages totalling at least
    2500 characters; the first `max_threads` of them, each as {id, ..., userMessages}."""
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


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    source, target, max_threads = argv[1], argv[2], int(argv[3])
    with open(source) as f:
        threads = prepare_message_threads(json.load(f), max_threads)
    with open(target, "w") as f:
        json.dump(threads, f)
    print(f"[servelab] prepared {len(threads)} message threads in {target}", flush=True)


if __name__ == "__main__":
    main(sys.argv)
