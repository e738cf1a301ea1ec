#!/usr/bin/env python3
"""Streaming chat in a terminal with the loka Python bindings: each line you type gets an answer, printed as it is generated.

    python3 examples/python/chat.py                      # the bundled demo model
    python3 examples/python/chat.py --model PATH --max-tokens 200

Ctrl-C stops an answer (the conversation goes on); Ctrl-D or an empty line ends.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import loka

DEMO = Path(__file__).resolve().parents[1] / "models" / "austen-6m"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(DEMO))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--system", default=None, help="a system message")
    args = ap.parse_args()

    try:
        model = loka.Model(args.model, device=args.device)
    except loka.LokaError as e:
        print(f"chat: {e}", file=sys.stderr)
        return 1
    interactive = sys.stdin.isatty()
    messages: list[dict[str, str]] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    with model, model.session() as session:
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = sys.stdin.readline()
            if not line.strip():
                break
            messages.append({"role": "user", "content": line.strip()})
            if not interactive:
                print(f"> {line.strip()}")
            answer = []
            try:
                for piece in session.stream_chat(messages, max_tokens=args.max_tokens,
                                                 temperature=args.temperature):
                    answer.append(piece)
                    print(piece, end="", flush=True)
            except KeyboardInterrupt:
                print(" [stopped]", end="")
            print()
            messages.append({"role": "assistant", "content": "".join(answer)})
            s = session.last_stats
            if s is not None:
                print(f"[{s.generated_tokens} tokens, {s.decode_tokens_per_s:.0f} tokens/s, "
                      f"{s.cached_tokens} cached prompt tokens, {s.stop_reason}]", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
