// Internal: tables of builtin filters and is-tests.
#pragma once

#include <string>
#include <unordered_map>

#include "template/interp.h"
#include "template/parser.h"

namespace loka::tmpl {

using FilterFn = Value (*)(Interp&, Value&, Args&);
using TestFn = bool (*)(Interp&, const Value&, Args&);
using FilterTable = std::unordered_map<std::string, FilterFn>;

const FilterTable& filter_table();
const std::unordered_map<std::string, TestFn>& test_table();
/// Sequence filters (select/map/sort/unique/...), registered by filters_seq.cc.
void add_sequence_filters(FilterTable& table);
/// jinja2's environment.getattr with a dotted path ("function.name", "0").
Value get_path(Interp& in, const Value& obj, const std::string& path);
/// A list-like value whose items are `items`, flagged as a generator like jinja2's lazy filters.
inline Value generator(std::vector<Value> items) { return Value::list(std::move(items), ListKind::kGenerator); }
/// Sequence items for filters; fails like Python for non-iterables.
std::vector<Value> seq_items(const Value& v);

}  // namespace loka::tmpl
