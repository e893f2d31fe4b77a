// SPDX-License-Identifier: MIT
// office-pdf: the PNG and document generators, LibreOffice's output as captured from the
// real program (tests/fixtures/office-pdf), the check of a converted batch, and the plugin
// run end to end by the benchlab command line, with LibreOffice where it is installed and
// with a stand-in that loses a document.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base64.hpp"
#include "document_generator.hpp"
#include "file_url.hpp"
#include "pdf_batch_check.hpp"
#include "png_writer.hpp"
#include "sqlite_stmt.h"
#include "store.h"
#include "unit_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Catch::Matchers::Contains;

const fs::path kFixtures = fs::path(FIXTURES_DIR) / "office-pdf";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string fixture(const std::string& name) { return read_file(kFixtures / name); }

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

using unit::TempDir;

std::uint32_t be32(std::string_view bytes, std::size_t at) {
  return (std::uint32_t{static_cast<std::uint8_t>(bytes[at])} << 24) |
         (std::uint32_t{static_cast<std::uint8_t>(bytes[at + 1])} << 16) |
         (std::uint32_t{static_cast<std::uint8_t>(bytes[at + 2])} << 8) |
         std::uint32_t{static_cast<std::uint8_t>(bytes[at + 3])};
}

struct Chunk {
  std::string type, data;
  bool crc_ok = false;
};

// Splits a PNG into its chunks, checking each CRC: a reader's view, written from the spec.
std::vector<Chunk> png_chunks(std::string_view png) {
  std::vector<Chunk> chunks;
  std::size_t at = 8;
  while (at + 12 <= png.size()) {
    const std::uint32_t length = be32(png, at);
    REQUIRE(at + 12 + length <= png.size());
    Chunk chunk{std::string(png.substr(at + 4, 4)), std::string(png.substr(at + 8, length))};
    chunk.crc_ok =
        be32(png, at + 8 + length) == office_pdf::png_crc32(png.substr(at + 4, 4 + length));
    chunks.push_back(chunk);
    at += 12 + length;
  }
  return chunks;
}

// The payload of a zlib stream made only of stored blocks, checking its Adler-32.
std::string unstore(std::string_view zlib) {
  REQUIRE(zlib.size() >= 6);
  REQUIRE((static_cast<std::uint8_t>(zlib[0]) * 256 + static_cast<std::uint8_t>(zlib[1])) % 31 ==
          0);
  std::string out;
  std::size_t at = 2;
  for (bool last = false; !last;) {
    REQUIRE(at + 5 <= zlib.size());
    last = (zlib[at] & 1) != 0;
    REQUIRE((zlib[at] & 6) == 0);  // BTYPE 00
    const unsigned len = static_cast<std::uint8_t>(zlib[at + 1]) |
                         (unsigned{static_cast<std::uint8_t>(zlib[at + 2])} << 8);
    const unsigned nlen = static_cast<std::uint8_t>(zlib[at + 3]) |
                          (unsigned{static_cast<std::uint8_t>(zlib[at + 4])} << 8);
    REQUIRE((len ^ 0xFFFFu) == nlen);
    out.append(zlib.substr(at + 5, len));
    at += 5 + len;
  }
  REQUIRE(at + 4 == zlib.size());
  CHECK(be32(zlib, at) == office_pdf::adler32(out));
  return out;
}

std::string path_of_this_process() {
  const char* path = std::getenv("PATH");
  return path ? path : "/usr/bin:/bin";
}

bool installed(const std::string& program) {
  std::string list = path_of_this_process();
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t colon = list.find(':', pos);
    if (colon == std::string::npos) colon = list.size();
    const fs::path candidate = fs::path(list.substr(pos, colon - pos)) / program;
    if (access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return true;
    pos = colon + 1;
  }
  return false;
}

using unit::CliRun;
using unit::run_benchlab;

