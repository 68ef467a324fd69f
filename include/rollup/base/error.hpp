#pragma once
// Expected failures (bad input, validation, I/O) travel as Result<T> = std::expected<T, Error>.
// Error carries a std::error_code, which callers compare against a module's Errc enum, plus a detail
// string for people. Each module declares its own enum and registers it with ROLLUP_DECLARE_ERRC, so
// base never needs to know the error codes of the modules above it.

#include <expected>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace rollup {

class Error {
 public:
  Error() = default;
  Error(std::error_code code, std::string detail = {}) : m_code(code), m_detail(std::move(detail)) {}

  [[nodiscard]] const std::error_code& code() const noexcept { return m_code; }
  [[nodiscard]] const std::string& detail() const noexcept { return m_detail; }
  // "<category>: <description>[: <detail>]", ready to show to a user.
  [[nodiscard]] std::string message() const;

  template <typename E>
    requires std::is_error_code_enum_v<E>
  friend bool operator==(const Error& err, E e) noexcept {
    return err.m_code == make_error_code(e);
  }

 private:
  std::error_code m_code;
  std::string m_detail;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for `return fail(Errc::x, "detail");` in functions returning Result<T>.
template <typename E>
  requires std::is_error_code_enum_v<E>
[[nodiscard]] std::unexpected<Error> fail(E code, std::string detail = {}) {
  return std::unexpected<Error>(std::in_place, make_error_code(code), std::move(detail));
}

[[nodiscard]] inline std::unexpected<Error> fail(Error err) {
  return std::unexpected<Error>(std::move(err));
}

namespace detail {
// A std::error_category for an enum whose namespace provides
// `std::string_view describe(E) noexcept` and `std::string_view category_name(E) noexcept`.
template <typename E>
class EnumCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return category_name(E{}).data(); }
  std::string message(int value) const override {
    return std::string(describe(static_cast<E>(value)));
  }
};

template <typename E>
const std::error_category& enum_category() noexcept {
  static const EnumCategory<E> instance;
  return instance;
}
}  // namespace detail

}  // namespace rollup

// Registers a module's error enum: declares describe()/category_name() (defined by the module) and
// make_error_code(), and marks the enum as an error-code enum. Use at global scope.
#define ROLLUP_DECLARE_ERRC(ns, E)                                                  \
  namespace ns {                                                                    \
  std::string_view describe(E) noexcept;                                            \
  std::string_view category_name(E) noexcept;                                       \
  inline std::error_code make_error_code(E e) noexcept {                            \
    return {static_cast<int>(e), ::rollup::detail::enum_category<E>()};             \
  }                                                                                 \
  }                                                                                 \
  template <>                                                                       \
  struct std::is_error_code_enum<ns::E> : std::true_type {}

// The base module's own errors.
namespace rollup {
enum class Errc {
  ok = 0,
  hex_missing_prefix,
  hex_unexpected_prefix,
  hex_odd_length,
  hex_invalid_digit,
  hex_wrong_length,
  hex_empty_quantity,
  hex_leading_zero,
  overflow,
};
}  // namespace rollup
ROLLUP_DECLARE_ERRC(rollup, Errc);

// ROLLUP_TRY(lhs, expr): evaluates a Result-returning expression; on error returns the error from the
// enclosing function, otherwise moves the value into lhs (a declaration or an lvalue).
#define ROLLUP_CONCAT_INNER(a, b) a##b
#define ROLLUP_CONCAT(a, b) ROLLUP_CONCAT_INNER(a, b)
#define ROLLUP_TRY_IMPL(tmp, lhs, expr)                        \
  auto tmp = (expr);                                           \
  if (!tmp) return ::rollup::fail(std::move(tmp).error());     \
  lhs = std::move(*tmp)
#define ROLLUP_TRY(lhs, expr) ROLLUP_TRY_IMPL(ROLLUP_CONCAT(rollup_try_, __LINE__), lhs, expr)
// ROLLUP_TRY_VOID(expr): returns the error of a failed Result, discards the value of a good one.
#define ROLLUP_TRY_VOID(expr)                                                  \
  do {                                                                         \
    if (auto rollup_try_tmp = (expr); !rollup_try_tmp)                         \
      return ::rollup::fail(std::move(rollup_try_tmp).error());                \
  } while (0)

namespace rollup {
// Adds context to an error from a lower layer ("nonce", "access list entry 3") and keeps its code,
// so callers can still switch on the original cause.
template <typename T>
[[nodiscard]] Result<T> with_context(Result<T> r, std::string_view context) {
  if (r) return r;
  const Error& e = r.error();
  std::string detail(context);
  if (!e.detail().empty()) {
    detail += " (";
    detail += e.detail();
    detail += ")";
  }
  return std::unexpected<Error>(std::in_place, e.code(), std::move(detail));
}
}  // namespace rollup
