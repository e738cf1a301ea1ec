#!/usr/bin/env python3
"""Builds reference renderings of chat templates with Python jinja2, replicating the
environment of Hugging Face transformers' apply_chat_template (chat_template_utils.py):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
extensions=[AssistantTracker ({% generation %}), jinja2.ext.loopcontrols]), its own
tojson filter, raise_exception and strftime_now (here with a FIXED date).

Writes tests/data/chat_templates/expected.json.gz (templates x conversations x
add_generation_prompt) and tests/data/chat_templates/engine_cases.json (small engine
unit cases). Run from the repository root:  python3 tools/make_chat_template_fixtures.py
"""
import datetime
import glob
import gzip
import json
import os
import sys

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(ROOT, "..", "shared", "testdata")
OUT_DIR = os.path.join(ROOT, "tests", "data", "chat_templates")
NOW = datetime.datetime(2026, 7, 26, 10, 30, 0)


class RaisedByTemplate(jinja2.exceptions.TemplateError):
    pass


class GenerationTag(jinja2.ext.Extension):
    # transformers' AssistantTracker, without the index tracking: renders its body.
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    def _generation_support(self, caller):
        return caller()


def make_env():
    def raise_exception(message):
        raise RaisedByTemplate(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return NOW.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationTag, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. \"Paris\""},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "description": "Forecast days"},
            },
            "required": ["city"],
        },
    },
}
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "web_search",
        "description": "Search the web.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "top_k": {"type": "number", "default": 3.5}},
            "required": ["query"],
        },
    },
}

CONVERSATIONS = {
    "single_user": {"messages": [{"role": "user", "content": "Hello!"}]},
    "system_user": {"messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is 2+2?"}]},
    "multi_turn": {"messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke."}]},
    "assistant_last": {"messages": [
        {"role": "user", "content": "Say yes."},
        {"role": "assistant", "content": "Yes."}]},
    "tools_call": {"tools": [WEATHER_TOOL, SEARCH_TOOL], "messages": [
        {"role": "system", "content": "You can call tools."},
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}}]},
        {"role": "tool", "tool_call_id": "call_1", "name": "get_weather",
         "content": "{\"temp\": 21.5, \"sky\": \"clear\"}"},
        {"role": "assistant", "content": "It is 21.5 degrees and clear."},
        {"role": "user", "content": "Thanks"}]},
    "tools_only": {"tools": [WEATHER_TOOL], "messages": [
        {"role": "user", "content": "Use a tool if needed."}]},
    "reasoning": {"messages": [
        {"role": "user", "content": "What is 3*7?"},
        {"role": "assistant", "content": "21", "reasoning_content": "3 times 7 is 21."},
        {"role": "user", "content": "And 3*8?"}]},
    "unicode": {"messages": [
        {"role": "system", "content": "Réponds en français. 你好 🌍"},
        {"role": "user", "content": "Ça va? 😀 — «ok» ∑x² ñ"}]},
    "special_chars": {"messages": [
        {"role": "user", "content": "Quotes: \"double\" 'single' `back`\nNew line\ttab \\ backslash {{ not a tag }} {% x %} <b>&amp;</b>"},
        {"role": "assistant", "content": "  padded answer with trailing newline\n"},
        {"role": "user", "content": "  leading spaces"}]},
    "invalid_roles": {"messages": [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
        {"role": "system", "content": "late system"},
        {"role": "assistant", "content": "a"},
        {"role": "assistant", "content": "b"}]},
}