struct Outcome {
  json::object result;
  std::string outputs;  // every trial's raw output, as stored
};

// `benchlab run office-pdf` (the shipped profile) with a small batch, XDG directories and
// the store inside `home`, PATH as given and `env` on top.
Outcome run_office_pdf(const fs::path& home, const std::string& path, unsigned documents,
                       const std::vector<std::string>& env = {}) {
  std::vector<std::string> environment{"XDG_DATA_HOME=" + (home / "data").string(),
                                       "XDG_CACHE_HOME=" + (home / "cache").string(),
                                       "PATH=" + path};
  environment.insert(environment.end(), env.begin(), env.end());
  const CliRun ran = run_benchlab({"run", "office-pdf", "-n", "1", "--warmup", "0", "-q", "--json",
                                   "-o", "documents=" + std::to_string(documents), "-o",
                                   "sections=1", "--db", (home / "results.db").string()},
                                  environment);
  INFO("benchlab stderr: " << ran.err);
  INFO("benchlab stdout: " << ran.out);
  json::value doc;
  REQUIRE_NOTHROW(doc = json::parse(ran.out));
  const json::array& results = doc.at("results").as_array();
  REQUIRE(results.size() == 1);
  Outcome outcome{results[0].as_object(), {}};
  benchlab::Store store(home / "results.db");
  benchlab::Stmt trials(store.handle(), "SELECT output FROM trials ORDER BY id");
  while (trials.step()) outcome.outputs += trials.text(0);
  return outcome;
}

}  // namespace

TEST_CASE("the PNG checksums give their published check values", "[office-pdf]") {
  CHECK(office_pdf::png_crc32("123456789") == 0xCBF43926u);
  CHECK(office_pdf::png_crc32("IEND") == 0xAE426082u);  // the CRC every PNG ends with
  CHECK(office_pdf::adler32("Wikipedia") == 0x11E60398u);
  CHECK(office_pdf::adler32("") == 1u);
}

TEST_CASE("a figure encodes to a PNG whose chunks, checksums and pixels read back",
          "[office-pdf]") {
  // 200x120 RGB is 72120 bytes of scanlines: more than one stored block.
  const office_pdf::RgbImage image = office_pdf::figure_image(42, 200, 120);
  const std::string png = office_pdf::encode_png(image);
  REQUIRE(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  const auto chunks = png_chunks(png);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0].type == "IHDR");
  CHECK(chunks[1].type == "IDAT");
  CHECK(chunks[2].type == "IEND");
  for (const auto& chunk : chunks) CHECK(chunk.crc_ok);
  CHECK(be32(chunks[0].data, 0) == 200);
  CHECK(be32(chunks[0].data, 4) == 120);
  CHECK(chunks[0].data.substr(8) == std::string("\x08\x02\x00\x00\x00", 5));

  const std::string scanlines = unstore(chunks[1].data);
  REQUIRE(scanlines.size() == 120 * (1 + 200 * 3));
  for (std::size_t y = 0; y < 120; ++y) {
    CHECK(scanlines[y * 601] == '\0');
    CHECK(std::equal(image.pixels.begin() + static_cast<long>(y * 600),
                     image.pixels.begin() + static_cast<long>((y + 1) * 600),
                     scanlines.begin() + static_cast<long>(y * 601 + 1),
                     [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }));
  }
  CHECK_THROWS_WITH(office_pdf::encode_png({2, 2, std::vector<std::uint8_t>(5)}),
                    Contains("5 bytes of pixels for a 2x2 RGB image"));
}

TEST_CASE("figures differ by seed and are not one flat colour", "[office-pdf]") {
  const auto a = office_pdf::figure_image(1, 64, 48), b = office_pdf::figure_image(2, 64, 48);
  CHECK(a.pixels != b.pixels);
  CHECK(a.pixels == office_pdf::figure_image(1, 64, 48).pixels);
  CHECK(std::adjacent_find(a.pixels.begin(), a.pixels.end(), std::not_equal_to<>()) !=
        a.pixels.end());
}

