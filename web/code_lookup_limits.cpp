#include "web/code_lookup_limits.h"

#include <algorithm>

#include <boost/asio/ip/address.hpp>

namespace yimen::web {

std::string client_key(const std::string& address) {
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(address, ec);
  if (ec || !parsed.is_v6() || parsed.to_v6().is_v4_mapped()) return address;
  auto bytes = parsed.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

std::int64_t CodeLookupLimits::blocked_for(const std::string& key, const std::string& address,
                                           std::int64_t now) {
  const std::string client = client_key(address);
  const std::string pair = key + '\x1f' + client;
  std::int64_t blocked =
      std::max(by_case_and_address_.blocked_for(pair, now), by_address_.blocked_for(client, now));
  if (by_case_.blocked_for(key, now) > 0) {
    blocked = std::max(blocked, guarded_by_address_.blocked_for(pair, now));
  }
  return blocked;
}

void CodeLookupLimits::record_failure(const std::string& key, const std::string& address,
                                      std::int64_t now) {
  const std::string client = client_key(address);
  const std::string pair = key + '\x1f' + client;
  by_case_and_address_.record_failure(pair, now);
  by_address_.record_failure(client, now);
  by_case_.record_failure(key, now);
  guarded_by_address_.record_failure(pair, now);
}

}  // namespace yimen::web
