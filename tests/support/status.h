#pragma once

// Test helpers for Status and Result.

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

#include "common/status.h"

namespace yimen::testing {

// The value, or a thrown exception that GoogleTest reports as a failure.
template <typename T>
T must(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().message());
  return std::move(result).value();
}

}  // namespace yimen::testing

// Expects `expr` to give an OK Status, printing the message otherwise.
#define EXPECT_OK(expr)                                                 \
  do {                                                                  \
    const ::yimen::Status expect_ok_status_ = (expr);                   \
    EXPECT_TRUE(expect_ok_status_.ok()) << expect_ok_status_.message(); \
  } while (false)
