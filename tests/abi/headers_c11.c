/* SPDX-License-Identifier: MIT */
/* plugin.h, then benchlab.h, as strict C11 (-std=c11 -pedantic -Werror): an out-of-tree
   plugin or lab program in plain C must compile them as they are. The layout checks ride
   along. */
#include <benchlab/benchlab.h>
#include <benchlab/plugin.h>

#include "abi_layout_v1.h"

/* Uses of the types a C plugin would write, so that they are complete in C. */
static int32_t create_nothing(const bl_host* host, void** out) {
  (void)host;
  *out = NULL;
  return BL_OK;
}

static int32_t run_nothing(void* instance) {
  (void)instance;
  return BL_OK;
}

static const bl_metric_desc kMetric = {sizeof(bl_metric_desc), "value", "x",
                                       BL_HIGHER_IS_BETTER,    "d",     BL_METRIC_OPTIONAL};

const bl_workload benchlab_test_c11_workload = {
    sizeof(bl_workload), 0,    0,    NULL,        1,    &kMetric, 0,    NULL,
    create_nothing,      NULL, NULL, run_nothing, NULL, NULL,     NULL,
};

int benchlab_test_c11_config_size(void) {
  benchlab_config cfg = {sizeof(benchlab_config), NULL, NULL, NULL, NULL, NULL,
                         BENCHLAB_NO_DEFAULT_DIRS};
  return (int)cfg.struct_size;
}