TEST_CASE("base64 gives RFC 4648's test vectors and breaks lines on request", "[office-pdf]") {
  CHECK(office_pdf::base64_encode("") == "");
  CHECK(office_pdf::base64_encode("f") == "Zg==");
  CHECK(office_pdf::base64_encode("fo") == "Zm8=");
  CHECK(office_pdf::base64_encode("foo") == "Zm9v");
  CHECK(office_pdf::base64_encode("foob") == "Zm9vYg==");
  CHECK(office_pdf::base64_encode("fooba") == "Zm9vYmE=");
  CHECK(office_pdf::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(office_pdf::base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
  CHECK(office_pdf::base64_encode("foobarfoobar", 8) == "Zm9vYmFy\nZm9vYmFy");
}

TEST_CASE("every generated document is well-formed ODF with its sections, tables and figures",
          "[office-pdf]") {
  for (unsigned index = 1; index <= 6; ++index) {
    INFO("document " << index);
    const std::string text = office_pdf::flat_odt_document(index, 4);
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_string(text.c_str());
    INFO(parsed.description());
    REQUIRE(parsed);
    const pugi::xml_node root = doc.child("office:document");
    REQUIRE(root);
    CHECK(std::string(root.attribute("office:mimetype").value()) ==
          "application/vnd.oasis.opendocument.text");
    const pugi::xml_node body = root.child("office:body").child("office:text");
    REQUIRE(body);
    CHECK(std::distance(body.children("text:h").begin(), body.children("text:h").end()) == 4);
    const auto tables = doc.select_nodes("//table:table").size();
    const auto images = doc.select_nodes("//draw:image/office:binary-data").size();
    switch (office_pdf::document_kind(index)) {
      case office_pdf::DocumentKind::report:
        CHECK(tables == 4);
        CHECK(images == 0);
        CHECK(doc.select_nodes("//text:list").size() == 4);
        break;
      case office_pdf::DocumentKind::tables:
        CHECK(tables == 8);
        CHECK(images == 0);
        break;
      case office_pdf::DocumentKind::figures:
        CHECK(tables == 0);
        CHECK(images == 6);  // one per section, two in every even one
        break;
    }
    // Every embedded figure is a PNG in base64.
    for (const auto& data : doc.select_nodes("//office:binary-data")) {
      std::string b64 = data.node().child_value();
      b64.erase(std::remove(b64.begin(), b64.end(), '\n'), b64.end());
      CHECK(b64.substr(0, 8) == "iVBORw0K");  // base64 of the PNG signature
    }
  }
}

TEST_CASE("documents repeat byte for byte and differ from one another", "[office-pdf]") {
  CHECK(office_pdf::flat_odt_document(3, 2) == office_pdf::flat_odt_document(3, 2));
  CHECK(office_pdf::flat_odt_document(3, 2) != office_pdf::flat_odt_document(6, 2));
  CHECK(office_pdf::flat_odt_document(3, 2).size() < office_pdf::flat_odt_document(3, 4).size());
  CHECK(office_pdf::document_file_name(7) == "doc07.fodt");
  CHECK(office_pdf::document_file_name(120) == "doc120.fodt");

  TempDir tmp;
  const auto paths = office_pdf::write_documents(tmp.path, {5, 1});
  REQUIRE(paths.size() == 5);
  CHECK(paths[4] == tmp.path / "doc05.fodt");
  for (unsigned i = 0; i < 5; ++i)
    CHECK(read_file(paths[i]) == office_pdf::flat_odt_document(i + 1, 1));
  CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()) ==
        5);  // no .part
}

