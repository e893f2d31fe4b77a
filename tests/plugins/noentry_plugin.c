/* SPDX-License-Identifier: MIT */
/* noentry: a valid shared object that exports something, but not benchlab_plugin_entry,
   like a library dropped into the plugin directory by mistake. */
#include <benchlab/plugin.h>

BL_EXPORT int benchlab_not_an_entry(void) { return 42; }
