// SPDX-License-Identifier: MIT
// The readings one hwmon chip offers, from the file names of the sysfs interface
// (Documentation/hwmon/sysfs-interface.rst): power<N>_input and power<N>_average (µW),
// energy<N>_input (µJ), temp<N>_input (m°C), in<N>_input (mV), curr<N>_input (mA), each
// with its <sensor>_label and the limits the host can use (temp crit or max, power cap).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace benchlab::hwmon {

enum class SensorType { power, energy, temp, in, curr };

struct Reading {
  SensorType type = SensorType::power;
  int index = 0;         // N of power<N>
  bool average = false;  // power<N>_average rather than power<N>_input
  std::string sensor;    // channel id part: "power1", "power1_average" (only when power1_input
                         // exists too), "temp2", "in0", "curr1", "energy1"
  std::string path;      // the file sampled
  std::string label;     // <sensor>_label, or power<N>_oem_info (ACPI power meters); "" none
  double scale = 1;      // file value * scale = W, J, °C, V or A
  double limit = 0;      // temp: crit, else max (°C); power: cap (W); 0 none
};

// [main] The readings of the chip whose attribute files are in `dir`, ordered by type
// (power, energy, temp, in, curr), then index, input before average. Fan, pwm, intrusion
// and other files are ignored. Files are not opened here.
std::vector<Reading> find_readings(const std::string& dir);

// [main] Whether `dir` holds at least one reading file.
bool has_readings(const std::string& dir);

}  // namespace benchlab::hwmon
