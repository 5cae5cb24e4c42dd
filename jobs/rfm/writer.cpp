// The RFM stage's outputs: /rfm in results.h5 and csv/rfm_segments.csv + csv/rfm_cells.csv.
#include <limits>

#include "io/csv_writer.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi {

namespace layout = results_schema;

void write_rfm(const Comm& comm, ResultsFile& results, OutputSet& out, const RfmResult& r,
               const std::string& currency) {
  results.write_column(layout::rfm::kCustomerId, r.customer_id);
  results.write_column(layout::rfm::kRecencyDays, r.metrics.recency_days);
  results.write_column(layout::rfm::kFrequency, r.activity.orders);
  results.write_column(layout::rfm::kMonetaryCents, r.activity.total_cents);
  results.write_column(layout::rfm::kAvgOrderCents, r.metrics.avg_order_cents);
  results.write_column(layout::rfm::kTenureDays, r.metrics.tenure_days);
  results.write_column(layout::rfm::kFirstOrderDay, r.activity.first_day);
  results.write_column(layout::rfm::kLastOrderDay, r.activity.last_day);
  results.write_column(layout::rfm::kRScore, r.r_score);
  results.write_column(layout::rfm::kFScore, r.f_score);
  results.write_column(layout::rfm::kMScore, r.m_score);
  results.write_column(layout::rfm::kSegment, r.segment);
  results.write_strings(layout::rfm::kSegmentNames, r.segments.names);

  const std::size_t n_seg = r.segments.names.size();
  std::uint64_t customers = 0;
  std::int64_t revenue = 0;
  for (std::size_t s = 0; s < n_seg; ++s) {
    customers += r.seg_customers[s];
    revenue += r.seg_revenue[s];
  }
  std::vector<double> cust_share(n_seg), rev_share(n_seg), mean_rec(n_seg), mean_freq(n_seg), mean_mon(n_seg);
  for (std::size_t s = 0; s < n_seg; ++s) {
    const double c = static_cast<double>(r.seg_customers[s]);
    cust_share[s] = customers ? c / static_cast<double>(customers) : 0.0;
    rev_share[s] = revenue ? static_cast<double>(r.seg_revenue[s]) / static_cast<double>(revenue) : 0.0;
    mean_rec[s] = c > 0 && s > 0 ? static_cast<double>(r.seg_recency_sum[s]) / c : 0.0;
    mean_freq[s] = c > 0 ? static_cast<double>(r.seg_frequency_sum[s]) / c : 0.0;
    mean_mon[s] = c > 0 ? static_cast<double>(r.seg_revenue[s]) / c / 100.0 : 0.0;
  }
  results.write_replicated(layout::rfm::kSummaryCustomers, r.seg_customers);
  results.write_replicated(layout::rfm::kSummaryRevenueCents, r.seg_revenue);
  results.write_replicated(layout::rfm::kSummaryCustomerShare, cust_share);
  results.write_replicated(layout::rfm::kSummaryRevenueShare, rev_share);
  results.write_replicated(layout::rfm::kSummaryMeanRecency, mean_rec);
  results.write_replicated(layout::rfm::kSummaryMeanFrequency, mean_freq);
  results.write_replicated(layout::rfm::kSummaryMeanMonetary, mean_mon);
  results.write_replicated(layout::rfm::kCellsCustomers, r.cell_customers);
  results.write_attr_int(layout::rfm::kAsOfDay, r.as_of_day);
  results.write_attr_string(layout::rfm::kAsOf, format_iso_date(r.as_of_day));
  results.write_attr_int(layout::rfm::kBuyers, static_cast<std::int64_t>(r.buyers));
  results.write_attr_string(layout::rfm::kCurrency, currency);
  results.write_attr_string(
      layout::rfm::kScoreMethod,
      "score = 1 + floor(5 * L / n), L = buyers with a strictly smaller value, n = buyers; "
      "recency scored on its negation; exact across ranks (docs/rfm.md)");
  const layout::Entry* cut_points[] = {&layout::rfm::kCutPointsNegRecency, &layout::rfm::kCutPointsFrequency,
                                       &layout::rfm::kCutPointsMonetary};
  for (std::size_t k = 0; k < 3; ++k) {
    std::vector<std::int64_t> v;
    for (const auto& c : r.cuts[k].value) v.push_back(c ? *c : std::numeric_limits<std::int64_t>::min());
    results.write_attr_ints(*cut_points[k], v);
  }

  const std::string seg_csv = out.temp_path("csv/rfm_segments.csv");
  const std::string cell_csv = out.temp_path("csv/rfm_cells.csv");
  if (comm.is_root()) {
    CsvWriter w(seg_csv, {"segment", "customers", "customer_share", "revenue", "revenue_share", "mean_recency_days",
                          "mean_frequency", "mean_monetary", "currency"});
    for (std::size_t s = 0; s < n_seg; ++s)
      w.row({r.segments.names[s], std::to_string(r.seg_customers[s]), csv_number(cust_share[s]),
             csv_number(static_cast<double>(r.seg_revenue[s]) / 100.0, 2), csv_number(rev_share[s]),
             csv_number(mean_rec[s], 3), csv_number(mean_freq[s], 3), csv_number(mean_mon[s], 2), currency});
    w.close();
    CsvWriter c(cell_csv, {"r_score", "f_score", "m_score", "segment", "customers"});
    for (std::uint8_t rs = 1; rs <= 5; ++rs)
      for (std::uint8_t fs = 1; fs <= 5; ++fs)
        for (std::uint8_t ms = 1; ms <= 5; ++ms)
          c.row({std::to_string(rs), std::to_string(fs), std::to_string(ms), r.segments.names[r.segments.of(rs, fs, ms)],
                 std::to_string(r.cell_customers[static_cast<std::size_t>((rs - 1) * 25 + (fs - 1) * 5 + ms - 1)])});
    c.close();
  }
}

}  // namespace crmpi
