// SPDX-License-Identifier: MIT
// Built-in prompts and the JSONL prompt file (see prompt_set.hpp).
#include "serve-load/prompt_set.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace serve_load {
namespace {

// Requests a developer sends a coding assistant over a day: explain, write, fix, review,
// test, refactor; short and long, several languages.
constexpr std::array<std::string_view, 32> kBuiltin{
    "Write a Python function that returns the n-th Fibonacci number iteratively, with a "
    "docstring and type hints.",
    "Explain what this C code does and whether it has a bug:\n\nint sum(int *a, int n) {\n  "
    "int s;\n  for (int i = 0; i <= n; i++) s += a[i];\n  return s;\n}",
    "Write a SQL query that returns the ten customers with the highest total order value in "
    "2024 from tables customers(id, name) and orders(id, customer_id, total, created_at).",
    "Refactor this JavaScript to use async/await instead of promise chains:\n\nfunction "
    "load(id) {\n  return fetch('/api/items/' + id)\n    .then(r => r.json())\n    .then(item "
    "=> fetch('/api/owners/' + item.owner))\n    .then(r => r.json());\n}",
    "Write unit tests with pytest for a function slugify(title: str) -> str that lowercases, "
    "replaces spaces with hyphens and drops characters other than letters, digits and "
    "hyphens.",
    "What is the difference between a mutex and a semaphore? Give a short example in C++ "
    "where each is the right choice.",
    "Write a Bash script that finds all files larger than 100 MB under a directory given as "
    "its first argument and prints them sorted by size.",
    "Explain Rust's borrow checker error E0502 (cannot borrow as mutable because it is also "
    "borrowed as immutable) and show how to fix a typical case with a Vec.",
    "Implement an LRU cache in Go with Get and Put in O(1), safe for concurrent use.",
    "Review this Python code for performance problems:\n\nresult = []\nfor line in "
    "open('big.txt'):\n    if line.strip() not in result:\n        "
    "result.append(line.strip())\nprint(len(result))",
    "Write a TypeScript type for a JSON API response that is either {status: 'ok', data: T} "
    "or {status: 'error', message: string}, and a function that narrows it.",
    "Convert this Python 2 code to Python 3:\n\nprint 'total:', reduce(lambda a, b: a + b, "
    "map(int, raw_input().split()))",
    "Write a Dockerfile for a Flask application served by gunicorn on port 8000, using a "
    "slim Python base image and a non-root user.",
    "Explain the time complexity of quicksort in the best, average and worst case, and how "
    "choosing the pivot at random changes the worst case in practice.",
    "Write a regular expression that matches ISO 8601 dates (YYYY-MM-DD) and explain each "
    "part of it.",
    "Implement binary search in Java over a sorted int array, returning the insertion point "
    "when the key is absent, as Arrays.binarySearch does.",
    "My React component re-renders on every keystroke in an unrelated input. What are the "
    "usual causes and how do I find which one it is?",
    "Write a C function that reverses a singly linked list in place and returns the new "
    "head.",
    "Explain what a Git rebase does compared with a merge, and when rebasing a shared branch "
    "causes trouble.",
    "Write a Kubernetes Deployment and Service manifest for a web application image "
    "example/web:1.4 with three replicas and a readiness probe on /healthz.",
    "Optimise this SQL query that is slow on a table with 50 million rows:\n\nSELECT * FROM "
    "events WHERE DATE(created_at) = '2024-05-01' AND user_id = 42;",
    "Write a Python async function that downloads a list of URLs with aiohttp, at most five "
    "at a time, and returns the status code of each.",
    "What does the volatile keyword mean in C, and why is it not enough for communication "
    "between threads?",
    "Write a Makefile for a C project with sources in src/, headers in include/, objects in "
    "build/ and automatic header dependencies.",
    "Explain how a hash map handles collisions with open addressing and with separate "
    "chaining, and what the load factor means for each.",
    "Add error handling to this Go function so that it returns an error instead of "
    "panicking:\n\nfunc readConfig(path string) Config {\n  data, _ := os.ReadFile(path)\n  "
    "var c Config\n  json.Unmarshal(data, &c)\n  return c\n}",
    "Write a C++20 function template that returns the median of a std::vector of any "
    "arithmetic type without modifying the input.",
    "Generate a GitHub Actions workflow that runs the tests of a Node.js project on "
    "Node 18 and 20 for every pull request.",
    "Explain the output of this Python snippet and why:\n\ndef f(x=[]):\n    x.append(1)\n  "
    "  return x\nprint(f(), f())",
    "Write a function in Python that parses a CSV file of transactions (date, amount, "
    "category) and returns the total per category per month.",
    "Design a REST API for a small library system (books, members, loans): list the "
    "endpoints, methods and the JSON of each resource.",
    "Write a shell one-liner that counts the requests per HTTP status code in an nginx "
    "access log in the combined format.",
};

[[noreturn]] void refuse(const std::filesystem::path& file, std::size_t line,
                         const std::string& why) {
  throw std::runtime_error("prompts file " + file.string() + ":" + std::to_string(line) + ": " +
                           why +
                           "; each line must be {\"prompt\": \"...\"} or {\"messages\": "
                           "[{\"role\": \"user\", \"content\": \"...\"}]}");
}

}  // namespace

std::vector<Prompt> builtin_prompts() {
  std::vector<Prompt> prompts;
  prompts.reserve(kBuiltin.size());
  for (std::string_view text : kBuiltin) prompts.push_back(Prompt{std::string(text), {}});
  return prompts;
}

std::vector<Prompt> load_prompts(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open prompts file " + file.string());
  std::vector<Prompt> prompts;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    const boost::json::value value = boost::json::parse(line, ec);
    if (ec) refuse(file, number, "not JSON (" + ec.message() + ")");
    if (!value.is_object()) refuse(file, number, "not a JSON object");
    const boost::json::object& object = value.as_object();
    Prompt prompt;
    if (const auto* text = object.if_contains("prompt")) {
      if (!text->is_string()) refuse(file, number, "\"prompt\" is not a string");
      prompt.text = std::string(text->as_string());
    } else if (const auto* messages = object.if_contains("messages")) {
      if (!messages->is_array() || messages->as_array().empty())
        refuse(file, number, "\"messages\" is not a non-empty array");
      for (const auto& message : messages->as_array()) {
        const auto* m = message.if_object();
        if (m == nullptr || !m->contains("role") || !m->at("role").is_string() ||
            !m->contains("content") || !m->at("content").is_string())
          refuse(file, number, "a message lacks a string \"role\" or \"content\"");
      }
      prompt.messages = messages->as_array();
    } else {
      refuse(file, number, "neither \"prompt\" nor \"messages\"");
    }
    prompts.push_back(std::move(prompt));
  }
  if (prompts.empty())
    throw std::runtime_error("prompts file " + file.string() + " has no prompts");
  return prompts;
}

}  // namespace serve_load
