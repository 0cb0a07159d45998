#pragma once

// Online applications (网上申请, plan task 3): a resident applies from a
// browser for an online-capable item and uploads each material as a photo or
// a scan. Nobody has seen the applicant's ID card, so the case is marked
// "identity unverified" until it is established by data sharing (the node
// already holds a case of the same person whose identity was checked, or a
// licence issued to them) or by a clerk at a window. The handling office
// pre-reviews the case before accepting it, and cannot approve it while the
// identity is unverified.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "node/hall/hall.h"
#include "storage/blob_store.h"
#include "storage/database.h"

namespace yimen::hall {

// The largest file a resident may upload for one material.
inline constexpr std::size_t kMaxMaterialFileBytes = 8u << 20;

// How the identity of a case's applicant was established.
inline constexpr const char* kIdentityWindow = "window";          // a clerk saw the ID card
inline constexpr const char* kIdentityShared = "shared";          // data sharing; see the source
inline constexpr const char* kIdentityUnverified = "unverified";  // nobody has checked it yet

// Whether `content` is a material file a resident may upload: a JPEG, PNG
// or PDF of at most kMaxMaterialFileBytes whose first bytes match
// `media_type`. InvalidArgument naming what is wrong otherwise.
Status check_material_file(std::string_view media_type, ByteView content);

// Whether every file attached to `supplied` is one a resident may upload
// (kind, name) and is held whole at this node; InvalidArgument naming the
// material otherwise.
Status check_attachments(storage::Database& db, const std::vector<SuppliedMaterial>& supplied);

// How long an uploaded file no application refers to is kept.
inline constexpr std::int64_t kUnusedUploadSeconds = 7 * 24 * 3600;

// Stores `content` (checked with check_material_file) as a blob of this
// node and notes when it was uploaded; returns its reference.
Result<storage::BlobRef> store_upload(storage::Database& db, const RegionCode& self,
                                      ByteView content, std::int64_t now);

// Drops the files uploaded here before `now - kUnusedUploadSeconds` that no
// case refers to (a resident who never sent the application); returns how
// many, at most 1000 a call.
Result<int> drop_unused_uploads(storage::Database& db, std::int64_t now);

// What confirms the identity of an applicant (ID number and name) by data
// sharing at this node: "case <no>" for a case of theirs whose identity was
// checked, or "licence <no>" for a licence held for them; "" when nothing
// does.
Result<std::string> identity_by_sharing(storage::Database& db, const std::string& id_number,
                                        const std::string& name);

}  // namespace yimen::hall
