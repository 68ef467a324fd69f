#include "rollup/derivation/inbox.hpp"

namespace rollup::derivation {

Result<void> InboxReader::read(std::uint64_t from, std::uint64_t to,
                               const std::function<void(FoundBatch)>& on_batch) {
  for (std::uint64_t n = from; n <= to; ++n) {
    // Held in its Result rather than moved out: g++ 12 reports a false "maybe uninitialized" on
    // the moved optional's vectors.
    const auto got = m_eth.get_block(n, true);
    if (!got) return fail(got.error());
    if (!*got) return fail(l1::Errc::bad_response, "L1 block " + std::to_string(n) + " not found");
    const l1::Block& block = **got;
    m_skipped.expired_channels += m_channels.expire(n);
    for (const auto& txn : block.txns) {
      if (txn.to != m_options.inbox) continue;
      if (txn.from != m_options.batcher) {
        ++m_skipped.other_senders;
        continue;
      }
      ROLLUP_TRY(auto receipt, m_eth.get_transaction_receipt(txn.hash));
      if (!receipt || receipt->status != 1) {
        ++m_skipped.failed;
        continue;
      }
      auto frame = batch::parse_frame(txn.input);
      if (!frame) {
        ++m_skipped.bad_frames;
        continue;
      }
      batch::ChannelAssembler::Ignored why{};
      auto done = m_channels.add(std::move(*frame), n, &why);
      if (why != batch::ChannelAssembler::Ignored::no) ++m_skipped.ignored_frames;
      if (!done) continue;
      auto decoded = batch::decode_batch(done->payload, m_options.limits);
      if (!decoded) {
        ++m_skipped.bad_batches;
        continue;
      }
      on_batch(FoundBatch{std::move(*decoded), done->channel, n});
    }
    if (n == UINT64_MAX) break;
  }
  return {};
}

}  // namespace rollup::derivation
