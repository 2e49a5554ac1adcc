#pragma once
// Group commit for a stream of inbound events: a reader pushes what it decodes, a committer makes it durable
// in batches. The committer waits half a millisecond at a time while the batch still grows, so a burst costs
// one fsync instead of one per event and a lone event about half a millisecond. Beyond max_batch the reader
// waits, and TCP pushes back on the sender. Single-threaded: everything runs on one io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <vector>

namespace hindsight::bot {

template <class Item>
class group_commit {
public:
    explicit group_commit(boost::asio::io_context& io, std::size_t max_batch = 4096)
        : max_batch_(max_batch), ready_(io), room_(io), gather_(io) {}

    // Reader side.
    boost::asio::awaitable<void> push(Item item) {
        batch_.push_back(std::move(item));
        ready_.cancel();
        while (batch_.size() >= max_batch_ && !finished_) co_await wait_on(room_);
    }
    bool finished() const { return finished_; }
    void finish() {
        finished_ = true;
        ready_.cancel();
        room_.cancel();
    }

    // Committer side: hands each batch to commit until finish() and the last batch is done.
    boost::asio::awaitable<void> run(std::function<boost::asio::awaitable<void>(std::vector<Item>&)> commit) {
        for (;;) {
            while (batch_.empty() && !finished_) co_await wait_on(ready_);
            if (batch_.empty()) co_return;
            for (std::size_t seen = 0; batch_.size() != seen && batch_.size() < max_batch_ && !finished_;) {
                seen = batch_.size();
                auto asked = std::chrono::steady_clock::now();
                gather_.expires_after(std::chrono::microseconds{500});
                boost::system::error_code ignored;
                co_await gather_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
                // The half millisecond took far longer: the thread is busy with other work (a backlog of
                // alerts), and under a steady stream the batch would grow at every look and never be
                // committed. What is there goes now.
                if (std::chrono::steady_clock::now() - asked > std::chrono::milliseconds{5}) break;
            }
            auto batch = std::move(batch_);
            batch_.clear();
            room_.cancel();
            co_await commit(batch);
        }
    }

private:
    static boost::asio::awaitable<void> wait_on(boost::asio::steady_timer& timer) {
        timer.expires_at(boost::asio::steady_timer::time_point::max());
        boost::system::error_code ignored;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }

    std::size_t max_batch_;
    std::vector<Item> batch_;
    bool finished_ = false;
    boost::asio::steady_timer ready_;   // wakes the committer
    boost::asio::steady_timer room_;    // wakes the reader when a full batch was taken
    boost::asio::steady_timer gather_;  // the committer's short waits for more of a burst
};

}  // namespace hindsight::bot
