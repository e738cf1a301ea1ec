#!/usr/bin/env python3
"""RoPE inverse frequencies transcribed from Hugging Face transformers'
modeling_rope_utils.py (_compute_llama3_parameters, _compute_yarn_parameters,
v5.x), in numpy float64; prints the literals used by
tests/conformance/test_rope.cc. HF evaluates the same formulas in float32."""
import math

import numpy as np


def default_inv_freq(base, dim):
    return 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.int64).astype(np.float64) / dim))


def llama3_inv_freq(base, dim, factor, low_freq_factor, high_freq_factor, old_context_len):
    inv_freq = default_inv_freq(base, dim)
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context_len / wavelen - low_freq_factor) / (
        high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return np.where(is_medium, smoothed, inv_freq_llama)


def yarn_inv_freq(base, dim, factor, original_max_position_embeddings, beta_fast=32,
                  beta_slow=1, attention_factor=None, truncate=True):
    def get_mscale(scale, mscale=1):
        if scale <= 1:
            return 1.0
        return 0.1 * mscale * math.log(scale) + 1.0

    if attention_factor is None:
        attention_factor = get_mscale(factor)

    def find_correction_dim(num_rotations):
        return (dim * math.log(original_max_position_embeddings /
                               (num_rotations * 2 * math.pi))) / (2 * math.log(base))

    low = find_correction_dim(beta_fast)
    high = find_correction_dim(beta_slow)
    if truncate:
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
    pos_freqs = base ** (np.arange(0, dim, 2).astype(np.float64) / dim)
    extrapolation = 1.0 / pos_freqs
    interpolation = 1.0 / (factor * pos_freqs)
    extrapolation_factor = 1 - ramp
    inv_freq = interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor
    return inv_freq, attention_factor


def emit(name, values):
    print("const std::vector<double> " + name + " = {")
    items = [f"{v:.17g}" for v in values]
    line = "   "
    for i, it in enumerate(items):
        sep = "," if i + 1 < len(items) else ""
        if len(line) + len(it) + len(sep) + 1 > 100:
            print(line)
            line = "   "
        line += " " + it + sep
    print(line)
    print("};")


if __name__ == "__main__":
    # Llama 3.1: theta 500000, factor 8, low 1, high 4, original 8192; head_dim 64.
    emit("kLlama3InvFreq", llama3_inv_freq(500000.0, 64, 8.0, 1.0, 4.0, 8192))
    # Qwen2.5-style YaRN: theta 1e6, factor 4, original 32768, beta 32/1; head_dim 64.
    inv, att = yarn_inv_freq(1e6, 64, 4.0, 32768)
    emit("kYarnInvFreq", inv)
    print(f"// yarn attention factor: {att:.17g}")
    # DeepSeek-V2-style YaRN on a 32-wide rotary part: theta 1e4, factor 40, original 4096.
    inv, att = yarn_inv_freq(10000.0, 32, 40.0, 4096)
    emit("kYarnSmallInvFreq", inv)
    print(f"// yarn attention factor: {att:.17g}")
    # The same Qwen-style YaRN with truncate=False (gpt-oss sets it): no rounding of the ramp ends.
    inv, att = yarn_inv_freq(1e6, 64, 4.0, 32768, truncate=False)
    emit("kYarnNoTruncateInvFreq", inv)
