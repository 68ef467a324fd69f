// WebSocket sessions of HttpServer. A session is two objects:
// - WsConnection owns the Beast stream and lives on the connection's strand, kept alive by its own
//   pending operations, like an HTTP Session. It alone touches the stream.
// - WsChannel is the WsSession handlers hold, for as long as they like. It owns the outgoing queue
//   and a non-owning link to its WsConnection, which the WsConnection cuts (under the channel's
//   mutex) before it goes away. So a handler's reference keeps nothing of the server alive, and a
//   send() after the session or the whole server is gone finds no link and does nothing.
//
// Writes: send() appends to the queue under the channel's mutex and, unless the writer is already
// at work, posts one wake-up to the strand; the writer then takes messages one at a time until the
// queue is empty. One writer draining one FIFO keeps messages in the order sent, from any number
// of threads. Reads: one message at a time, handed to on_message before the next read starts, so a
// session's handler calls never overlap and a slow handler slows its own client only.

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "server_shared.hpp"

namespace rollup::net::detail {

namespace {

namespace websocket = beast::websocket;

// stop() sends each session a close frame and waits this long at most (or write_timeout, if
// shorter) for the client to answer it, so that a client that does not read cannot hold stop() up.
constexpr std::chrono::milliseconds k_stop_grace = std::chrono::seconds(1);
// A read buffer grown past this by a large message is given back afterwards, so that one 32 MiB
// message does not pin 32 MiB for the rest of a long-lived subscription.
constexpr std::size_t k_read_buffer_keep = 64 * 1024;

struct CloseRequest {
  websocket::close_code code = websocket::close_code::normal;
  std::string reason;  // sent in the close frame; at most 123 bytes
  std::string report;  // for on_error when not empty
};

class WsConnection;

class WsChannel final : public WsSession {
 public:
  WsChannel(std::string remote, std::size_t queue_limit)
      : m_remote(std::move(remote)), m_queue_limit(queue_limit) {}

  void send(std::string text) override;
  void close() override;
  [[nodiscard]] bool is_open() const override {
    std::scoped_lock lock(m_mutex);
    return m_sending;
  }
  [[nodiscard]] const std::string& remote() const override { return m_remote; }

  // The rest is for the WsConnection, on its strand.

  void open(WsConnection* connection) {
    std::scoped_lock lock(m_mutex);
    m_connection = connection;
    m_sending = true;
  }

  // After it, the channel never reaches the connection again.
  void detach() {
    std::scoped_lock lock(m_mutex);
    m_connection = nullptr;
    m_sending = false;
    m_queue.clear();
    m_pending = 0;
    m_close.reset();
  }

  // The server closes the session: what is still queued would go out after the close frame, if at
  // all, so it is dropped, and a close() asked for meanwhile is superseded.
  void stop_sending() {
    std::scoped_lock lock(m_mutex);
    m_sending = false;
    drop_queue();
    m_close.reset();
  }

  struct Next {
    std::optional<std::string> message;
    std::optional<CloseRequest> close;
  };
  // The next message to write, else the close asked for, if any. Finding the queue empty ends the
  // writer's turn: the next send() wakes it again.
  [[nodiscard]] Next next() {
    std::scoped_lock lock(m_mutex);
    Next next;
    if (!m_queue.empty()) {
      next.message = std::move(m_queue.front());
      m_queue.pop_front();
      return next;
    }
    m_writer_awake = false;
    next.close = std::exchange(m_close, std::nullopt);
    return next;
  }

  // A message next() gave out has left the process.
  void written(std::size_t bytes) {
    std::scoped_lock lock(m_mutex);
    m_pending -= std::min(bytes, m_pending);
  }

 private:
  void wake_writer();  // with m_mutex held

  void drop_queue() {
    for (const auto& m : m_queue) m_pending -= m.size();
    m_queue.clear();
  }

  mutable std::mutex m_mutex;
  WsConnection* m_connection = nullptr;  // set while the connection runs
  bool m_sending = false;                // send() queues
  bool m_writer_awake = false;           // a wake-up is posted or the writer has not found the end
  std::deque<std::string> m_queue;
  std::size_t m_pending = 0;            // bytes queued plus the message being written
  std::optional<CloseRequest> m_close;  // close() asked for it, after what is queued
  const std::string m_remote;
  const std::size_t m_queue_limit;
};

class WsConnection final : public Connection, public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(beast::tcp_stream stream, http::request<http::string_body> request,
               std::shared_ptr<Shared> shared, const WsHandlers& handlers, std::string path,
               std::string remote)
      : m_ws(std::move(stream)),
        m_executor(m_ws.get_executor()),
        m_request(std::move(request)),
        m_shared(std::move(shared)),
        m_handlers(handlers),
        m_path(std::move(path)),
        m_channel(std::make_shared<WsChannel>(std::move(remote), options().ws_send_queue_limit)),
        m_session(m_channel),
        m_write_timer(m_executor),
        m_stop_timer(m_executor) {}

