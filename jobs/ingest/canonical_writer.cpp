#include "jobs/ingest/canonical_writer.hpp"

#include <filesystem>
#include <span>

#include "comm/dictionary_merge.hpp"
#include "io/h5.hpp"
#include "io/input_file.hpp"
#include "io/output.hpp"
#include "io/schema.hpp"
#include "io/validate.hpp"
#include "jobs/common/job_common.hpp"

namespace crmpi::ingest_job {
namespace {

template <class T>
void write_column(hid_t file, std::string_view path, const std::vector<T>& values, std::uint64_t total,
                  std::uint64_t offset) {
  auto d = h5::create_dataset<T>(file, std::string(path), total);
  if (total == 0) return;  // e.g. no survey of a known customer: an empty dataset
  h5::write<T>(d.id(), offset, std::span<const T>(values), true, std::string(path));
}

// A string dictionary named by the dictionary attribute of a code column.
void write_dictionary(const Comm& comm, hid_t file, std::string_view column, std::string_view dict,
                      const std::vector<std::string>& strings) {
  auto d = h5::open_dataset(file, std::string(column));
  h5::write_attr_string(d.id(), schema::kAttrDictionary, std::string(dict));
  h5::write_strings(file, std::string(dict), strings, comm.rank());
}

void write_products(const Comm& comm, hid_t id, const CanonicalFileInfo& info, const CanonicalColumns& col,
                    const GlobalCodes& codes) {
  write_column(id, schema::kItemOffset, col.item_offset, col.orders + 1, col.order_base);
  write_column(id, schema::kItemProduct, col.item_product, col.items, col.item_base);
  write_column(id, schema::kItemQuantity, col.item_quantity, col.items, col.item_base);
  // No categories in order exports: every product is category 0, "uncategorised".
  const std::uint64_t np = codes.products.size();
  const auto r = static_cast<std::uint64_t>(comm.rank()), p = static_cast<std::uint64_t>(comm.size());
  std::vector<std::uint16_t> cat(np * (r + 1) / p - np * r / p, 0);
  write_column(id, schema::kProductCategory, cat, np, np * r / p);
  write_dictionary(comm, id, schema::kProductCategory, schema::kDictCategory, {"uncategorised"});
  std::vector<std::string> keys = codes.products.strings();
  if (info.fimi)
    for (auto& k : keys) k = std::to_string(be_prefix(k));
  h5::write_strings(id, std::string(schema::kDictProductKey), keys, comm.rank());
  if (info.have_names) h5::write_strings(id, std::string(schema::kDictProductName), codes.product_names, comm.rank());
}

}  // namespace

void write_canonical_file(const Comm& comm, const CanonicalFileInfo& info, const CanonicalColumns& col,
                          const GlobalCodes& codes) {
  const std::filesystem::path outp = std::filesystem::absolute(info.out);
  OutputSet out(comm, outp.parent_path().string(), /*with_csv=*/false);
  const std::string tmp_path = out.temp_path(outp.filename().string());
  {
    h5::Handle f = h5::open_parallel(tmp_path, comm, h5::Access::kCreate);
    const hid_t id = f.id();
    h5::write_attr_int(id, schema::kAttrSchemaVersion, schema::kVersion);
    h5::write_attr_int(id, schema::kAttrAsOfDay, codes.as_of_day);
    h5::write_attr_string(id, schema::kAttrCurrency, info.currency);
    write_column(id, schema::kCustomerId, col.customer_id, col.customers, col.customer_base);
    write_column(id, schema::kOrderOffset, col.order_offset, col.customers + 1, col.customer_base);
    write_column(id, schema::kOrderId, col.order_id, col.orders, col.order_base);
    write_column(id, schema::kOrderCustomerId, col.order_customer, col.orders, col.order_base);
    write_column(id, schema::kOrderDay, col.order_day, col.orders, col.order_base);
    write_column(id, schema::kOrderAmount, col.order_amount, col.orders, col.order_base);
    if (info.have_order_channels) {
      write_column(id, schema::kOrderChannel, col.order_channel, col.orders, col.order_base);
      write_dictionary(comm, id, schema::kOrderChannel, schema::kDictOrderChannel, codes.channels.strings());
    }
    if (!info.baskets) write_column(id, schema::kSignupDay, col.signup_day, col.customers, col.customer_base);
    if (info.have_regions) {
      write_column(id, schema::kRegion, col.region, col.customers, col.customer_base);
      write_dictionary(comm, id, schema::kRegion, schema::kDictRegion, codes.regions.strings());
    }
    auto attribute = [&](std::string_view column, std::string_view dict, const std::vector<std::uint8_t>& v,
                         const ingest::StringDictionary* names) {
      if (!names) return;
      write_column(id, column, v, col.customers, col.customer_base);
      write_dictionary(comm, id, column, dict, names->strings());
    };
    attribute(schema::kAcquisitionChannel, schema::kDictAcquisitionChannel, col.acquisition_channel, info.channels);
    attribute(schema::kAgeBand, schema::kDictAgeBand, col.age_band, info.age_bands);
    attribute(schema::kGender, schema::kDictGender, col.gender, info.genders);
    if (info.have_surveys) {
      write_column(id, schema::kSurveyCustomerId, col.survey_customer, col.surveys, col.survey_base);
      write_column(id, schema::kSurveyDay, col.survey_day, col.surveys, col.survey_base);
      write_column(id, schema::kSurveyScore, col.survey_score, col.surveys, col.survey_base);
    }
    if (info.have_products) write_products(comm, id, info, col, codes);
    if (info.customer_dictionary) {
      // Dense customer codes: code c names /dictionaries/customer_key[c] (gathered on every rank).
      h5::write_strings(id, std::string(schema::kDictCustomerKey), allgather_string_lists(comm, col.customer_keys),
                        comm.rank());
    }
  }
  {
    InputFile in(comm, tmp_path);
    const Slice s = in.partition(comm.rank(), comm.size());
    const auto rep = validate_content(in, comm, s, 10, std::uint64_t{1} << 22);
    if (!rep.ok()) throw CollectiveError(ExitCode::kSoftware, "ingest wrote an invalid file (a bug): " + rep.format(info.out));
  }
  out.commit();
}

}  // namespace crmpi::ingest_job
