// /api/v1/uploads: a resident applying online uploads each material (a photo
// or a scan: JPEG, PNG or PDF) before sending the application, which names
// the uploads by hash. The body is the file itself; its kind is checked
// against its first bytes, not only its Content-Type. An upload is stored
// durably as a blob of this node before it is answered.
//
// /api/v1/cases/{no}/materials/{index}: staff of the case's nodes open an
// attached material (the handling node once its copy has been fetched).

#include "common/bytes.h"
#include "crypto/crypto.h"
#include "node/hall/hall_projection.h"
#include "node/hall/online_application.h"
#include "storage/blob_store.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

HttpResponse upload(Call& call) {
  const std::string address = call.request.peer;
  const bool staff_upload = call.session && call.session->user;
  if (auto blocked = call.state.uploads_by_address.blocked_for(address, call.now);
      blocked > 0 && !staff_upload) {
    return rate_limited(blocked, "too many uploads from this address; try later");
  }
  std::string media_type = call.request.header("content-type");
  if (auto semicolon = media_type.find(';'); semicolon != std::string::npos) {
    media_type.resize(semicolon);
  }
  const ByteView content(reinterpret_cast<const std::uint8_t*>(call.request.body.data()),
                         call.request.body.size());
  if (Status s = hall::check_material_file(media_type, content); !s.ok()) {
    return error_response(s.code() == ErrorCode::kInvalidArgument ? 415 : 400,
                          "unsupported_media_type", s.message());
  }
  if (call.backend().recovering()) {
    return recovering_response();
  }
  storage::BlobRef ref;
  const Status s = call.backend().write([&](hall::Hall&, storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(ref,
                           hall::store_upload(db, call.backend().node_id(), content, call.now));
    return audit(db, call, "material.upload", crypto::to_hex(ref.hash).substr(0, 16), "ok");
  });
  if (!s.ok()) return status_response(s);
  if (!staff_upload) call.state.uploads_by_address.record_failure(address, call.now);
  return json_response(json::object{{"hash", crypto::to_hex(ref.hash)},
                                    {"size", static_cast<std::int64_t>(ref.size)},
                                    {"media_type", media_type}},
                       201);
}

HttpResponse open_material(Call& call) {
  const std::string& case_no = call.params.at("no");
  const std::string& index_text = call.params.at("index");
  if (index_text.empty() || index_text.size() > 3 ||
      index_text.find_first_not_of("0123456789") != std::string::npos) {
    return error_response(400, "bad_request", "index: expected a material number");
  }
  const int index = std::stoi(index_text);
  std::optional<hall::MaterialFile> file;
  std::optional<Bytes> content;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto found, hall::load_case(db, case_no));
    const RegionCode& self = call.backend().node_id();
    if (!found || (found->intake_node != self && found->handling_node != self)) {
      return not_found("no case " + case_no + " at this node");
    }
    YIMEN_ASSIGN_OR_RETURN(const auto materials, hall::case_materials(db, case_no));
    for (const auto& m : materials) {
      if (m.material == index) file = m.file;
    }
    if (!file) return not_found("material " + index_text + " of " + case_no + " has no file");
    YIMEN_ASSIGN_OR_RETURN(content, storage::read_blob(db, file->hash));
    return {};
  });
  if (!s.ok()) return status_response(s);
  if (!content) {
    return error_response(409, "not_yet_here",
                          "the file has not reached this node yet; it is fetched from the intake "
                          "node while the link is up");
  }
  audit_or_warn(call, "material.open", case_no + "#" + index_text, "ok");
  HttpResponse r;
  r.body.assign(content->begin(), content->end());
  // A file replicated from another node is shown inline only when it is what
  // it says it is (an image or a PDF, for the browser's own viewer); anything
  // else is offered as a download, never rendered as a page of this site.
  if (hall::check_material_file(file->media_type, *content).ok()) {
    r.content_type = file->media_type;
    r.add_header("Content-Disposition", "inline");
  } else {
    r.content_type = "application/octet-stream";
    r.add_header("Content-Disposition", "attachment");
  }
  return r;
}

}  // namespace

void add_material_routes(std::vector<Route>& routes) {
  routes.push_back({"POST", "/api/v1/uploads", anyone(), upload});
  routes.push_back({"GET", "/api/v1/cases/{no}/materials/{index}", staff(), open_material});
}

}  // namespace yimen::web
