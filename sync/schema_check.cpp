#include "sync/schema_check.h"

#include <kj/exception.h>

#include <cstdint>
#include <string>

namespace yimen::sync {
namespace {

void check_value(const capnp::DynamicValue::Reader& value, std::string& path);

void check_struct(const capnp::DynamicStruct::Reader& reader, std::string& path) {
  const auto visit = [&](capnp::StructSchema::Field field) {
    const std::size_t length = path.size();
    path += '.';
    path += field.getProto().getName().cStr();
    check_value(reader.get(field), path);
    path.resize(length);
  };
  for (const auto field : reader.getSchema().getNonUnionFields()) visit(field);
  KJ_IF_MAYBE (active, reader.which()) {
    visit(*active);
  }
}

void check_value(const capnp::DynamicValue::Reader& value, std::string& path) {
  switch (value.getType()) {
    case capnp::DynamicValue::TEXT:
      static_cast<void>(value.as<capnp::Text>());
      break;
    case capnp::DynamicValue::DATA:
      static_cast<void>(value.as<capnp::Data>());
      break;
    case capnp::DynamicValue::LIST: {
      const std::size_t length = path.size();
      path += "[]";
      for (const auto element : value.as<capnp::DynamicList>()) check_value(element, path);
      path.resize(length);
      break;
    }
    case capnp::DynamicValue::STRUCT:
      check_struct(value.as<capnp::DynamicStruct>(), path);
      break;
    case capnp::DynamicValue::ANY_POINTER:
      static_cast<void>(value.as<capnp::AnyPointer>().targetSize());
      break;
    default:  // numbers, booleans, enums (an unknown enumerant is a number), void
      break;
  }
}

}  // namespace

Status check_whole(capnp::DynamicStruct::Reader message, std::size_t message_words) {
  // First every pointer by its own bytes, fields this version does not know
  // included (copying a struct, as the hall does with a licence document,
  // follows them too), and no part of the message reached twice (pointers
  // that share their target, an amplification): a whole read then costs at
  // most the message's size, and the readers after this one can never run out
  // of their traversal budget.
  std::uint64_t reached = 0;
  try {
    reached = message.totalSize().wordCount;
  } catch (const kj::Exception& e) {
    return {ErrorCode::kRejected, "malformed: " + std::string(e.getDescription().cStr())};
  }
  if (reached > message_words) {
    return {ErrorCode::kRejected, "parts of the message are reached more than once (" +
                                      std::to_string(reached) + " words reached in a message of " +
                                      std::to_string(message_words) + ")"};
  }
  // Then every field as the schema says.
  std::string path = message.getSchema().getShortDisplayName().cStr();
  try {
    check_struct(message, path);
  } catch (const kj::Exception& e) {
    return {ErrorCode::kRejected,
            "malformed at " + path + ": " + std::string(e.getDescription().cStr())};
  }
  return {};
}

}  // namespace yimen::sync
