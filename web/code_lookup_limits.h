#pragma once

// How guesses at a case's query code (or a rating, consultation or booking
// code) are limited, so that guessing stays infeasible while no stranger can
// lock a resident out of their own case (docs/security.md, "Code lookups"):
//
// * per case and address: 5 failures in 10 minutes, then that address waits;
// * per address: 20 failures in 10 minutes across all cases, then it waits;
// * per case: beyond 30 failures in a day from anywhere, the case is being
//   guessed at, and while it is, an address that failed on it within the day
//   may not try it again that day. Addresses that have not failed on it — the
//   resident's own phone — still look it up at once.
//
// An IPv6 address counts by its /64 prefix (what one subscriber is given), so
// one line cannot pose as 2^64 addresses.
//
// Thread-safe.

#include <cstdint>
#include <string>

#include "web/failure_limiter.h"

namespace yimen::web {

inline constexpr int kLookupFailuresPerCaseAndAddress = 5;
inline constexpr int kLookupFailuresPerAddress = 20;
inline constexpr std::int64_t kLookupWindowSeconds = 10 * 60;
inline constexpr int kLookupFailuresBeforeACaseIsGuarded = 30;
inline constexpr std::int64_t kGuardSeconds = 24 * 60 * 60;

// The key a client address counts under: an IPv4 address as it is, an IPv6
// address by its first 64 bits.
std::string client_key(const std::string& address);

class CodeLookupLimits {
 public:
  // Seconds until `address` may try a code for `key` (a case number) again;
  // 0 when it may now.
  std::int64_t blocked_for(const std::string& key, const std::string& address, std::int64_t now);
  void record_failure(const std::string& key, const std::string& address, std::int64_t now);

 private:
  FailureLimiter by_case_and_address_{kLookupFailuresPerCaseAndAddress, kLookupWindowSeconds};
  FailureLimiter by_address_{kLookupFailuresPerAddress, kLookupWindowSeconds};
  FailureLimiter by_case_{kLookupFailuresBeforeACaseIsGuarded, kGuardSeconds};
  FailureLimiter guarded_by_address_{1, kGuardSeconds};
};

}  // namespace yimen::web
