#include "rollup/types/receipt.hpp"

#include "rollup/rlp/rlp.hpp"

namespace rollup::types {

namespace {

using rlp::ListReader;

Result<Log> decode_log(ListReader& logs) {
  ROLLUP_TRY(ListReader fields, with_context(logs.next_list(), "log"));
  Log log;
  ROLLUP_TRY(log.address, with_context(fields.next_fixed<20>(), "log address"));
  ROLLUP_TRY(ListReader topics, with_context(fields.next_list(), "log topics"));
  while (!topics.empty()) {
    ROLLUP_TRY(Hash topic, with_context(topics.next_fixed<32>(), "log topic"));
    log.topics.push_back(topic);
  }
  ROLLUP_TRY(ByteView data, with_context(fields.next_string(), "log data"));
  log.data.assign(data.begin(), data.end());
  ROLLUP_TRY_VOID(with_context(fields.finish(), "log"));
  return log;
}

}  // namespace

Bytes encode_receipt(const Receipt& receipt) {
  std::size_t hint = 300;
  for (const Log& log : receipt.logs) hint += 30 + 33 * log.topics.size() + log.data.size();
  rlp::Encoder enc(hint);
  if (receipt.type != TxType::legacy) {
    enc.add_raw(std::array{static_cast<std::uint8_t>(receipt.type)});
  }
  const std::size_t list = enc.begin_list();
  enc.add_u64(receipt.success ? 1 : 0);
  enc.add_u64(receipt.cumulative_gas_used);
  enc.add_fixed(receipt.bloom);
  enc.add_raw(encode_logs(receipt.logs));
  enc.end_list(list);
  return enc.take();
}

Bytes encode_logs(const std::vector<Log>& logs) {
  rlp::Encoder enc;
  const std::size_t list = enc.begin_list();
  for (const Log& log : logs) {
    const std::size_t l = enc.begin_list();
    enc.add_fixed(log.address);
    const std::size_t topics = enc.begin_list();
    for (const Hash& topic : log.topics) enc.add_fixed(topic);
    enc.end_list(topics);
    enc.add_string(log.data);
    enc.end_list(l);
  }
  enc.end_list(list);
  return enc.take();
}

Result<Receipt> decode_receipt(ByteView encoded) {
  if (encoded.empty()) return fail(Errc::empty_input);
  Receipt receipt;
  ByteView body = encoded;
  if (encoded[0] < 0x80) {
    if (encoded[0] < 1 || encoded[0] > 3) {
      return fail(Errc::unsupported_tx_type, "receipt type " + std::to_string(encoded[0]));
    }
    receipt.type = static_cast<TxType>(encoded[0]);
    body = encoded.subspan(1);
  } else if (encoded[0] < 0xc0) {
    return fail(Errc::invalid_envelope, "an RLP string where a list is expected");
  }
  ROLLUP_TRY(ListReader list, ListReader::open(body));
  // Status is the empty string (0) or 0x01; a 32-byte pre-Byzantium state root is not accepted.
  ROLLUP_TRY(std::uint64_t status, with_context(list.next_u64(), "receipt status"));
  if (status > 1) return fail(Errc::invalid_receipt_status, std::to_string(status));
  receipt.success = status == 1;
  ROLLUP_TRY(receipt.cumulative_gas_used, with_context(list.next_u64(), "cumulative gas used"));
  ROLLUP_TRY(receipt.bloom, with_context(list.next_fixed<256>(), "logs bloom"));
  ROLLUP_TRY(ListReader logs, with_context(list.next_list(), "logs"));
  while (!logs.empty()) {
    ROLLUP_TRY(Log log, decode_log(logs));
    receipt.logs.push_back(std::move(log));
  }
  ROLLUP_TRY_VOID(with_context(list.finish(), "receipt"));
  return receipt;
}

}  // namespace rollup::types
