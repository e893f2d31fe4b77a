// SPDX-License-Identifier: MIT
#include "cmos_library.hpp"

namespace ngspice_workload {

std::string cmos_library_text() {
  // BSIM4 (level 54) so the run exercises the model ngspice evaluates in parallel with
  // OpenMP, like the transistor-level benchmark decks. The version is pinned so ngspice
  // does not warn, and the few parameters set give a plausible 50 nm process at 1 V;
  // everything else is BSIM4's default.
  return R"(* ---- cell library: BSIM4, 50 nm, 1.0 V ----
.model nch nmos level=54 version=4.8.1 toxe=1.8n vth0=0.35
.model pch pmos level=54 version=4.8.1 toxe=1.8n vth0=-0.35

.subckt inv in out vdd
mp out in vdd vdd pch w=0.4u l=0.05u
mn out in 0 0 nch w=0.2u l=0.05u
.ends inv

* out = a AND b: a NAND gate and an inverter.
.subckt and2 a b out vdd
mp1 nb a vdd vdd pch w=0.4u l=0.05u
mp2 nb b vdd vdd pch w=0.4u l=0.05u
mn1 nb a x 0 nch w=0.4u l=0.05u
mn2 x b 0 0 nch w=0.4u l=0.05u
mp3 out nb vdd vdd pch w=0.4u l=0.05u
mn3 out nb 0 0 nch w=0.2u l=0.05u
.ends and2

* Mirror full adder: inverted carry (10 transistors), inverted sum (14), two output
* inverters (4).
.subckt fa a b cin sum cout vdd
* coutb = NOT(a.b + cin.(a+b))
mp1 px a vdd vdd pch w=0.8u l=0.05u
mp2 px b vdd vdd pch w=0.8u l=0.05u
mp3 coutb cin px vdd pch w=0.8u l=0.05u
mp4 py a vdd vdd pch w=0.8u l=0.05u
mp5 coutb b py vdd pch w=0.8u l=0.05u
mn1 nx a 0 0 nch w=0.4u l=0.05u
mn2 nx b 0 0 nch w=0.4u l=0.05u
mn3 coutb cin nx 0 nch w=0.4u l=0.05u
mn4 ny a 0 0 nch w=0.4u l=0.05u
mn5 coutb b ny 0 nch w=0.4u l=0.05u
* sumb = NOT(a.b.cin + coutb.(a+b+cin))
mp6 pz a vdd vdd pch w=0.8u l=0.05u
mp7 pz b vdd vdd pch w=0.8u l=0.05u
mp8 pz cin vdd vdd pch w=0.8u l=0.05u
mp9 sumb coutb pz vdd pch w=0.8u l=0.05u
mp10 pu a vdd vdd pch w=1.2u l=0.05u
mp11 pv b pu vdd pch w=1.2u l=0.05u
mp12 sumb cin pv vdd pch w=1.2u l=0.05u
mn6 nz a 0 0 nch w=0.4u l=0.05u
mn7 nz b 0 0 nch w=0.4u l=0.05u
mn8 nz cin 0 0 nch w=0.4u l=0.05u
mn9 sumb coutb nz 0 nch w=0.4u l=0.05u
mn10 nu a 0 0 nch w=0.6u l=0.05u
mn11 nv b nu 0 nch w=0.6u l=0.05u
mn12 sumb cin nv 0 nch w=0.6u l=0.05u
mp13 cout coutb vdd vdd pch w=0.4u l=0.05u
mn13 cout coutb 0 0 nch w=0.2u l=0.05u
mp14 sum sumb vdd vdd pch w=0.4u l=0.05u
mn14 sum sumb 0 0 nch w=0.2u l=0.05u
.ends fa
)";
}

}  // namespace ngspice_workload