TEST_CASE("profile paths become file URLs LibreOffice reads back", "[office-pdf]") {
  CHECK(office_pdf::file_url("/tmp/benchlab-x1/lo-profile") ==
        "file:///tmp/benchlab-x1/lo-profile");
  CHECK(office_pdf::file_url("/tmp/a b/50%/é") == "file:///tmp/a%20b/50%25/%C3%A9");
  CHECK_THROWS_WITH(office_pdf::file_url("relative/dir"), Contains("not an absolute path"));
}

TEST_CASE("LibreOffice's report of a 20-document batch is read line by line", "[office-pdf]") {
  const auto conversions = office_pdf::parse_conversions(fixture("batch20.stdout.txt"));
  REQUIRE(conversions.size() == 20);
  CHECK(fs::path(conversions.front().source).filename() == "doc01.fodt");
  CHECK(fs::path(conversions.back().target).filename() == "doc20.pdf");
  for (const auto& c : conversions) CHECK(c.filter == "writer_pdf_Export");
  // The javaldx warning on stderr is no conversion error.
  CHECK(office_pdf::conversion_errors(fixture("batch20.stderr.txt")).empty());
}

TEST_CASE("a document LibreOffice could not load shows only as an error line", "[office-pdf]") {
  // Two inputs, "with space.fodt" and a missing one: one convert line, one error.
  const auto conversions = office_pdf::parse_conversions(fixture("missing.stdout.txt"));
  REQUIRE(conversions.size() == 1);
  CHECK(fs::path(conversions[0].source).filename() == "with space.fodt");
  CHECK(fs::path(conversions[0].target).filename() == "with space.pdf");
  CHECK(office_pdf::conversion_errors(fixture("missing.stderr.txt")) ==
        std::vector<std::string>{"Error: source file could not be loaded"});
}

TEST_CASE("a PDF from LibreOffice passes; empty, foreign and cut-short files do not",
          "[office-pdf]") {
  const std::string pdf = fixture("tables-1-section.pdf");
  CHECK(office_pdf::pdf_defect(pdf).empty());
  CHECK(office_pdf::count_pdf_pages(pdf) == 2);
  CHECK(office_pdf::pdf_defect("") == "is empty");
  CHECK_THAT(office_pdf::pdf_defect("<html>not a pdf</html>"),
             Contains("does not start with %PDF-"));
  CHECK_THAT(office_pdf::pdf_defect(pdf.substr(0, pdf.size() / 2)), Contains("no %%EOF"));
  CHECK(office_pdf::count_pdf_pages("<< /Type /Pages /Kids [] >> << /Type /Page >>") == 1);
}

TEST_CASE("a batch with a lost and a cut-short PDF fails naming both documents", "[office-pdf]") {
  TempDir tmp;
  const fs::path out = tmp.path / "pdf";
  fs::create_directories(out);
  const std::vector<fs::path> inputs{tmp.path / "a.fodt", tmp.path / "b.fodt", tmp.path / "c.fodt"};
  const std::string pdf = fixture("tables-1-section.pdf");
  write_file(out / "a.pdf", pdf);
  write_file(out / "b.pdf", pdf.substr(0, 1000));

  const auto check = office_pdf::check_batch(inputs, out, "", fixture("missing.stderr.txt"));
  CHECK_FALSE(check.ok());
  CHECK_THAT(check.problem, Contains("2 of 3 documents have no sound PDF"));
  CHECK_THAT(check.problem,
             Contains("b.fodt was not converted: " + (out / "b.pdf").string() + " has no %%EOF"));
  CHECK_THAT(check.problem,
             Contains("c.fodt was not converted: " + (out / "c.pdf").string() + " does not exist"));
  CHECK_THAT(check.problem, !Contains("a.fodt"));
  CHECK_THAT(check.problem, Contains("LibreOffice said:\nError: source file could not be loaded"));

  write_file(out / "b.pdf", pdf);
  write_file(out / "c.pdf", pdf);
  const auto fine = office_pdf::check_batch(inputs, out, "", "");
  CHECK(fine.ok());
  REQUIRE(fine.pdfs.size() == 3);
  CHECK(fine.pdfs[2].path == out / "c.pdf");
  CHECK(fine.pdfs[2].pages == 2);
  CHECK(fine.pdfs[2].bytes == pdf.size());
}

