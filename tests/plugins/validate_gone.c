/* SPDX-License-Identifier: MIT */
/* A library that bad-desc-21 links and the loader cannot find when it loads the plugin. */
__attribute__((visibility("default"))) int validate_gone_value(void);
int validate_gone_value(void) { return 1; }
