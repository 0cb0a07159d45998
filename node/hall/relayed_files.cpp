#include "node/hall/relayed_files.h"

#include "storage/blob_store.h"

namespace yimen::hall {

Result<int> drop_relayed_files(storage::Database& db, const RegionCode& self, std::int64_t now) {
  // Region codes are 12 digits, so `self` is safe to write into the statement.
  const std::string keep =
      "SELECT hash FROM material_upload UNION SELECT m.file_hash FROM case_material m JOIN "
      "case_file c ON c.case_no = m.case_no WHERE m.file_hash IS NOT NULL AND (c.intake_node = '" +
      self.str() + "' OR c.handling_node = '" + self.str() + "')";
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  YIMEN_ASSIGN_OR_RETURN(const auto relayed,
                         storage::blobs_older_than(db, now - kRelayedFileSeconds, keep, 1000));
  for (const Bytes& hash : relayed) YIMEN_TRY(storage::drop_blob(db, hash));
  YIMEN_TRY(tx.commit());
  return static_cast<int>(relayed.size());
}

}  // namespace yimen::hall
