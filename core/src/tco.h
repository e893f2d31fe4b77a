/* SPDX-License-Identifier: MIT */
// Cost of ownership: buying a machine against renting the same work in the cloud, as the
// study's breakeven (docs/tco.md). One function for `benchlab tco` and the report.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

namespace benchlab {

inline constexpr double kHoursPerMonth = 730;  // 8,760 h / 12, the cloud providers' month

struct TcoInput {
  std::string system;           // whose price it is (may be empty for `benchlab tco`)
  double price_usd = 0;         // purchase price, > 0
  double cloud_rate_usd_h = 0;  // cloud instance price per hour, > 0
  double hours_per_day = 24;    // how many hours a day the work runs, (0, 24]
  // Electricity: both set, or the machine's running cost is left out.
  std::optional<double> electricity_usd_kwh;
  std::optional<double> power_w;
  std::string power_source;  // where power_w came from: "--power", "measured wall power ..."
};

struct Tco {
  TcoInput input;
  double cloud_per_day = 0, cloud_per_week = 0, cloud_per_month = 0;  // USD
  double electricity_per_day = 0;                                     // USD; 0 when not given
  double saving_per_day = 0;  // cloud_per_day - electricity_per_day
  // Days of use until buying costs less than renting (price / saving_per_day); none when
  // the machine's electricity costs as much as the cloud (it never pays off).
  std::optional<double> breakeven_days;
};

// Throws std::invalid_argument naming the bad input (a price <= 0, hours outside (0, 24],
// a negative rate or power).
Tco compute_tco(const TcoInput& in);

// Every input and figure above as a JSON object (null for what is not known).
boost::json::object tco_json(const Tco& t);

}  // namespace benchlab
