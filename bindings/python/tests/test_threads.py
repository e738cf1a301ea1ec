# Threads: the GIL is released during generation, cancel() from another thread, KeyboardInterrupt, parallel sessions.
from __future__ import annotations

import _thread
import threading
import time

import loka

PROMPT = "It is a truth universally acknowledged"


def test_parallel_sessions_match_serial_results(model):
    expected = [model.generate(f"{PROMPT} {i}", max_tokens=16, temperature=0) for i in range(4)]
    results = [None] * 4

    def work(i):
        with model.session() as s:
            results[i] = s.generate(f"{PROMPT} {i}", max_tokens=16, temperature=0)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_generation_releases_the_gil(model):
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    with model.session() as s:
        s.generate(PROMPT, max_tokens=200, temperature=0, ignore_eos=True)
    done.set()
    t.join()
    assert ticks > 5


def test_cancel_from_another_thread(model):
    with model.session(context_length=512) as s:
        timer = threading.Timer(0.05, s.cancel)
        timer.start()
        text = s.generate(PROMPT, max_tokens=-1, temperature=0, ignore_eos=True)
        timer.join()
        assert s.last_stats.stop_reason in ("cancelled", "context_full")
        assert isinstance(text, str)
        # the session works afterwards
        assert len(s.generate("Hello", max_tokens=4, temperature=0)) > 0
        assert s.last_stats.stop_reason == "max_tokens"


def test_keyboard_interrupt_stops_generation_cleanly(model):
    with model.session(context_length=512) as s:
        pieces = []
        threading.Timer(0.05, _thread.interrupt_main).start()
        try:
            for p in s.stream(PROMPT, max_tokens=-1, temperature=0, ignore_eos=True):
                pieces.append(p)
                time.sleep(0.001)
            raise AssertionError("expected KeyboardInterrupt")
        except KeyboardInterrupt:
            pass
        assert s.last_stats.stop_reason in ("cancelled", "callback", "context_full")
        assert len(s.generate("Hello", max_tokens=4, temperature=0)) > 0
        assert s.last_stats.stop_reason == "max_tokens"


def test_model_default_session_serializes_threads(model):
    out = []

    def work():
        out.append(model.generate(PROMPT, max_tokens=8, temperature=0))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(out)) == 1 and len(out) == 3
