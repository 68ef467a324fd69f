// rollup-conformance <suite> <dir>: runs every case of every .json file below <dir> and prints one
// line per failing case, then "N passed, M failed" (and ", K skipped" for the state suite). Exit
// status 0 only when nothing failed and at least one case ran. A case or file that cannot be run
// (unreadable, malformed, missing fields) counts as failed, never as passed or skipped.
//
// The state suite skips exactly the cases listed in tests/conformance/state_skips.txt (compiled
// in), each with its reason, and prints them. A listed case that passes counts as failed, so the
// list cannot keep cases we no longer need to skip.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "rollup/base/hex.hpp"
#include "rollup/evm/evm.hpp"
#include "rollup/net/thread.hpp"
#include "state_skips.hpp"
#include "suite.hpp"

namespace fs = std::filesystem;
using namespace rollup;
using namespace rollup::conformance;

namespace rollup::conformance {

Bytes fixture_bytes(std::string_view text) {
  auto bytes = hex::decode(text, hex::Prefix::optional);
  if (!bytes) throw std::runtime_error("bad hex in fixture: " + bytes.error().message());
  return std::move(*bytes);
}

std::uint64_t fixture_u64(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  if (text.empty()) throw std::runtime_error("empty number in fixture");
  std::uint64_t v = 0;
  for (char c : text) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) throw std::runtime_error("bad digit in fixture number");
    if (v >> 60) throw std::runtime_error("fixture number exceeds 64 bits");
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace rollup::conformance

namespace {

// "file:test:case reason" lines; '#' starts a comment.
std::map<std::string, std::string> parse_skips(std::string_view text) {
  std::map<std::string, std::string> skips;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string reason = space == std::string::npos ? "" : line.substr(space + 1);
    skips[key] = reason;
  }
  return skips;
}

}  // namespace

int run(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: rollup-conformance <rlp|tx|trie|keystore|state> <fixture-dir>\n");
    return 2;
  }
  const std::string suite = argv[1];
  CaseResult (*run_case)(const nlohmann::json&, std::string_view) = nullptr;
  if (suite == "rlp") run_case = run_rlp_case;
  if (suite == "tx") run_case = run_tx_case;
  if (suite == "trie") run_case = run_trie_case;
  if (suite == "keystore") run_case = run_keystore_case;
  const bool state_suite = suite == "state";
  if (run_case == nullptr && !state_suite) {
    std::fprintf(stderr,
                 "rollup-conformance: unknown suite '%s' (have: rlp, tx, trie, keystore, state)\n",
                 suite.c_str());
    return 2;
  }
  const std::map<std::string, std::string> skips =
      state_suite ? parse_skips(k_state_skips) : std::map<std::string, std::string>{};

  const fs::path root = argv[2];
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    std::fprintf(stderr, "rollup-conformance: %s is not a directory\n", root.c_str());
    return 2;
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) {
    std::fprintf(stderr, "rollup-conformance: cannot list %s: %s\n", root.c_str(),
                 ec.message().c_str());
    return 2;
  }
  std::sort(files.begin(), files.end());

  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;
  const auto report = [&](const std::string& where, const std::string& why) {
    ++failed;
    std::printf("FAIL %s: %s\n", where.c_str(), why.c_str());
  };

  for (const fs::path& file : files) {
    const std::string rel = file.lexically_relative(root).string();
    nlohmann::json doc;
    try {
      std::ifstream in(file);
      doc = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      report(rel, std::string("cannot run: unreadable fixture file: ") + e.what());
      continue;
    }
    if (!doc.is_object() || doc.empty()) {
      report(rel, "cannot run: fixture file holds no test cases");
      continue;
    }
    for (const auto& [name, test] : doc.items()) {
      const std::string where = rel + ":" + name;
      if (state_suite) {
        std::vector<NamedResult> results;
        try {
          results = run_state_cases(test);
        } catch (const std::exception& e) {
          report(where, std::string("cannot run: ") + e.what());
          continue;
        }
        for (auto& [case_name, result] : results) {
          const std::string key = where + ":" + case_name;
          if (const auto skip = skips.find(key); skip != skips.end()) {
            if (!result) {
              report(key, "listed in state_skips.txt but passes: remove it from the list");
            } else {
              ++skipped;
              std::printf("SKIP %s: %s\n", key.c_str(), skip->second.c_str());
            }
          } else if (result) {
            report(key, *result);
          } else {
            ++passed;
          }
        }
        continue;
      }
      CaseResult result;
      try {
        result = run_case(test, rel);
      } catch (const std::exception& e) {
        result = std::string("cannot run: ") + e.what();
      }
      if (result) {
        report(where, *result);
      } else {
        ++passed;
      }
    }
  }

  if (state_suite) {
    std::printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
  } else {
    std::printf("%zu passed, %zu failed\n", passed, failed);
  }
  return failed == 0 && passed > 0 ? 0 : 1;
}

// The EVM recurses once per call frame and the state tests go 1024 frames deep, which needs more
// stack than the main thread has under the sanitizers; the suites run on a thread that has it.
int main(int argc, char** argv) {
  int status = 0;
  net::Thread worker(evm::k_execution_stack_bytes, [&] { status = run(argc, argv); });
  worker.join();
  return status;
}
