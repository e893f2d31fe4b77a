// SPDX-License-Identifier: MIT
// comfyui-mock: the ComfyUI stand-in as a program, for trying the comfyui plugin by hand.
// Prints its port, then serves until stdin closes (or Ctrl-C).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "comfyui_mock.hpp"

int main(int argc, char** argv) {
  comfyui_mock::MockOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--steps") {
      options.steps = std::atoi(value);
    } else if (flag == "--step-ms") {
      options.step_delay = std::chrono::milliseconds(std::atoi(value));
    } else if (flag == "--fault") {
      const std::string f = value;
      options.fault = f == "execution_error" ? comfyui_mock::Fault::execution_error
                      : f == "interrupted"   ? comfyui_mock::Fault::interrupted
                      : f == "close"         ? comfyui_mock::Fault::close_mid_run
                      : f == "stall"         ? comfyui_mock::Fault::stall
                      : f == "garbage"       ? comfyui_mock::Fault::garbage
                                             : comfyui_mock::Fault::none;
    } else {
      std::fprintf(stderr,
                   "usage: comfyui-mock [--steps N] [--step-ms MS] "
                   "[--fault execution_error|interrupted|close|stall|garbage]\n");
      return 2;
    }
  }
  comfyui_mock::MockServer server(options);
  std::cout << server.port() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
