// SPDX-License-Identifier: MIT
#include "tco.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <stdexcept>

#include "result_view.h"

namespace benchlab {

namespace {

namespace json = boost::json;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

}  // namespace

Tco compute_tco(const TcoInput& in) {
  require(std::isfinite(in.price_usd) && in.price_usd > 0,
          fmt::format("the price must be a positive amount in USD, not {}", in.price_usd));
  require(std::isfinite(in.cloud_rate_usd_h) && in.cloud_rate_usd_h > 0,
          fmt::format("the cloud rate must be a positive amount in USD per hour, not {}",
                      in.cloud_rate_usd_h));
  require(
      std::isfinite(in.hours_per_day) && in.hours_per_day > 0 && in.hours_per_day <= 24,
      fmt::format("hours per day must be more than 0 and at most 24, not {}", in.hours_per_day));
  require(in.electricity_usd_kwh.has_value() == in.power_w.has_value(),
          "electricity needs both a price per kWh and the machine's power");
  if (in.electricity_usd_kwh) {
    require(std::isfinite(*in.electricity_usd_kwh) && *in.electricity_usd_kwh >= 0,
            fmt::format("the electricity price must be 0 or more USD per kWh, not {}",
                        *in.electricity_usd_kwh));
    require(std::isfinite(*in.power_w) && *in.power_w >= 0,
            fmt::format("the power must be 0 or more W, not {}", *in.power_w));
  }
  Tco t;
  t.input = in;
  t.cloud_per_day = in.cloud_rate_usd_h * in.hours_per_day;
  t.cloud_per_week = t.cloud_per_day * 7;
  // A cloud month is 730 h of a machine running around the clock; fewer hours a day
  // rent fewer of them.
  t.cloud_per_month = in.cloud_rate_usd_h * kHoursPerMonth * in.hours_per_day / 24;
  if (in.electricity_usd_kwh)
    t.electricity_per_day = *in.power_w / 1000 * in.hours_per_day * *in.electricity_usd_kwh;
  t.saving_per_day = t.cloud_per_day - t.electricity_per_day;
  if (t.saving_per_day > 0) t.breakeven_days = in.price_usd / t.saving_per_day;
  return t;
}

json::object tco_json(const Tco& t) {
  const auto& in = t.input;
  return json::object{
      {"system", in.system},
      {"price_usd", in.price_usd},
      {"cloud_rate_usd_h", in.cloud_rate_usd_h},
      {"hours_per_day", in.hours_per_day},
      {"electricity_usd_kwh",
       in.electricity_usd_kwh ? json_number(*in.electricity_usd_kwh) : json::value(nullptr)},
      {"power_w", in.power_w ? json_number(*in.power_w) : json::value(nullptr)},
      {"power_source", in.power_source},
      {"cloud_per_day", json_number(t.cloud_per_day)},
      {"cloud_per_week", json_number(t.cloud_per_week)},
      {"cloud_per_month", json_number(t.cloud_per_month)},
      {"electricity_per_day", json_number(t.electricity_per_day)},
      {"saving_per_day", json_number(t.saving_per_day)},
      {"breakeven_days", t.breakeven_days ? json_number(*t.breakeven_days) : json::value(nullptr)}};
}

}  // namespace benchlab
