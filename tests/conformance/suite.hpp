#pragma once
// Shared pieces of the conformance runner: a suite checks one fixture case and says why it failed.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rollup/base/bytes.hpp"

namespace rollup::conformance {

// nullopt: the case passed; otherwise the reason it failed (including "cannot run: ...").
using CaseResult = std::optional<std::string>;

// `file` is the fixture file's path relative to the suite directory; some suites take their variant
// from it (TrieTests: "secureTrie" in the name means keys are hashed).
CaseResult run_rlp_case(const nlohmann::json& test, std::string_view file);
CaseResult run_tx_case(const nlohmann::json& test, std::string_view file);
CaseResult run_trie_case(const nlohmann::json& test, std::string_view file);
CaseResult run_keystore_case(const nlohmann::json& test, std::string_view file);

// Suites whose JSON tests hold several cases each (GeneralStateTests: one per post entry) name
// every case they ran.
using NamedResult = std::pair<std::string, CaseResult>;
std::vector<NamedResult> run_state_cases(const nlohmann::json& test);

// Fixture hex is looser than RPC hex: the 0x prefix is optional and digits may be upper case.
Bytes fixture_bytes(std::string_view text);        // throws std::runtime_error when malformed
std::uint64_t fixture_u64(std::string_view text);  // allows leading zeros

}  // namespace rollup::conformance
