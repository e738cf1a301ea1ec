// The open_chunks op on CUDA: one registered kernel (open_chunks.cc) that hands the node to
// the opener of its cipher suite.
#pragma once

#include "ops/op.h"

namespace loka::cuda {

class DeviceContext;

bool supports_gcm_open(const OpNode& n);
void run_gcm_open(const OpNode& n, DeviceContext& ctx);

bool supports_sm4_open(const OpNode& n);
void run_sm4_open(const OpNode& n, DeviceContext& ctx);

}  // namespace loka::cuda
