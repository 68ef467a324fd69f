// RLPTests: {"in": value | "INVALID" | "VALID", "out": hex}. For a value, our encoding of "in" must
// equal "out" and our decoding of "out" must give back "in"'s structure; "INVALID" must be refused
// by the strict decoder; "VALID" must be accepted. Strings encode as their bytes, JSON numbers and
// "#" decimal strings (big integers, up to 2^256 and beyond) as minimal big-endian integers.

#include <boost/multiprecision/cpp_int.hpp>
#include <variant>
#include <vector>

#include "rollup/rlp/rlp.hpp"
#include "suite.hpp"

namespace rollup::conformance {
namespace {

struct Node {
  std::variant<Bytes, std::vector<Node>> value;
  friend bool operator==(const Node&, const Node&) = default;
};

Bytes big_integer_bytes(const std::string& decimal) {
  boost::multiprecision::cpp_int n(decimal);
  Bytes out;
  while (n > 0) {
    out.push_back(static_cast<std::uint8_t>(n & 0xff));
    n >>= 8;
  }
  return {out.rbegin(), out.rend()};
}

Node from_json(const nlohmann::json& j) {
  if (j.is_array()) {
    std::vector<Node> items;
    for (const auto& item : j) items.push_back(from_json(item));
    return {std::move(items)};
  }
  if (j.is_number_unsigned() || j.is_number_integer()) {
    return {big_integer_bytes(std::to_string(j.get<std::uint64_t>()))};
  }
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s.starts_with("#")) return {big_integer_bytes(s.substr(1))};
    return {Bytes(s.begin(), s.end())};
  }
  throw std::runtime_error("unsupported JSON value in 'in': " + j.dump());
}

void encode(rlp::Encoder& enc, const Node& node) {
  if (const auto* bytes = std::get_if<Bytes>(&node.value)) {
    enc.add_string(*bytes);
    return;
  }
  const std::size_t mark = enc.begin_list();
  for (const Node& child : std::get<std::vector<Node>>(node.value)) encode(enc, child);
  enc.end_list(mark);
}

Result<Node> decode(const rlp::Item& item) {
  if (!item.is_list) return Node{Bytes(item.payload.begin(), item.payload.end())};
  std::vector<Node> children;
  ByteView rest = item.payload;
  while (!rest.empty()) {
    ROLLUP_TRY(rlp::Item child, rlp::read_item(rest));
    ROLLUP_TRY(Node node, decode(child));
    children.push_back(std::move(node));
  }
  return Node{std::move(children)};
}

}  // namespace

CaseResult run_rlp_case(const nlohmann::json& test, std::string_view /*file*/) {
  const Bytes out = fixture_bytes(test.at("out").get<std::string>());
  const nlohmann::json& in = test.at("in");

  const auto checked = rlp::validate(out);
  if (in.is_string() && in.get<std::string>() == "INVALID") {
    if (checked) return "accepted invalid RLP";
    return std::nullopt;
  }
  if (!checked) return "rejected valid RLP: " + checked.error().message();
  if (in.is_string() && in.get<std::string>() == "VALID") return std::nullopt;

  const Node expected = from_json(in);
  rlp::Encoder enc;
  encode(enc, expected);
  if (!equal(enc.bytes(), out)) return "encoding differs from 'out'";

  auto item = rlp::decode_exact(out);
  if (!item) return "decode failed: " + item.error().message();
  auto decoded = decode(*item);
  if (!decoded) return "decode failed: " + decoded.error().message();
  if (!(*decoded == expected)) return "decoded structure differs from 'in'";
  return std::nullopt;
}

}  // namespace rollup::conformance
