#pragma once
// Errors of the batch module. invalid_batch comes from the encoder (the caller passed blocks that
// cannot form a batch: a bug upstream); every other code comes from decoding L1 data, which anyone
// can send, so each one means "ignore this input", never "stop".

#include "rollup/base/error.hpp"

namespace rollup::batch {

enum class Errc {
  ok = 0,
  invalid_batch,         // encoder input that no batch can represent
  unknown_version,       // a leading version byte this node does not know
  unknown_compression,   // a compression code this node does not know
  truncated,             // the input ends inside a field
  trailing_bytes,        // bytes left over after the last field
  non_canonical,         // a value written in a form other than its one encoding
  limit_exceeded,        // a count or size above the decoder's limits
  decompression_failed,  // the compressed section is corrupt or inflates past the limit
  bad_reference,         // a reference to a table entry that does not exist
  inconsistent,          // fields that contradict each other (counts, shapes, order)
  invalid_frame,         // L1 calldata that is not a well-formed frame
};

}  // namespace rollup::batch
ROLLUP_DECLARE_ERRC(rollup::batch, Errc);
