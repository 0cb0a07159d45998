#pragma once

// Signed case events for the benchmarks: the n-th of many distinct applicants
// and a "case submitted" draft for them.

#include <cstdio>
#include <string>

#include "sync/event.h"
#include "sync/schema/event.capnp.h"

namespace yimen::bench {

// The n-th of many distinct valid resident ID numbers (GB 11643 check character).
inline std::string person(int n) {
  char body[32];
  std::snprintf(body, sizeof body, "4418021980%02d%02d%03d", 1 + n / 28 % 12, 1 + n % 28,
                n / 336 % 1000);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body, 17) + "10X98765432"[sum % 11];
}

// Case `n` (number "<intake>-<day>-<n+1>") of item `item_code` v1, taken by a
// clerk for applicant person(n) of village 441802001001.
inline sync::EventDraft case_submitted(const std::string& intake, const std::string& day, int n,
                                       const std::string& item_code,
                                       const std::string& handling_node,
                                       std::vector<sync::AudienceEntry> audience) {
  char no[48];
  std::snprintf(no, sizeof no, "%s-%s-%06d", intake.c_str(), day.c_str(), n + 1);
  return {
      "clerk", std::move(audience),
      [no = std::string(no), id = person(n), item_code, handling_node](schema::Body::Builder b) {
        auto in = b.initCaseIntake();
        in.setCaseNo(no);
        in.initActor().setLogin("clerk");
        auto sub = in.initSubmitted();
        sub.setItemCode(item_code);
        sub.setItemVersion(1);
        sub.setHandlingNode(handling_node);
        auto a = sub.initApplicant();
        a.setIdNumber(id);
        a.setName("张三");
        a.setPhone("13800138000");
        a.setDomicile("441802001001");
        sub.setChannel("window");
        sub.setQueryCodeHash("$argon2id$v=19$m=4096,t=2,p=1$bench");
      }};
}

}  // namespace yimen::bench
