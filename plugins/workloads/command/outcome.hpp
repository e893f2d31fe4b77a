// SPDX-License-Identifier: MIT
// Outcome<T>: a value or the text of what went wrong. The command plugin's parsing code
// returns these instead of throwing, so the error text a user sees is built where the
// problem is understood, and nothing can unwind through the C ABI by accident.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace benchlab::command {

struct Failure {
  std::string message;
};

template <class T>
class Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}            // NOLINT: implicit by design
  Outcome(Failure failure) : state_(std::move(failure)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const std::string& error() const { return std::get<1>(state_).message; }

 private:
  std::variant<T, Failure> state_;
};

inline Failure fail(std::string message) { return Failure{std::move(message)}; }

}  // namespace benchlab::command
