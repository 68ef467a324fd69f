#include "rollup/rpc/jsonrpc.hpp"

#include <exception>

#include "rollup/types/errors.hpp"

namespace rollup::rpc {

namespace {

// Domains whose errors are about the transaction a client sent, which geth reports as -32000 with
// the plain message; anything else (storage, I/O) is the node's own failure.
bool is_client_error(const std::error_code& ec) {
  const std::string_view name = ec.category().name();
  return name == "txpool" || name == "execution" || name == "types" || name == "rlp";
}

}  // namespace

RpcError to_rpc_error(const Error& error) {
  std::string message = error.code().message();
  if (!error.detail().empty()) message += ": " + error.detail();
  if (error == types::Errc::invalid_signature) {
    // geth's pool rejects an unrecoverable signature as "invalid sender: <reason>".
    message = "invalid sender: " + error.detail();
  }
  if (is_client_error(error.code())) return RpcError{code::server, std::move(message), {}};
  return RpcError{code::internal, "internal error: " + error.message(), {}};
}

RpcResult<void> Params::at_most(std::size_t n) const {
  if (m_params.size() <= n) return {};
  return rpc_fail(code::invalid_params, "too many arguments, want at most " + std::to_string(n));
}

std::unexpected<RpcError> Params::invalid(std::size_t i, const Error& e) {
  // The detail alone: the category and description prefix would only repeat "invalid argument".
  std::string why = e.detail().empty() ? e.code().message() : e.detail();
  return rpc_fail(code::invalid_params, "invalid argument " + std::to_string(i) + ": " + why);
}

Json error_response(const Json& id, const RpcError& error) {
  Json err = {{"code", error.code}, {"message", error.message}};
  if (error.data) err["data"] = *error.data;
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}};
}

Dispatcher::Dispatcher(DispatcherOptions options) : m_options(std::move(options)) {}

bool Dispatcher::namespace_enabled(std::string_view ns) const {
  return m_options.namespaces.contains(std::string(ns));
}

void Dispatcher::add(const std::string& name, Method method) {
  const std::size_t cut = name.find('_');
  if (cut == std::string::npos || !namespace_enabled(std::string_view(name).substr(0, cut))) return;
  m_methods.insert_or_assign(name, std::move(method));
}

std::optional<Json> Dispatcher::call(const Json& request, const Caller& caller) const {
  const bool is_object = request.is_object();
  const auto id_it = is_object ? request.find("id") : request.end();
  const bool has_id = is_object && id_it != request.end();
  const Json id = has_id ? *id_it : Json(nullptr);
  const auto version = is_object ? request.find("jsonrpc") : request.end();
  const auto method = is_object ? request.find("method") : request.end();
  // geth accepts string, number and null ids; an object or array id is not a valid request.
  const bool id_ok = !has_id || id.is_string() || id.is_number() || id.is_null();
  if (!is_object || version == request.end() || *version != "2.0" || method == request.end() ||
      !method->is_string() || !id_ok) {
    return error_response(id_ok ? id : Json(nullptr),
                          RpcError{code::invalid_request, "invalid request", {}});
  }
  // A request without an id is a notification: it runs, and nothing is sent back.
  const auto answer = [&](RpcResult<Json> result) -> std::optional<Json> {
    if (!has_id) return std::nullopt;
    if (!result) return error_response(id, result.error());
    return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(*result)}};
  };
  const std::string& name = method->get_ref<const std::string&>();
  const auto found = m_methods.find(name);
  if (found == m_methods.end()) {
    return answer(rpc_fail(code::method_not_found,
                           "the method " + name + " does not exist/is not available"));
  }
  if (caller.unauthenticated && m_options.authenticated.contains(name.substr(0, name.find('_')))) {
    return answer(rpc_fail(k_unauthorized, "unauthorized: " + *caller.unauthenticated));
  }
  static const Json k_no_params = Json::array();
  const auto params = request.find("params");
  const bool absent = params == request.end() || params->is_null();
  if (!absent && !params->is_array()) {
    return answer(rpc_fail(code::invalid_params, "non-array args"));
  }
  try {
    return answer(found->second(Params(absent ? k_no_params : *params)));
  } catch (const std::exception& e) {
    return answer(rpc_fail(code::internal, std::string("internal error: ") + e.what()));
  }
}

std::optional<std::string> Dispatcher::handle(std::string_view message,
                                              const Caller& caller) const {
  const Json parsed = Json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return error_response(nullptr, RpcError{code::parse_error, "parse error", {}}).dump();
  }
  if (!parsed.is_array()) {
    auto response = call(parsed, caller);
    if (!response) return std::nullopt;
    return response->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  if (parsed.empty()) {
    return error_response(nullptr, RpcError{code::invalid_request, "empty batch", {}}).dump();
  }
  if (parsed.size() > m_options.batch_limit) {
    // The protocol has no error for a whole batch; like geth, answer with one error that carries
    // the id of the batch's first call.
    Json id = nullptr;
    for (const Json& item : parsed) {
      if (item.is_object() && item.contains("id") && item.contains("method")) {
        id = item["id"];
        break;
      }
    }
    return Json::array({error_response(id, RpcError{code::invalid_request, "batch too large", {}})})
        .dump();
  }
  std::string out = "[";
  std::size_t answered = 0;
  bool too_large = false;
  for (const Json& item : parsed) {
    std::optional<Json> response;
    if (too_large) {
      // Past the response limit the remaining calls still get an answer each, an error one.
      if (item.is_object() && item.contains("id")) {
        response = error_response(item["id"],
                                  RpcError{code::response_too_large, "response too large", {}});
      }
    } else {
      response = call(item, caller);
    }
    if (!response) continue;
    std::string text = response->dump(-1, ' ', false, Json::error_handler_t::replace);
    if (!too_large && out.size() + text.size() > m_options.response_limit) {
      too_large = true;
      text = error_response((*response)["id"],
                            RpcError{code::response_too_large, "response too large", {}})
                 .dump();
    }
    if (answered++ != 0) out += ',';
    out += text;
  }
  if (answered == 0) return std::nullopt;
  out += ']';
  return out;
}

}  // namespace rollup::rpc
