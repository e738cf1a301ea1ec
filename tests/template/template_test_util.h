// Helpers for chat-template tests: reading files and the jinja2 reference fixtures.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "formats/gzip_file.h"
#include "template/chat_template.h"
#include "test_util.h"

namespace loka::test {

inline std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// tests/data/chat_templates/<file>, gunzipped when it ends in .gz.
inline nlohmann::ordered_json load_fixture(const std::string& file) {
  std::string path = source_data_dir() + "/chat_templates/" + file;
  if (file.size() > 3 && file.compare(file.size() - 3, 3, ".gz") == 0) {
    TempFile t = gunzip_to_temp(path, ".json");
    return nlohmann::ordered_json::parse(read_text(t.path()));
  }
  return nlohmann::ordered_json::parse(read_text(path));
}

/// The fixed time the fixtures were rendered with (2026-07-26 10:30:00).
inline RenderOptions fixture_options() {
  RenderOptions o;
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 6;
  tm.tm_mday = 26;
  tm.tm_hour = 10;
  tm.tm_min = 30;
  tm.tm_wday = 0;  // a Sunday
  tm.tm_yday = 206;
  o.now = tm;
  return o;
}

}  // namespace loka::test
