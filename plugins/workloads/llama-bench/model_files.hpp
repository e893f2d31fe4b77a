// SPDX-License-Identifier: MIT
// The files a GGUF model is stored in: one, or for a model split by llama-gguf-split
// (split.count > 1) the first file and its siblings NAME-0000k-of-0000N.gguf, each with
// tensor infos of its own. llama.cpp is given the first and loads them all, so the
// memory estimate has to read them all.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "gguf.hpp"

namespace llama_bench {

// A split model's first file whose name or split number does not fit its header.
class SplitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every file of the model whose first file is `path` with header `first`: just `path`
// unless the header says split.count > 1. Throws SplitError when the header claims a split
// that `path`'s name or its split.no does not match (llama.cpp needs split 0, named
// PREFIX-00001-of-0000N.gguf).
std::vector<std::string> model_files(const std::string& path, const GgufHeader& first);

}  // namespace llama_bench