  ~WsConnection() override {
    m_channel->detach();
    m_shared->remove(this);
  }

  // On the strand.
  void start() {
    if (!m_shared->add(this, weak_from_this())) return;
    // The HTTP deadlines would cut the session; Beast's own timeouts and ours take over.
    beast::get_lowest_layer(m_ws).expires_never();
    // Notifications are small messages in bursts: with Nagle's algorithm each one after the first
    // would wait for the client's delayed ACK (40 ms on Linux). Go, hence geth, turns it off too.
    error_code ignored;
    beast::get_lowest_layer(m_ws).socket().set_option(tcp::no_delay(true), ignored);
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = options().write_timeout;
    timeout.idle_timeout = 2 * options().ws_ping_interval;
    timeout.keep_alive_pings = true;
    m_ws.set_option(timeout);
    m_ws.read_message_max(options().ws_read_limit);
    m_ws.text(true);
    m_ws.async_accept(m_request,
                      beast::bind_front_handler(&WsConnection::on_accept, shared_from_this()));
  }

  void post_close() override {
    asio::post(m_executor, [self = shared_from_this()] { self->on_stop(); });
  }

  // These two are called from any thread, with the channel's mutex held, which keeps this object
  // alive meanwhile: its destructor detaches the channel under the same mutex. Only a weak
  // reference travels, so the caller's thread never ends up owning (and destroying) the connection.
  void wake_writer() {
    asio::post(m_executor, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->write_next();
    });
  }
  void post_begin_close(CloseRequest request) {
    asio::post(m_executor, [weak = weak_from_this(), request = std::move(request)]() mutable {
      if (auto self = weak.lock()) self->begin_close(std::move(request));
    });
  }

 private:
  const HttpServerOptions& options() const { return m_shared->options; }

  void on_accept(error_code ec) {
    if (ec || m_stopping) {
      teardown();
      return finish();
    }
    m_opened = true;
    m_channel->open(this);
    if (m_handlers.on_open && !m_shared->call_handler("WebSocket " + m_path + " on_open",
                                                      [&] { m_handlers.on_open(m_session); })) {
      begin_close({websocket::close_code::internal_error, "internal error", {}});
    }
    read();
  }

