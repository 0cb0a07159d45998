#pragma once

// Service items in catalogue events (sync/schema/catalogue.capnp) and back.

#include "common/status.h"
#include "node/hall/service_item.h"
#include "sync/schema/catalogue.capnp.h"

namespace yimen::hall {

// Writes `item` into `out`. Precondition: validate(item) is OK.
void write_service_item(const ServiceItem& item, schema::ServiceItem::Builder out);

// Reads an item from an event and validates it. Rejected (with the reason)
// when a field holds an unknown name or the item does not validate.
Result<ServiceItem> read_service_item(schema::ServiceItem::Reader in);

}  // namespace yimen::hall