def template_sources():
    out = []
    for path in sorted(glob.glob(os.path.join(TESTDATA, "chat-templates", "*.jinja"))):
        with open(path, encoding="utf-8") as f:
            out.append((os.path.basename(path), f.read(), {"bos_token": "<s>", "eos_token": "</s>"}))
    for model in ("deepseek-v3", "llama3", "qwen3"):
        with open(os.path.join(TESTDATA, "tokenizers", model, "tokenizer_config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        tokens = {}
        for key in ("bos_token", "eos_token"):
            tok = cfg.get(key)
            if isinstance(tok, dict):
                tok = tok.get("content")
            if tok is not None:
                tokens[key] = tok
        out.append(("tokenizer:" + model, cfg["chat_template"], tokens))
    return out


def render(env, source, variables):
    try:
        return {"text": env.from_string(source).render(**variables)}
    except RaisedByTemplate as e:
        return {"error": str(e), "raised": True}
    except Exception as e:  # any other jinja2/Python failure: the engine must fail too
        return {"error": "%s: %s" % (type(e).__name__, e)}


def build_expected(env):
    templates = []
    for name, source, tokens in template_sources():
        cases = []
        for conv_name, conv in CONVERSATIONS.items():
            for agp in (False, True):
                variables = dict(tokens)
                # As transformers' apply_chat_template: tools and documents are always passed
                # (None when absent), then the special tokens the tokenizer has.
                variables["messages"] = conv["messages"]
                variables["tools"] = conv.get("tools")
                variables["documents"] = None
                variables["add_generation_prompt"] = agp
                cases.append({"conversation": conv_name, "add_generation_prompt": agp,
                              "result": render(env, source, variables)})
        templates.append({"name": name, "variables": tokens, "cases": cases})
    return {"now": NOW.isoformat(), "conversations": CONVERSATIONS, "templates": templates}



# Engine unit cases: (name, template, variables). Expectations come from jinja2 above.
ENGINE_CASES = [
    ("literals", "{{ 1 }}|{{ 1.0 }}|{{ 0.1 }}|{{ 1e-5 }}|{{ 1.5e20 }}|{{ 'a\\'b\\n' }}|{{ \"x\\ty\" }}|{{ true }}|{{ False }}|{{ none }}|{{ None }}", {}),
    ("repr", "{{ [1, 'a', none, true, 2.5] }}|{{ {'a': 1, 'b': [\"it's\"]} }}|{{ (1, 2) }}|{{ (1,) }}|{{ x }}", {"x": {"k": "v\n\"q\"", "n": None}}),
    ("arith", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 1 + 2 * 3 - 4 }} {{ 'a' ~ 1 ~ none }} {{ 'ab' * 3 }} {{ 4 / 2 }} {{ -3 }} {{ 1.5 + 1 }}", {}),
    ("string_plus_list_plus", "{{ 'a' + 'b' }} {{ [1] + [2, 3] }}", {}),
    ("compare", "{{ 1 < 2 }} {{ 2 <= 1 }} {{ 'a' == 'a' }} {{ 1 != 1.0 }} {{ 'b' in 'abc' }} {{ 3 not in [1, 2] }} {{ 'k' in {'k': 1} }} {{ not 0 }} {{ 1 and 'x' }} {{ 0 or '' or 'z' }}", {}),
    ("ternary", "{{ 'y' if x else 'n' }}|{{ 'y' if not x }}|{{ (1 if x else 2) + 1 }}", {"x": False}),
    ("attr_subscript", "{{ d.a }}|{{ d['b'][1] }}|{{ d.missing }}|{{ l[-1] }}|{{ l[1:] }}|{{ l[::-1] }}|{{ s[1:3] }}|{{ s[::-1] }}|{{ d.get('zz', 'def') }}|{{ d.get('a') }}", {"d": {"a": 1, "b": [5, 6]}, "l": [1, 2, 3], "s": "hello"}),
    ("undefined_attr_raises", "{{ nothing.attr }}", {}),
    ("undefined_missing_key_chain_raises", "{{ d.missing.x }}", {"d": {}}),
    ("undefined_tests", "{{ nothing is defined }} {{ nothing is undefined }} {{ d.x is defined }} {% if nothing %}T{% else %}F{% endif %} [{{ nothing }}] {{ nothing | default('dflt') }} {{ '' | default('e', true) }} {{ none | default('nd') }}", {"d": {}}),
    ("is_tests", "{{ 's' is string }} {{ 1 is number }} {{ 1.0 is integer }} {{ 1 is integer }} {{ 1.5 is float }} {{ {} is mapping }} {{ [] is sequence }} {{ 's' is iterable }} {{ none is none }} {{ true is boolean }} {{ true is true }} {{ 0 is false }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 2 is equalto 2 }} {{ 2 is eq 3 }} {{ 2 is ne 3 }} {{ 2 is lt 3 }} {{ 2 is gt 3 }} {{ 2 is in [1, 2] }} {{ range is callable }} {{ 'a' is lower }} {{ 'A' is upper }}", {}),
    ("string_methods", "{{ '  x y  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ 'a b  c'.split() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}|{{ 'hello'.startswith('he') }}|{{ 'hello'.endswith(('x', 'lo')) }}|{{ 'hi there'.title() }}|{{ 'hI'.capitalize() }}|{{ 'aXa'.replace('a', 'b') }}|{{ 'abcabc'.find('c') }}|{{ 'abcabc'.count('bc') }}|{{ '-'.join(['a', 'b']) }}|{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}|{{ '{} and {}'.format(1, 'two') }}|{{ '{0}{name}'.format('x', name='y') }}", {}),
    ("percent_format", "{{ '%s-%d' % ('a', 3) }}|{{ 'x=%s' % 5 }}", {}),
    ("filters_basic", "{{ '  t  ' | trim }}|{{ [1, 2] | length }}|{{ 'abc' | count }}|{{ [3, 4] | first }}|{{ [3, 4] | last }}|{{ [1, 2] | join(', ') }}|{{ 'aB' | upper }}|{{ 'aB' | lower }}|{{ 'ab cd' | title }}|{{ 'ab' | capitalize }}|{{ 'aaa' | replace('a', 'b', 2) }}|{{ 3 | string }}|{{ '42' | int }}|{{ '2.5' | float }}|{{ 'x' | int }}|{{ 'ab' | list }}|{{ [3, 1, 2] | sort }}|{{ [3, 1, 2] | sort(reverse=true) }}|{{ [1, 2] | reverse | list }}|{{ [1, 1, 2] | unique | list }}|{{ 'a<b' | safe }}|{{ -3 | abs }}|{{ 2.567 | round(2) }}|{{ [3, 1] | min }}|{{ [3, 1] | max }}|{{ 'a b c' | wordcount }}|{{ [1, 2, 3] | sum }}", {}),
    ("filters_items", "{% for k, v in d | items %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d.items() %}{{ k }}{% endfor %}|{{ d.keys() | list }}|{{ d.values() | list }}", {"d": {"b": 1, "a": 2}}),
    ("filters_select", "{{ msgs | selectattr('role', 'equalto', 'user') | map(attribute='content') | join(',') }}|{{ msgs | rejectattr('role', 'eq', 'user') | list | length }}|{{ msgs | selectattr('tool') | list | length }}|{{ [1, 2, 3, 4] | select('odd') | list }}|{{ [1, 2, 3, 4] | reject('even') | list }}|{{ ['a', 'b'] | map('upper') | list }}|{{ msgs | map(attribute='missing', default='D') | list }}", {"msgs": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b", "tool": 1}, {"role": "user", "content": "c"}]}),
    ("tojson", "{{ x | tojson }}|{{ x | tojson(indent=2) }}|{{ x | tojson(separators=(',', ':')) }}|{{ x | tojson(sort_keys=true) }}|{{ 'é\"<' | tojson }}|{{ 1.0 | tojson }}|{{ [] | tojson(indent=2) }}", {"x": {"b": [1, 2.5, None, True], "a": "x\ny", "u": "日本", "e": {}}}),
    ("indent", "{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(4, true) }}|{{ 'a\nb' | indent(first=true) }}", {}),
    ("whitespace_control", "a  {{- ' b ' -}}  c\n  {%- if true %}  d  {% endif -%}\n e {# comment #} f {#- c2 -#} g", {}),
    ("trim_lstrip_blocks", "line1\n    {% if true %}\n    inside\n    {% endif %}\nline2\n  {# c #}\nline3 {% if true %}x{% endif %}\n{{ 'v' }}\nend", {}),
    ("lstrip_not_after_text", "ab  {% if true %}X{% endif %}  cd\n\t{%+ if true %}Y{% endif %}\n", {}),
    ("for_loop_vars", "{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}/{{ loop.previtem }}/{{ loop.nextitem }}/{{ loop.cycle('o', 'e') }};{% endfor %}", {"items": ["a", "b", "c"]}),
    ("for_else_filter_unpack", "{% for x in [] %}X{% else %}empty{% endfor %}|{% for x in range(10) if x is odd %}{{ x }}{% endfor %}|{% for a, b in [[1, 2], (3, 4)] %}{{ a }}{{ b }}{% endfor %}|{% for i in range(2, 10, 3) %}{{ i }}{% endfor %}", {}),
    ("for_break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("for_dict_iter", "{% for k in d %}{{ k }}{% endfor %}", {"d": {"z": 1, "y": 2}}),
    ("for_scope", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}", {}),
    ("namespace", "{% set ns = namespace(n=0, s='') %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% set ns.s = ns.s ~ i %}{% endfor %}{{ ns.n }} {{ ns.s }}", {}),
    ("set_block", "{% set body %}Hello {{ name }}!{% endset %}[{{ body }}]{% set a, b = 1, 2 %}{{ a }}{{ b }}", {"name": "W"}),
    ("macro", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(name='C', punct='.') }}", {}),
    ("macro_caller", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold{% endcall %}", {}),
    ("macro_scope", "{% set g = 'G' %}{% macro m() %}{{ g }}{% set g = 'L' %}{{ g }}{% endmacro %}{{ m() }}{{ g }}", {}),
    ("filter_block", "{% filter upper %}abc {{ 'd' }}{% endfilter %}", {}),
    ("raw", "{% raw %}{{ not evaluated }} {% if %}{% endraw %}", {}),
    ("generation", "{% generation %}gen {{ 1 }}{% endgeneration %}", {}),
    ("if_elif", "{% for v in [1, 2, 3] %}{% if v == 1 %}one{% elif v == 2 %}two{% else %}other{% endif %};{% endfor %}", {}),
    ("dict_literal_and_func", "{{ dict(a=1, b='x') }}|{{ {'k': [1, {'n': none}]} }}|{{ range(3) | list }}", {}),
    ("list_append_sandbox", "{% set l = [] %}{% set _ = l.append(1) %}{{ l }}", {}),
    ("raise_exception", "{% if true %}{{ raise_exception('Bad role: ' ~ r) }}{% endif %}", {"r": "x"}),
    ("strftime", "{{ strftime_now('%Y-%m-%d %d %b %Y %H:%M') }}", {}),
    ("float_print", "{{ 3.0 }} {{ 1/3 }} {{ 2.5e-7 }} {{ 1e16 }} {{ 123456789.123 }} {{ 0.5 | string }} {{ 10 / 4 }} {{ 1e100 }}", {}),
    ("int_float_eq", "{{ 1 == 1.0 }} {{ [1, 2] == [1, 2] }} {{ {'a': 1} == {'a': 1} }} {{ 'a' < 'b' }} {{ none == none }}", {}),
    ("bool_ops_values", "{{ [] or 'empty' }} {{ 'x' and 'y' }} {{ none and 1 }} {{ 0 or none }}", {}),
    ("string_escape_in_output", "{{ '<tag> & \"q\"' }}", {}),
    ("loop_nested", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.last }}{% endfor %}", {}),
    ("in_on_list_of_dicts", "{{ 'role' in m }} {{ 'x' in m }} {{ m['role'] }}", {"m": {"role": "user"}}),
    ("string_iter", "{% for c in 'abc' %}{{ c }}-{% endfor %}", {}),
    ("unicode_len_slice", "{{ s | length }} {{ s[1:3] }} {{ s | upper }} {{ s[::-1] }}", {"s": "héllo😀"}),
    ("bad_unclosed_tag", "hello {% if x %}", {}),
    ("bad_unclosed_expr", "hello {{ x ", {}),
    ("bad_unknown_filter", "{{ x | nosuchfilter }}", {}),
    ("bad_syntax", "{{ 1 + }}", {}),
    ("bad_endfor", "{% if x %}{% endfor %}", {}),
    ("bad_unknown_tag", "{% frobnicate %}", {}),
    ("call_undefined", "{{ nosuchfunc(1) }}", {}),
    ("int_plus_string", "{{ 1 + 'a' }}", {}),
    ("items_on_dict_tuple", "{% for item in d.items() %}{{ item[0] }}{{ item[1] }}{% endfor %}", {"d": {"a": 1}}),
    ("join_attribute", "{{ users | join(', ', attribute='name') }}|{{ [1, 2] | join }}", {"users": [{"name": "a"}, {"name": "b"}]}),
    ("default_chain", "{{ m.content | default('', true) | trim }}|{{ (m.tool_calls or []) | length }}", {"m": {"content": None}}),
    ("int_filter_float", "{{ 3.9 | int }} {{ '0x1A' | int(0, 16) }} {{ 5 | float }} {{ true | int }}", {}),
    ("string_of_values", "{{ true | string }} {{ none | string }} {{ [1, 'a'] | string }} {{ 1.0 | string }}", {}),
    ("mapping_iterable_checks", "{{ 'abc' is mapping }} {{ {} is iterable }} {{ 3 is iterable }} {{ 'x' is sequence }} {{ {} is sequence }}", {}),
    ("slice_neg", "{{ l[-2:] }} {{ l[:-1] }} {{ l[1:-1] }} {{ l[5:] }} {{ 'abc'[-1] }}", {"l": [1, 2, 3, 4]}),
    ("neg_index_oob", "[{{ l[10] }}]", {"l": [1]}),
    ("list_index_method", "{{ [1, 2, 3].index(2) }} {{ 'abc'.upper().lower() }}", {}),
    ("tojson_ensure_ascii", "{{ x | tojson(ensure_ascii=true) }}", {"x": {"k": "é日😀\u0001"}}),
    ("select_on_none", "{{ x | selectattr('type', 'equalto', 'a') | list | length }}|{{ x | map(attribute='a') | list }}", {"x": None}),
    ("markup_plus", "{{ 'a<'|safe + '<b>' + \"'\" }}|{{ '<'|e }}|{{ ('x'|safe) ~ '<' }}", {}),
    ("loop_set_each_iteration", "{% set c = 0 %}{% for i in range(3) %}{% set c = c + 1 %}{{ c }}{% endfor %}{{ c }}", {}),
    ("generator_length_error", "{{ [1, 2] | map('string') | length }}", {}),
    ("generator_tojson_error", "{{ [1, 2] | select('odd') | tojson }}", {}),
    ("unknown_filter_in_if_is_runtime", "{% if false %}{{ x | nosuch }}{% endif %}ok", {}),
    ("unknown_filter_in_if_taken", "{% if true %}{{ x | nosuch }}{% endif %}ok", {}),
    ("dict_method_shadows_key", "{{ d['items'] }}|{{ d.get('items') }}", {"d": {"items": 5}}),
    ("split_lines", "{{ 'a\\nb\\n'.splitlines() }} {{ 'x'.isdigit() }} {{ '12'.isdigit() }}", {}),
]


def build_engine_cases(env):
    out = []
    for name, source, variables in ENGINE_CASES:
        out.append({"name": name, "template": source, "variables": variables,
                    "result": render(env, source, variables)})
    return out


def main():
    env = make_env()
    os.makedirs(OUT_DIR, exist_ok=True)
    expected = build_expected(env)
    data = json.dumps(expected, ensure_ascii=False, indent=0, sort_keys=False).encode("utf-8")
    with gzip.GzipFile(os.path.join(OUT_DIR, "expected.json.gz"), "wb", mtime=0) as f:
        f.write(data)
    with open(os.path.join(OUT_DIR, "engine_cases.json"), "w", encoding="utf-8") as f:
        json.dump(build_engine_cases(env), f, ensure_ascii=False, indent=1)
    n = sum(len(t["cases"]) for t in expected["templates"])
    errs = sum(1 for t in expected["templates"] for c in t["cases"] if "error" in c["result"])
    print("templates: %d, renderings: %d (errors: %d)" % (len(expected["templates"]), n, errs), file=sys.stderr)


if __name__ == "__main__":
    main()
