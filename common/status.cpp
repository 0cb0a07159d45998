#include "common/status.h"

namespace yimen {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kWrongKey:
      return "wrong key";
    case ErrorCode::kCorruption:
      return "corruption";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kFailedPrecondition:
      return "failed precondition";
    case ErrorCode::kIOError:
      return "i/o error";
    case ErrorCode::kDisconnected:
      return "disconnected";
    case ErrorCode::kOverloaded:
      return "overloaded";
    case ErrorCode::kRejected:
      return "rejected";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

}  // namespace yimen
