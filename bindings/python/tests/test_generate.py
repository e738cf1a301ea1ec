# Generation tests: determinism, streaming, stop strings, chat, statistics and logits.
from __future__ import annotations

import numpy as np

import loka

PROMPT = "It is a truth universally acknowledged"


def test_greedy_is_deterministic_and_streams_the_same_text(model):
    text = model.generate(PROMPT, max_tokens=24, temperature=0)
    assert len(text) > 10
    assert "".join(model.stream(PROMPT, max_tokens=24, temperature=0)) == text
    with model.session() as s:
        assert s.generate(PROMPT, max_tokens=24, temperature=0) == text
        assert s.generate(model.tokenize(PROMPT), max_tokens=24, temperature=0) == text


def test_seeded_sampling_repeats(model):
    a = model.generate(PROMPT, max_tokens=20, temperature=1.0, top_p=0.9, seed=7)
    b = model.generate(PROMPT, max_tokens=20, temperature=1.0, top_p=0.9, seed=7)
    assert a == b


def test_stream_yields_pieces_as_produced(model):
    pieces = list(model.stream(PROMPT, max_tokens=12, temperature=0))
    assert len(pieces) >= 6
    assert all(isinstance(p, str) and p for p in pieces)


def test_stop_strings_end_the_text(model):
    full = model.generate(PROMPT, max_tokens=40, temperature=0)
    stop = full[5:8]
    cut = model.generate(PROMPT, max_tokens=40, temperature=0, stop=[stop])
    assert cut == full[:full.index(stop)]
    assert model.last_stats.stop_reason == "stop_string"


def test_stats(model):
    model.generate(PROMPT, max_tokens=8, temperature=0)
    s = model.last_stats
    assert s.prompt_tokens == 10
    assert s.generated_tokens == 8
    assert s.stop_reason == "max_tokens"
    assert s.time_to_first_token_ms > 0


def test_chat(model):
    msgs = [{"role": "user", "content": "Where is Mr. Darcy?"}]
    answer = model.chat(msgs, max_tokens=20, temperature=0)
    assert answer == "".join(model.stream_chat(msgs, max_tokens=20, temperature=0))
    assert len(answer) > 0


def test_logits_agree_with_greedy_choice(model):
    with model.session() as s:
        s.generate(PROMPT, max_tokens=0, temperature=0)
        logits = s.logits()
        assert logits.dtype == np.float32 and logits.shape == (4096,)
        assert np.isfinite(logits).all()
        s.reset()
        ids = model.tokenize(PROMPT)
        s.generate(ids, max_tokens=1, temperature=0)
        assert s.last_stats.generated_tokens == 1
        np.testing.assert_array_equal(s.logits(), logits)
        # the greedy token continues the prompt the way the argmax says
        first = s.generate(ids, max_tokens=1, temperature=0)
        assert first == model.detokenize(ids[1:] + [int(logits.argmax())])[len(PROMPT):]


def test_breaking_out_of_a_stream_leaves_the_session_usable(model):
    with model.session() as s:
        for i, _ in enumerate(s.stream(PROMPT, max_tokens=200, temperature=0)):
            if i == 2:
                break
        assert s.last_stats.stop_reason in ("callback", "cancelled")
        assert len(s.generate(PROMPT, max_tokens=5, temperature=0)) > 0
        assert s.last_stats.stop_reason == "max_tokens"
