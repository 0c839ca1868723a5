"""Rehearsals: writes a tokenizer that needs no download into a folder, then runs the benchmark driver.

    python3 offline_tokenizer.py <folder> -- <driver command and its arguments>

The tokenizer is byte-level BPE with the 256 byte tokens and no merges (one token a byte: any text round-trips,
nothing is unknown), an end-of-text token and a plain chat template (vLLM's sonnet dataset asks for one), in the two
files AutoTokenizer.from_pretrained(<folder>) reads (tokenizer.json, tokenizer_config.json naming
PreTrainedTokenizerFast). The load generator gets `--tokenizer <folder>` instead of the model's Hugging Face id, so
it downloads nothing. Token counts are bytes, not the model's tokens: a rehearsal checks wiring, not numbers.
Standard library only.
"""
import json
import os
import sys

EOS = "<|endoftext|>"
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)


def byte_alphabet():
    """GPT-2's byte-to-character map (the ByteLevel pre-tokenizer's alphabet): one printable character a byte."""
    printable = set(range(ord("!"), ord("~") + 1)) | set(range(0xA1, 0xAC + 1)) | set(range(0xAE, 0xFF + 1))
    chars, shifted = [], 0
    for b in range(256):
        if b in printable:
            chars.append(chr(b))
        else:
            chars.append(chr(256 + shifted))
            shifted += 1
    return chars


def tokenizer_files():
    vocab = {c: i for i, c in enumerate(byte_alphabet())}
    eos_id = len(vocab)
    vocab[EOS] = eos_id
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": eos_id, "content": EOS, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}],
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": None,
        "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": []},
    }
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "eos_token": EOS, "bos_token": EOS, "model_max_length": 1000000, "chat_template": CHAT_TEMPLATE}
    return {"tokenizer.json": tokenizer, "tokenizer_config.json": config}


def write(folder):
    os.makedirs(folder, exist_ok=True)
    for name, value in tokenizer_files().items():
        with open(os.path.join(folder, name), "w") as f:
            json.dump(value, f, ensure_ascii=False)
    print(f"[servelab] offline tokenizer written to {folder} (one token a byte; rehearsal)", flush=True)


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        raise SystemExit("usage: offline_tokenizer.py <folder> -- <command> [args...]")
    write(argv[0])
    command = argv[2:]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