  // The read loop runs until the connection is gone, whoever ends it: its failure is the one place
  // the session finishes, so on_close comes after the last on_message.
  void read() {
    m_ws.async_read(m_read_buffer,
                    beast::bind_front_handler(&WsConnection::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    // Beast has already answered a message above the read limit (1009) and protocol errors (1002).
    if (ec) return finish();
    if (m_close_started || !m_channel->is_open()) {
      // Closing: whatever the client still sends is not for the handlers.
      consume_read_buffer();
      return read();
    }
    if (!m_ws.got_text()) {
      consume_read_buffer();
      begin_close({websocket::close_code::unknown_data, "binary messages are not supported", {}});
      return read();
    }
    std::string message = beast::buffers_to_string(m_read_buffer.data());
    consume_read_buffer();
    if (m_handlers.on_message &&
        !m_shared->call_handler("WebSocket " + m_path + " on_message",
                                [&] { m_handlers.on_message(m_session, std::move(message)); })) {
      begin_close({websocket::close_code::internal_error, "internal error", {}});
    }
    read();
  }

  void consume_read_buffer() {
    m_read_buffer.consume(m_read_buffer.size());
    if (m_read_buffer.capacity() > k_read_buffer_keep) m_read_buffer.shrink_to_fit();
  }

  void write_next() {
    if (m_writing || m_finished) return;
    WsChannel::Next next = m_channel->next();
    if (next.close) begin_close(std::move(*next.close));
    if (!next.message) return;
    m_out = std::move(*next.message);
    m_writing = true;
    // Beast has no write deadline of its own, and a client that stopped reading would otherwise
    // hold this write, and with it the close frame that follows, for ever.
    const std::uint64_t seq = ++m_write_seq;
    m_write_timer.expires_after(options().write_timeout);
    m_write_timer.async_wait([self = shared_from_this(), seq](error_code timer_ec) {
      if (!timer_ec && self->m_writing && self->m_write_seq == seq) self->teardown();
    });
    m_ws.async_write(asio::buffer(m_out),
                     beast::bind_front_handler(&WsConnection::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    m_writing = false;
    m_write_timer.cancel();
    m_channel->written(m_out.size());
    m_out = std::string();
    if (ec) return teardown();
    if (m_close) return send_close();
    write_next();
  }

  // Closes with `request` after the message being written, if any; the first request wins.
  void begin_close(CloseRequest request) {
    if (m_close_started || m_finished) return;
    m_close_started = true;
    m_channel->stop_sending();
    if (!request.report.empty()) {
      m_shared->report(Errc::ws_send_queue_full, std::move(request.report));
    }
    m_close = std::move(request);
    // Not beside a pending write: Beast hands its write lock to a waiting close before a waiting
    // write (both can wait behind one of its pings), and the message would follow the close frame.
    if (!m_writing) send_close();
  }

  void send_close() {
    const CloseRequest request = std::move(*m_close);
    m_close.reset();
    // Beast waits for the client's answer for handshake_timeout, then drops the connection; the
    // read loop ends either way.
    m_ws.async_close(websocket::close_reason(request.code, request.reason),
                     [self = shared_from_this()](error_code ec) {
                       if (ec) self->teardown();
                     });
  }

  void on_stop() {
    m_stopping = true;
    if (m_finished) return;
    if (!m_opened) return teardown();  // on_accept finishes
    begin_close({websocket::close_code::going_away, "server stopping", {}});
    m_stop_timer.expires_after(std::min(k_stop_grace, options().write_timeout));
    m_stop_timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->teardown();
    });
  }

  // Drops the TCP connection under whatever Beast is doing; every pending operation then
  // completes, the read loop with an error.
  void teardown() {
    auto& lowest = beast::get_lowest_layer(m_ws);
    error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest.close();
  }

  void finish() {
    if (m_finished) return;
    m_finished = true;
    m_stop_timer.cancel();
    // A close handshake or a write may still be pending on a connection that is over.
    teardown();
    // Before on_close, so that the handler sees is_open() false and its send() does nothing.
    m_channel->detach();
    if (m_opened && m_handlers.on_close) {
      m_shared->call_handler("WebSocket " + m_path + " on_close",
                             [&] { m_handlers.on_close(m_session); });
    }
  }

  websocket::stream<beast::tcp_stream> m_ws;
  const asio::any_io_executor m_executor;  // the connection's strand
  http::request<http::string_body> m_request;
  std::shared_ptr<Shared> m_shared;
  const WsHandlers& m_handlers;
  const std::string m_path;
  const std::shared_ptr<WsChannel> m_channel;
  const std::shared_ptr<WsSession> m_session;  // m_channel, as the handlers take it
  beast::flat_buffer m_read_buffer;
  std::string m_out;                    // the message being written
  std::optional<CloseRequest> m_close;  // to send once the message being written is out
  asio::steady_timer m_write_timer;
  asio::steady_timer m_stop_timer;
  std::uint64_t m_write_seq = 0;
  bool m_opened = false;         // on_open was called; on_close will be
  bool m_writing = false;        // an async_write is pending
  bool m_close_started = false;  // begin_close ran: no more messages either way
  bool m_stopping = false;       // stop() asked
  bool m_finished = false;       // the read loop ended; on_close was called
};

void WsChannel::send(std::string text) {
  std::scoped_lock lock(m_mutex);
  if (!m_sending) return;
  // With nothing pending any message is taken: the limit bounds a backlog, not one reply.
  if (m_pending > 0 && (text.size() > m_queue_limit || m_pending > m_queue_limit - text.size())) {
    const std::size_t wanted = m_pending + text.size();
    m_sending = false;
    drop_queue();
    m_close.reset();
    // Not through the writer: it may be stuck behind this very client, and the report and the
    // close must not wait for it.
    if (m_connection != nullptr) {
      m_connection->post_begin_close(
          {websocket::close_code::policy_error, "send queue limit exceeded",
           m_remote + ": " + std::to_string(wanted) + " bytes to send, limit " +
               std::to_string(m_queue_limit)});
    }
    return;
  }
  m_pending += text.size();
  m_queue.push_back(std::move(text));
  wake_writer();
}

void WsChannel::close() {
  std::scoped_lock lock(m_mutex);
  if (!m_sending) return;
  m_sending = false;
  m_close = CloseRequest{};
  wake_writer();
}

void WsChannel::wake_writer() {
  if (m_writer_awake || m_connection == nullptr) return;
  m_writer_awake = true;
  m_connection->wake_writer();
}

}  // namespace

void start_websocket(beast::tcp_stream stream, http::request<http::string_body> request,
                     std::shared_ptr<Shared> shared, const WsHandlers& handlers, std::string path,
                     std::string remote) {
  std::make_shared<WsConnection>(std::move(stream), std::move(request), std::move(shared), handlers,
                                 std::move(path), std::move(remote))
      ->start();
}

}  // namespace rollup::net::detail
