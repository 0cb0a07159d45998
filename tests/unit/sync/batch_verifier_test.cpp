#include "sync/batch_verifier.h"

#include "city_fixture.h"

namespace yimen::sync::testing {
namespace {

TEST(BatchVerifier, VerifiesBatchesInOrderAndNamesTheBadOnes) {
  City city;
  Stream v(city.village);
  std::vector<std::vector<Bytes>> batches(5);
  for (auto& batch : batches) {
    for (int i = 0; i < 20; ++i) batch.push_back(v.next(calendar_draft("clerk")));
  }
  batches[2][7].back() ^= 0x01;  // damage one event's signature
  BatchVerifier verifier(2);
  std::vector<std::future<VerifiedBatch>> futures;
  for (auto& batch : batches) futures.push_back(verifier.verify(batch));
  std::uint64_t expected_seq = 1;
  for (size_t b = 0; b < futures.size(); ++b) {
    VerifiedBatch out = futures[b].get();
    ASSERT_EQ(out.size(), 20u);
    for (size_t i = 0; i < out.size(); ++i, ++expected_seq) {
      if (b == 2 && i == 7) {
        EXPECT_EQ(out[i].status().code(), ErrorCode::kRejected);
        continue;
      }
      ASSERT_TRUE(out[i].ok()) << out[i].status().message();
      EXPECT_EQ(out[i]->seq(), expected_seq);
    }
  }
}

TEST(BatchVerifier, DestructionFinishesQueuedWork) {
  City city;
  Stream v(city.village);
  std::future<VerifiedBatch> pending;
  {
    BatchVerifier verifier(1);
    pending = verifier.verify({v.next(calendar_draft("clerk"))});
  }
  EXPECT_TRUE(pending.get().front().ok());
}

}  // namespace
}  // namespace yimen::sync::testing
