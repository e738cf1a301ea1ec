// GGUF v2/v3 structure parser: header, metadata, alignment, tensor infos and their data ranges.
#include <algorithm>
#include <limits>

#include "core/error.h"
#include "formats/gguf_file_impl.h"
#include "formats/read_cursor.h"

namespace loka {
namespace {

// Smallest encodings, used to reject counts the file cannot hold before reserving:
// a key/value is a u64 key length, a u32 type and a 1-byte value; a tensor info is a
// u64 name length, u32 n_dims, u32 type and u64 offset.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;

using Impl = GgufFile::Impl;

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

void parse_header(ReadCursor& c, Impl& f, uint64_t* n_tensors, uint64_t* n_kv) {
  const std::string_view magic = c.read_view(4, "magic");
  if (magic != "GGUF") {
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned char ch : magic) hex += std::string{kHex[ch >> 4], kHex[ch & 15], ' '};
    hex.pop_back();
    c.fail_at(0, "magic", "expected \"GGUF\" (47 47 55 46), found " + hex + ": not a GGUF file");
  }
  f.version = c.read<uint32_t>("version");
  if (f.version != 2 && f.version != 3) {
    const uint32_t swapped = __builtin_bswap32(f.version);
    if (swapped == 2 || swapped == 3) {
      c.fail_at(4, "version", "big-endian GGUF v" + std::to_string(swapped) + " is not supported");
    }
    c.fail_at(
        4, "version",
        "GGUF version " + std::to_string(f.version) + " is not supported (only versions 2 and 3)");
  }
  *n_tensors = c.read<uint64_t>("tensor_count");
  *n_kv = c.read<uint64_t>("kv_count");
  c.require_items(*n_kv, kMinKvBytes, "kv_count");
  c.require_items(*n_tensors, kMinTensorInfoBytes, "tensor_count");
}

void parse_metadata(ReadCursor& c, Impl& f, uint64_t n_kv) {
  f.entries.reserve(n_kv);
  f.entry_index.reserve(n_kv);
  for (uint64_t i = 0; i < n_kv; ++i) {
    const uint64_t key_offset = c.offset();
    const std::string kv_field = "metadata entry " + std::to_string(i);
    const uint64_t len = c.read<uint64_t>(kv_field + " key length");
    const std::string_view key = c.read_view(len, kv_field + " key");
    if (!is_valid_utf8(key)) c.fail_at(key_offset, kv_field + " key", "is not valid UTF-8");
    const uint32_t type = c.read<uint32_t>("value type of metadata key " + quoted(key));
    const detail::GgufNode node = parse_gguf_value(c, type, f.store, key);
    const auto [it, inserted] = f.entry_index.emplace(key, f.entries.size());
    if (!inserted) {
      c.fail_at(key_offset, "metadata key " + quoted(key),
                "duplicate key (first at byte offset " +
                    std::to_string(f.entries[it->second].key_offset) + ")");
    }
    f.entries.push_back({key, key_offset, node});
  }
}

void read_alignment(ReadCursor& c, Impl& f) {
  const auto it = f.entry_index.find("general.alignment");
  if (it == f.entry_index.end()) return;
  const Impl::Entry& e = f.entries[it->second];
  if (e.node.type != GgufType::kUint32) {
    c.fail_at(e.key_offset, "metadata key 'general.alignment'",
              "has type " + std::string(gguf_type_name(e.node.type)) + ", expected uint32");
  }
  const uint32_t a = load_le<uint32_t>(c.data() + e.node.offset);
  if (a == 0 || (a & (a - 1)) != 0) {
    c.fail_at(e.node.offset, "metadata key 'general.alignment'",
              "value " + std::to_string(a) + " is not a non-zero power of two");
  }
  f.alignment = a;
}

GgufTensorInfo parse_tensor_info(ReadCursor& c, const Impl& f, uint64_t i) {
  GgufTensorInfo t;
  t.info_offset = c.offset();
  const std::string ti_field = "tensor info " + std::to_string(i);
  const uint64_t len = c.read<uint64_t>(ti_field + " name length");
  t.name = c.read_view(len, ti_field + " name");
  if (!is_valid_utf8(t.name)) c.fail_at(t.info_offset, ti_field + " name", "is not valid UTF-8");
  const std::string field = "tensor " + quoted(t.name);

  const uint64_t dims_offset = c.offset();
  const uint32_t n_dims = c.read<uint32_t>(field + " n_dims");
  if (n_dims > static_cast<uint32_t>(kGgufMaxDims)) {
    c.fail_at(dims_offset, field + " n_dims",
              std::to_string(n_dims) + " dimensions, more than " + std::to_string(kGgufMaxDims));
  }
  int64_t ne[kGgufMaxDims];
  int64_t numel = 1;
  for (uint32_t d = 0; d < n_dims; ++d) {
    const uint64_t v = c.read<uint64_t>(field + " ne[" + std::to_string(d) + "]");
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      c.fail(field + " ne[" + std::to_string(d) + "]",
             "extent " + std::to_string(v) + " is too large");
    }
    ne[d] = static_cast<int64_t>(v);
    if (__builtin_mul_overflow(numel, ne[d], &numel)) {
      c.fail_at(dims_offset, field + " dims", "product of the extents overflows int64");
    }
  }
  for (int d = static_cast<int>(n_dims) - 1; d >= 0; --d) t.shape.push_back(ne[d]);
  t.numel = numel;

