# Model-level tests: info, tokenize/detokenize, chat templates, context managers and release.
from __future__ import annotations

import loka
from conftest import DEMO


def test_version():
    assert loka.version() == loka.__version__


def test_info(model):
    info = model.info
    assert info.architecture == "LlamaForCausalLM"
    assert info.vocab_size == 4096
    assert info.format == "safetensors"
    assert info.layers > 0


def test_tokenize_matches_hf_tokenizers(model):
    # Ids from Hugging Face tokenizers (as tests/capi/test_capi.cc).
    ids = model.tokenize("It is a truth universally acknowledged")
    assert ids == [0, 1426, 366, 260, 1918, 474, 74, 1180, 556, 2763]
    assert model.detokenize(ids[1:]) == "It is a truth universally acknowledged"
    assert model.tokenize("") == [0]
    assert model.tokenize("", add_special=False) == []


def test_tokenize_unicode_round_trip(model):
    text = "Élise — naïve café ☕"
    assert model.detokenize(model.tokenize(text, add_special=False)) == text


def test_chat_template_as_jinja2_renders_it(model):
    # Expected text rendered by Python jinja2 from the demo model's tokenizer_config.json.
    assert model.apply_chat_template([{"role": "user", "content": "hi"}]) == '"hi" said Mr. Bennet.\n\n"'
    assert model.apply_chat_template([("user", "hi")]) == '"hi" said Mr. Bennet.\n\n"'


def test_context_manager_releases():
    with loka.Model(DEMO) as m:
        assert m.generate("Hello", max_tokens=2, temperature=0) is not None
    assert m._handle is None
    try:
        m.tokenize("x")
        raise AssertionError("a closed model must refuse")
    except loka.InvalidArgumentError as e:
        assert "closed" in str(e)
    m.close()  # twice is fine


def test_sessions_outlive_their_model():
    m = loka.Model(DEMO)
    s = m.session()
    m.close()
    assert len(s.generate("Hello", max_tokens=3, temperature=0)) > 0
    s.close()


def test_progress_callback():
    seen = []
    with loka.Model(DEMO, progress=seen.append):
        pass
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)
