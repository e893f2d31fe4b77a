/* SPDX-License-Identifier: MIT */
// Every probe plugin opened once, each in its own sampler worker (sampler.h), all at
// once: which are available on this machine and why not, their channels and a sample,
// and the devices they see. For `benchlab list probes -v`, the inventory's GPUs and the
// memory gate.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "catalog.h"
#include "inventory.h"
#include "sampler.h"

namespace benchlab {

// `options`: "PROBE.KEY" = VALUE pairs; each probe gets its own, prefix removed.
std::vector<ProbeStatus> survey_probes(
    const Catalog& catalog, const std::string& worker, const std::string& sysroot,
    const std::vector<std::pair<std::string, std::string>>& options = {});

// The GPUs among the devices, as the inventory lists them.
std::vector<Inventory::Gpu> gpus_of(const std::vector<DeviceInfo>& devices);

// {"format_version": 1, "probes": [...]} (docs/json-format.md, "probes").
std::string probes_to_json(const std::vector<ProbeStatus>& probes);

}  // namespace benchlab