TEST_CASE("benchlab runs office-pdf with LibreOffice end to end, or says it cannot",
          "[office-pdf][e2e]") {
  TempDir home;
  const Outcome run = run_office_pdf(home.path, path_of_this_process(), 3);
  if (!installed("libreoffice")) {
    CHECK(run.result.at("status").as_string() == "cannot_run");
    CHECK_THAT(std::string(run.result.at("reason").as_string()),
               Contains("apt-get install libreoffice-writer-nogui"));
    return;
  }
  INFO("reason: " << run.result.at("reason"));
  REQUIRE(run.result.at("status").as_string() == "ok");
  const json::array& trials = run.result.at("trials").as_array();
  REQUIRE(trials.size() == 1);
  CHECK(trials[0].at("values").at("seconds").to_number<double>() > 0);
  CHECK_THAT(run.outputs, Contains("office-pdf: 3 documents (generator 1, sections=1) -> 3 PDFs"));
  CHECK_THAT(run.outputs, Contains("with LibreOffice "));
  CHECK(office_pdf::parse_conversions(run.outputs).size() == 3);
}

TEST_CASE("a conversion that loses a document fails the trial naming it", "[office-pdf][e2e]") {
  // A stand-in for libreoffice that answers --version and converts every input but
  // doc02.fodt, as a LibreOffice that cannot load one document would (it exits 0 then).
  TempDir home;
  const fs::path bin = home.path / "bin";
  fs::create_directories(bin);
  write_file(bin / "libreoffice",
             "#!/bin/sh\n"
             "for a in \"$@\"; do [ \"$a\" = --version ] && "
             "echo 'LibreOffice 7.4.7.2 40(Build:2)' && exit 0; done\n"
             "out=; prev=\n"
             "for a in \"$@\"; do\n"
             "  [ \"$prev\" = --outdir ] && out=$a\n"
             "  case $a in *doc02.fodt) echo 'Error: source file could not "
             "be loaded' >&2;;\n"
             "  *.fodt) n=${a##*/}; cp \"$PDF\" \"$out/${n%.fodt}.pdf\" && "
             "echo \"convert $a -> $out/${n%.fodt}.pdf using filter : "
             "writer_pdf_Export\";;\n"
             "  esac; prev=$a\n"
             "done\n");
  fs::permissions(bin / "libreoffice", fs::perms::owner_all);
  const Outcome run = run_office_pdf(home.path, bin.string() + ":/usr/bin:/bin", 3,
                                     {"PDF=" + (kFixtures / "tables-1-section.pdf").string()});
  CHECK(run.result.at("status").as_string() != "ok");
  const json::array& trials = run.result.at("trials").as_array();
  REQUIRE_FALSE(trials.empty());
  CHECK(trials[0].at("status").as_string() == "failed");
  const std::string reason(trials[0].at("reason").as_string());
  CHECK_THAT(reason, Contains("1 of 3 documents have no sound PDF: doc02.fodt was not converted"));
  CHECK_THAT(reason, Contains("Error: source file could not be loaded"));
}

TEST_CASE("without LibreOffice office-pdf cannot run, and says what to install",
          "[office-pdf][e2e]") {
  TempDir home;
  fs::create_directories(home.path / "empty-bin");
  const Outcome run = run_office_pdf(home.path, (home.path / "empty-bin").string(), 2);
  CHECK(run.result.at("status").as_string() == "cannot_run");
  CHECK_THAT(std::string(run.result.at("reason").as_string()),
             Contains("libreoffice not found on PATH (apt-get install libreoffice-writer-nogui)"));
  CHECK(run.result.at("trials").as_array().empty());
}
