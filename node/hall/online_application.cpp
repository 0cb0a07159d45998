#include "node/hall/online_application.h"

#include <algorithm>
#include <array>

#include "common/text.h"
#include "node/hall/licence.h"
#include "storage/blob_store.h"

namespace yimen::hall {
namespace {

struct FileKind {
  std::string_view media_type;
  std::string_view magic;  // the first bytes of every such file
  std::string_view name;
};

constexpr std::array<FileKind, 3> kFileKinds = {{
    {"image/jpeg", std::string_view("\xFF\xD8\xFF", 3), "JPEG"},
    {"image/png", std::string_view("\x89PNG\r\n\x1A\n", 8), "PNG"},
    {"application/pdf", std::string_view("%PDF-", 5), "PDF"},
}};

}  // namespace

Status check_material_file(std::string_view media_type, ByteView content) {
  const auto kind = std::find_if(kFileKinds.begin(), kFileKinds.end(),
                                 [&](const FileKind& k) { return k.media_type == media_type; });
  if (kind == kFileKinds.end()) {
    return invalid_argument(
        "a material must be a JPEG or PNG image or a PDF "
        "(Content-Type image/jpeg, image/png or application/pdf)");
  }
  if (content.empty()) return invalid_argument("the file is empty");
  if (content.size() > kMaxMaterialFileBytes) {
    return invalid_argument("the file is over " + std::to_string(kMaxMaterialFileBytes >> 20) +
                            " MiB");
  }
  const std::string_view head(reinterpret_cast<const char*>(content.data()),
                              std::min(content.size(), kind->magic.size()));
  if (head != kind->magic) {
    return invalid_argument("the file is not a " + std::string(kind->name) +
                            " although it says so");
  }
  return {};
}

Status check_attachments(storage::Database& db, const std::vector<SuppliedMaterial>& supplied) {
  for (std::size_t i = 0; i < supplied.size(); ++i) {
    const auto& file = supplied[i].attachment;
    if (!file) continue;
    const std::string where = "materials[" + std::to_string(i) + "].attachment";
    if (std::none_of(kFileKinds.begin(), kFileKinds.end(),
                     [&](const FileKind& k) { return k.media_type == file->media_type; })) {
      return invalid_argument(where +
                              ": media_type must be image/jpeg, image/png or "
                              "application/pdf");
    }
    if (file->name.empty() || file->name.size() > 200 || !is_display_text(file->name) ||
        file->name.find_first_of("/\\") != std::string::npos) {
      return invalid_argument(where + ": name must be a file name of 1 to 200 bytes");
    }
    if (file->hash.size() != 32) return invalid_argument(where + ": hash must be 32 bytes");
    YIMEN_ASSIGN_OR_RETURN(const bool held, storage::blob_held(db, {file->hash, file->size}));
    if (!held) {
      return invalid_argument(where +
                              ": no upload of this hash and size is held here; upload "
                              "the file first");
    }
  }
  return {};
}

Result<storage::BlobRef> store_upload(storage::Database& db, const RegionCode& self,
                                      ByteView content, std::int64_t now) {
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  YIMEN_ASSIGN_OR_RETURN(auto ref, storage::put_blob(db, content, self.str()));
  YIMEN_ASSIGN_OR_RETURN(auto note, db.prepare("INSERT OR REPLACE INTO material_upload "
                                               "(hash, uploaded_at) VALUES (?, ?)"));
  note.bind_blob(1, ref.hash);
  note.bind(2, now);
  YIMEN_TRY(note.run());
  YIMEN_TRY(tx.commit());
  return ref;
}

Result<int> drop_unused_uploads(storage::Database& db, std::int64_t now) {
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT hash FROM material_upload WHERE uploaded_at < ? AND hash "
                            "NOT IN (SELECT file_hash FROM case_material WHERE file_hash IS NOT "
                            "NULL) LIMIT 1000"));
  stmt.bind(1, now - kUnusedUploadSeconds);
  YIMEN_ASSIGN_OR_RETURN(const auto unused, storage::collect(stmt, [](storage::Statement& row) {
                           return row.column_blob(0);
                         }));
  for (const Bytes& hash : unused) {
    YIMEN_TRY(storage::drop_blob(db, hash));
    YIMEN_ASSIGN_OR_RETURN(auto forget, db.prepare("DELETE FROM material_upload WHERE hash = ?"));
    forget.bind_blob(1, hash);
    YIMEN_TRY(forget.run());
  }
  YIMEN_TRY(tx.commit());
  return static_cast<int>(unused.size());
}

Result<std::string> identity_by_sharing(storage::Database& db, const std::string& id_number,
                                        const std::string& name) {
  YIMEN_ASSIGN_OR_RETURN(auto cases, db.prepare("SELECT case_no FROM case_file WHERE "
                                                "applicant_id = ? AND applicant_name = ? AND "
                                                "identity != ? ORDER BY submitted_at DESC, "
                                                "case_no DESC LIMIT 1"));
  cases.bind(1, id_number);
  cases.bind(2, name);
  cases.bind(3, kIdentityUnverified);
  YIMEN_ASSIGN_OR_RETURN(const bool row, cases.step());
  if (row) return "case " + cases.column_text(0);
  YIMEN_ASSIGN_OR_RETURN(const auto licences, licences_of(db, id_number));
  for (const auto& held : licences) {
    if (!held.revoked && held.licence.holder_name == name) return "licence " + held.licence.number;
  }
  return std::string();
}

}  // namespace yimen::hall
