// The results layout (io/results_schema.hpp) for scripts and the documentation:
//   results_layout markdown     the tables of docs/results.md, printed from the layout's entries
//   results_layout expect FILE  every object the layout expects in FILE (given its stages, models
//                               and options), one per line: key, kind, type, rows-dataset
//   results_layout check FILE   ResultsReader::check_layout: one problem per line, exit 1 if any
// Runs on one rank; results_e2e.py compares `expect` with what h5py finds in the file.
#include <cstdio>
#include <string>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/results_reader.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {
namespace {

namespace layout = results_schema;

std::string when_text(layout::When w) {
  switch (w) {
    case layout::When::kAlways: return "";
    case layout::When::kPipeline: return "`crmpi run` only";
    case layout::When::kGammaGamma: return "with `gg` in `--models`";
    case layout::When::kHoldout: return "with `--holdout-end`";
  }
  return "";
}

std::string cell(std::string_view s) { return s.empty() ? "" : "`" + std::string(s) + "`"; }

// Markdown table text: a '|' would end the cell.
std::string text(std::string_view s) {
  std::string out;
  for (const char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void print_markdown() {
  const std::pair<layout::Part, const char*> parts[] = {
      {layout::Part::kRoot, "Root attributes (every job)"},
      {layout::Part::kRfm, "`/rfm` (`crmpi rfm`, `crmpi run`)"},
      {layout::Part::kClv, "`/clv` (`crmpi clv`, `crmpi run`)"},
      {layout::Part::kKmeans, "`/kmeans` (`crmpi segment`, `crmpi run`)"},
      {layout::Part::kRules, "`/rules` (`crmpi rules`, `crmpi run`)"},
      {layout::Part::kInsights, "`/insights` (`crmpi run`)"},
      {layout::Part::kMigration, "`/migration` (`DIR/migration.h5`: `crmpi migrate`; docs/migration.md)"}};
  for (const auto& [part, title] : parts) {
    std::printf("### %s\n\n| object | kind | type | rows | meaning | present |\n|---|---|---|---|---|---|\n",
                title);
    for (const layout::Entry* e : layout::kEntries) {
      if (e->part != part) continue;
      const std::string object =
          e->attr.empty() ? std::string(e->path) : std::string(e->path) + "@" + std::string(e->attr);
      std::printf("| %s | %s | %s | %s | %s | %s |\n", cell(object).c_str(),
                  std::string(layout::kind_name(e->kind)).c_str(),
                  std::string(layout::type_name(e->type)).c_str(), cell(e->rows).c_str(), text(e->meaning).c_str(),
                  when_text(e->when).c_str());
    }
    std::printf("\n");
  }
}

void print_expected(const ResultsReader& in) {
  const std::vector<std::string> purchase = in.clv_purchase_models(), fitted = in.clv_models();
  for (const layout::Entry* e : layout::kEntries) {
    if (!in.applies(*e)) continue;
    std::vector<std::string> models = {""};
    if (e->each == layout::Each::kPurchaseModel) models = purchase;
    if (e->each == layout::Each::kFittedModel) models = fitted;
    for (const auto& m : models) {
      const layout::Object o = e->each == layout::Each::kOnce ? layout::Object(*e) : layout::at(*e, m);
      std::printf("%s\t%s\t%s\t%s\n", o.name().c_str(), std::string(layout::kind_name(e->kind)).c_str(),
                  std::string(layout::type_name(e->type)).c_str(), layout::fill(e->rows, m).c_str());
    }
  }
}

int run(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "markdown" && argc == 2) {
    print_markdown();
    return 0;
  }
  if ((mode == "expect" || mode == "check") && argc == 3) {
    h5::silence_hdf5_errors();
    const ResultsReader in(Comm(MPI_COMM_SELF), argv[2]);
    if (mode == "expect") {
      print_expected(in);
      return 0;
    }
    const auto problems = in.check_layout();
    for (const auto& p : problems) std::printf("%s\n", p.c_str());
    return problems.empty() ? 0 : 1;
  }
  std::fprintf(stderr, "usage: results_layout markdown | expect FILE | check FILE\n");
  return 64;
}

}  // namespace
}  // namespace crmpi

int main(int argc, char** argv) {
  crmpi::MpiSession mpi(argc, argv);
  try {
    return crmpi::run(argc, argv);
  } catch (const crmpi::Error& e) {
    std::fprintf(stderr, "results_layout: %s\n", e.what());
    return e.exit_code();
  }
}