  const uint32_t raw_type = c.read<uint32_t>(field + " type");
  const GgmlTypeInfo* info = ggml_type_info(raw_type);
  if (info == nullptr) {
    c.fail_at(c.offset() - 4, field + " type", "unknown ggml type id " + std::to_string(raw_type));
  }
  t.type = info->type;
  const int64_t inner = n_dims > 0 ? ne[0] : 1;
  if (inner % info->block_elems != 0) {
    c.fail_at(dims_offset, field + " ne[0]",
              "extent " + std::to_string(inner) + " is not a multiple of the " +
                  std::string(info->name) + " block size " + std::to_string(info->block_elems));
  }
  const std::optional<uint64_t> nbytes = ggml_nbytes(t.type, static_cast<uint64_t>(numel));
  if (!nbytes) c.fail_at(dims_offset, field + " dims", "byte size overflows uint64");
  t.nbytes = *nbytes;

  t.offset = c.read<uint64_t>(field + " offset");
  if (t.offset % f.alignment != 0) {
    c.fail_at(c.offset() - 8, field + " offset",
              "data offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                  std::to_string(f.alignment));
  }
  return t;
}

void parse_tensor_infos(ReadCursor& c, Impl& f, uint64_t n_tensors) {
  c.require_items(n_tensors, kMinTensorInfoBytes, "tensor_count");
  f.tensors.reserve(n_tensors);
  f.tensor_index.reserve(n_tensors);
  for (uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensorInfo t = parse_tensor_info(c, f, i);
    const auto [it, inserted] = f.tensor_index.emplace(t.name, f.tensors.size());
    if (!inserted) {
      c.fail_at(t.info_offset, "tensor " + quoted(t.name),
                "duplicate tensor name (first at byte offset " +
                    std::to_string(f.tensors[it->second].info_offset) + ")");
    }
    f.tensors.push_back(t);
  }
}

// The data section starts at the aligned end of the infos; every tensor's bytes lie
// inside the file and no two tensors overlap.
void place_tensor_data(ReadCursor& c, Impl& f) {
  const uint64_t end_of_infos = c.offset();
  f.data_offset = (end_of_infos + f.alignment - 1) / f.alignment * f.alignment;
  if (f.tensors.empty()) return;  // files without tensors may end right after the metadata
  const uint64_t size = c.size();
  if (f.data_offset > size) {
    c.fail_at(end_of_infos, "data section",
              "starts at byte offset " + std::to_string(f.data_offset) + " (aligned to " +
                  std::to_string(f.alignment) + ") but the file has only " + std::to_string(size) +
                  " bytes");
  }
  const uint64_t data_size = size - f.data_offset;
  for (GgufTensorInfo& t : f.tensors) {
    if (t.offset > data_size || t.nbytes > data_size - t.offset) {
      c.fail_at(t.info_offset, "tensor " + quoted(t.name) + " data",
                std::to_string(t.nbytes) + " bytes at data offset " + std::to_string(t.offset) +
                    " run past the end of the file (data section holds " +
                    std::to_string(data_size) + " bytes)");
    }
    t.file_offset = f.data_offset + t.offset;
  }
  std::vector<const GgufTensorInfo*> order;
  order.reserve(f.tensors.size());
  for (const GgufTensorInfo& t : f.tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(),
            [](const auto* a, const auto* b) { return a->offset < b->offset; });
  const GgufTensorInfo* last = nullptr;  // the tensor reaching furthest so far
  uint64_t last_end = 0;
  for (const GgufTensorInfo* t : order) {
    if (t->nbytes == 0) continue;
    if (last != nullptr && t->offset < last_end) {
      c.fail_at(t->info_offset, "tensor " + quoted(t->name) + " data",
                "bytes at data offset " + std::to_string(t->offset) + " overlap tensor " +
                    quoted(last->name) + " (data offset " + std::to_string(last->offset) + ", " +
                    std::to_string(last->nbytes) + " bytes)");
    }
    if (t->offset + t->nbytes > last_end) last = t, last_end = t->offset + t->nbytes;
  }
}

}  // namespace

std::shared_ptr<GgufFile::Impl> parse_gguf(std::shared_ptr<FileBytes> bytes) {
  LOKA_CHECK(bytes != nullptr, ErrorCode::kInvalidArgument, "parse_gguf: null file bytes");
  auto f = std::make_shared<Impl>();
  f->bytes = std::move(bytes);
  f->store.base = f->bytes->data();
  f->store.source = f->bytes->path();
  ReadCursor c(f->bytes->data(), f->bytes->size(), f->bytes->path());
  uint64_t n_tensors = 0, n_kv = 0;
  parse_header(c, *f, &n_tensors, &n_kv);
  parse_metadata(c, *f, n_kv);
  read_alignment(c, *f);
  parse_tensor_infos(c, *f, n_tensors);
  place_tensor_data(c, *f);
  return f;
}

}  // namespace loka
