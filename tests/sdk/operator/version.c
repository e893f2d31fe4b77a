/* SPDX-License-Identifier: MIT */
/* Prints the version of benchlab.h this program was compiled against and of the
   libbenchlab it loaded, "HEADER LIBRARY ABI_MAJOR.ABI_MINOR"; exits 1 when the library
   refuses the call. */
#include <benchlab/benchlab.h>
#include <stdio.h>

int main(void) {
  benchlab_version_info info = {sizeof info, 0, 0, 0, 0, 0, NULL};
  if (benchlab_library_version(&info) != BENCHLAB_OK) {
    fprintf(stderr, "benchlab_library_version failed\n");
    return 1;
  }
  printf("%s %s %u.%u\n", BENCHLAB_VERSION_STRING, info.string, (unsigned)info.plugin_abi_major,
         (unsigned)info.plugin_abi_minor);
  return 0;
}
