#include "jobs/generate/generate_command.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "io/h5.hpp"
#include "io/output.hpp"
#include "io/schema.hpp"
#include "jobs/common/log.hpp"
#include "jobs/common/version.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"
#include "kernels/generate/catalog.hpp"
#include "kernels/generate/customer.hpp"
#include "kernels/generate/dictionaries.hpp"
#include "kernels/generate/personas.hpp"

namespace crmpi {

namespace {

std::vector<std::string> names_of(std::span<const std::string_view> v) { return {v.begin(), v.end()}; }

// Buffers of one chunk of customers, laid out like the file's columns.
struct ChunkBuffers {
  std::vector<std::uint64_t> customer_id, order_offset;
  std::vector<std::int32_t> signup_day;
  std::vector<std::uint8_t> region, acquisition, age_band, gender, group;
  std::vector<double> lambda, p_dropout, nu;
  std::vector<std::uint64_t> order_id, order_customer, item_offset;
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount;
  std::vector<std::uint8_t> channel;
  std::vector<std::uint32_t> product, quantity;
  void clear() {
    for (auto* v : {&customer_id, &order_offset, &order_id, &order_customer, &item_offset}) v->clear();
    for (auto* v : {&region, &acquisition, &age_band, &gender, &group, &channel}) v->clear();
    for (auto* v : {&lambda, &p_dropout, &nu}) v->clear();
    signup_day.clear();
    day.clear();
    amount.clear();
    product.clear();
    quantity.clear();
  }
};

struct SurveyRows {
  std::vector<std::uint64_t> customer_id;
  std::vector<std::int32_t> day;
  std::vector<std::uint8_t> score;
};

// Pre-created datasets of the file, written chunk by chunk with collective writes.
struct Datasets {
  h5::Handle customer_id, order_offset, signup_day, region, acquisition, age_band, gender, group, lambda, p_dropout,
      nu, order_id, order_customer, day, amount, channel, item_offset, product, quantity;
};

template <class T>
void put(const h5::Handle& d, std::uint64_t offset, const std::vector<T>& v, const char* what) {
  h5::write<T>(d.id(), offset, std::span<const T>(v), true, what);
}

// Every persona's parameters (io/schema.hpp, kTruthPersona*): row k describes persona k, the
// customers with /truth/customer_group k.
void write_persona_truth(hid_t file, const gen::Catalog& catalog, int rank) {
  using P = gen::Persona;
  const auto write_doubles = [&](std::string_view path, const std::vector<double>& v) {
    auto d = h5::create_dataset<double>(file, std::string(path), v.size());
    if (rank == 0) h5::write<double>(d.id(), 0, std::span<const double>(v), false, std::string(path));
    return d;
  };
  const auto column = [&](std::string_view path, auto field) {
    std::vector<double> v;
    for (const P& persona : gen::kPersonas) v.push_back(field(persona));
    write_doubles(path, v);
  };
  column(schema::kTruthPersonaWeight, [](const P& p) { return p.weight; });
  column(schema::kTruthPersonaBgnbdR, [](const P& p) { return p.r; });
  column(schema::kTruthPersonaBgnbdAlpha, [](const P& p) { return p.alpha; });
  column(schema::kTruthPersonaBgnbdA, [](const P& p) { return p.a; });
  column(schema::kTruthPersonaBgnbdB, [](const P& p) { return p.b; });
  column(schema::kTruthPersonaGgP, [](const P& p) { return p.spend_p; });
  column(schema::kTruthPersonaGgQ, [](const P& p) { return p.spend_q; });
  column(schema::kTruthPersonaGgGamma, [](const P& p) { return p.spend_gamma; });
  column(schema::kTruthPersonaMeanOrderValue, [](const P& p) { return gen::persona_mean_order_value(p); });
  column(schema::kTruthPersonaSignupFrom, [](const P& p) { return p.signup_from; });
  column(schema::kTruthPersonaSignupTo, [](const P& p) { return p.signup_to; });
  column(schema::kTruthPersonaBasketSizeFactor, [](const P& p) { return p.profile.basket_size_factor; });
  column(schema::kTruthPersonaFavouriteBoost, [](const P& p) { return p.favourite_boost; });

  std::vector<double> shares;  // n_personas x n_channels, row-major
  for (const P& persona : gen::kPersonas) {
    for (const double s : gen::persona_channel_shares(persona)) shares.push_back(s);
  }
  auto share = write_doubles(schema::kTruthPersonaOrderChannelShare, shares);
  h5::write_attr_string(share.id(), schema::kAttrDictionary, std::string(schema::kDictOrderChannel));

  std::vector<std::uint32_t> offset{0};
  std::vector<std::uint16_t> favourite;
  for (std::uint32_t k = 0; k < gen::kPersonaCount; ++k) {
    for (const std::uint16_t c : catalog.favourite_categories(k)) favourite.push_back(c);
    offset.push_back(static_cast<std::uint32_t>(favourite.size()));
  }
  auto off = h5::create_dataset<std::uint32_t>(file, std::string(schema::kTruthPersonaFavouriteOffset), offset.size());
  auto fav =
      h5::create_dataset<std::uint16_t>(file, std::string(schema::kTruthPersonaFavouriteCategory), favourite.size());
  if (rank == 0) {
    h5::write<std::uint32_t>(off.id(), 0, offset, false, "favourite_offset");
    h5::write<std::uint16_t>(fav.id(), 0, favourite, false, "favourite_category");
  }
  h5::write_attr_string(fav.id(), schema::kAttrDictionary, std::string(schema::kDictCategory));
}

void write_truth_attributes(hid_t file, const GenerateConfig& cfg, const gen::Catalog& catalog, int rank) {
  auto truth = h5::open_or_create_group(file, std::string(schema::kTruthGroup));
  const auto& p = cfg.params;
  const hid_t g = truth.id();
  if (p.personas) {
    // No population-level BG/NBD or Gamma-Gamma attributes: the mixture has none, and a reader
    // looking for them must fail rather than score a fit against a population that does not exist.
    h5::write_attr_string(g, "description",
                          "Planted truth of crmpi generate --personas: a mixture of personas, each with its own "
                          "BG/NBD (time unit week), Gamma-Gamma (currency units), signup window, order-channel "
                          "and basket parameters (/truth/personas, row k = persona k); there is no single "
                          "BG/NBD + Gamma-Gamma population. customer_group is the persona (names in "
                          "group_names); planted association rules");
    h5::write_attr_string(g, "population", "personas");
  } else {
    h5::write_attr_string(g, "description",
                          p.pareto_dropout
                              ? "Planted truth of crmpi generate --dropout pareto: Pareto/NBD (r, alpha, s, beta; "
                                "time unit week), Gamma-Gamma (p, q, gamma; currency units), customer groups, "
                                "planted association rules"
                              : "Planted truth of crmpi generate: BG/NBD (r, alpha, a, b; time unit week), "
                                "Gamma-Gamma (p, q, gamma; currency units), customer groups, planted association "
                                "rules");
  }
  h5::write_attr_string(g, "time_unit", "week");
  if (!p.personas && p.pareto_dropout) {
    h5::write_attr_double(g, "pareto_r", p.r);
    h5::write_attr_double(g, "pareto_alpha", p.alpha);
    h5::write_attr_double(g, "pareto_s", p.s);
    h5::write_attr_double(g, "pareto_beta", p.beta);
  } else if (!p.personas) {
    h5::write_attr_double(g, "bgnbd_r", p.r);
    h5::write_attr_double(g, "bgnbd_alpha", p.alpha);
    h5::write_attr_double(g, "bgnbd_a", p.a);
    h5::write_attr_double(g, "bgnbd_b", p.b);
  }
  if (!p.personas) {
    h5::write_attr_double(g, "gg_p", p.spend_p);
    h5::write_attr_double(g, "gg_q", p.spend_q);
    h5::write_attr_double(g, "gg_gamma", p.spend_gamma);
  }
  h5::write_attr_int(g, "seed", static_cast<std::int64_t>(cfg.seed));
  h5::write_attr_int(g, "history_days", p.history_days);
  h5::write_attr_int(g, "n_groups", gen::planted_group_count(p));
  h5::write_attr_double(g, "rule_injection_prob", p.rule_injection_prob);
  h5::write_attr_double(g, "survey_fraction", p.survey_fraction);
  std::vector<std::string> names = names_of(gen::group_names(p.n_groups));
  if (p.personas) {
    names.clear();
    for (const auto& persona : gen::kPersonas) names.emplace_back(persona.name);
    write_persona_truth(file, catalog, rank);
  }
  h5::write_strings(file, std::string(schema::kTruthGroupNames), names, rank);
}

void write_catalog(hid_t file, const gen::Catalog& catalog, int rank) {
  std::vector<std::uint16_t> category(catalog.n_products());
  for (std::uint32_t i = 0; i < catalog.n_products(); ++i) category[i] = catalog.category_of(i);
  auto d = h5::create_dataset<std::uint16_t>(file, std::string(schema::kProductCategory), category.size());
  if (rank == 0) h5::write<std::uint16_t>(d.id(), 0, category, false, "products");
  h5::write_attr_string(d.id(), schema::kAttrDictionary, std::string(schema::kDictCategory));
  std::vector<std::string> cat_names;
  for (std::uint32_t c = 0; c < catalog.n_categories(); ++c) cat_names.push_back(gen::category_name(c));
  h5::write_strings(file, std::string(schema::kDictCategory), cat_names, rank);

  const auto rules = catalog.planted_rules();
  std::vector<std::uint32_t> a1, a2, cons;
  std::vector<double> prob;
  for (const auto& r : rules) {
    a1.push_back(r.antecedent[0]);
    a2.push_back(r.antecedent_size > 1 ? r.antecedent[1] : 0xFFFFFFFFu);
    cons.push_back(r.consequent);
    prob.push_back(r.probability);
  }
  auto write_small = [&](const char* path, auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    auto ds = h5::create_dataset<T>(file, path, v.size());
    if (rank == 0 && !v.empty()) h5::write<T>(ds.id(), 0, std::span<const T>(v), false, path);
  };
  write_small("/truth/rules/antecedent_1", a1);
  write_small("/truth/rules/antecedent_2", a2);
  write_small("/truth/rules/consequent", cons);
  write_small("/truth/rules/probability", prob);
}

}  // namespace

int run_generate_command(const Comm& comm, const GenerateConfig& cfg, const std::string& effective_config) {
  Stopwatch total;
  const auto& params = cfg.params;
  const gen::Catalog catalog(params, cfg.seed);
  const auto r = static_cast<std::uint64_t>(comm.rank()), P = static_cast<std::uint64_t>(comm.size());
  const std::uint64_t c_begin = cfg.customers / P * r + cfg.customers % P * r / P;
  const std::uint64_t c_end = cfg.customers / P * (r + 1) + cfg.customers % P * (r + 1) / P;
  const std::uint64_t n_local = c_end - c_begin;

  // Pass 1: count orders and items of every local customer.
  std::vector<gen::ItemDraw> scratch;
  std::uint64_t local_orders = 0, local_items = 0;
  {
    Progress progress(comm, "generate (count)", n_local, "customers");
    for (std::uint64_t i = 0; i < n_local; ++i) {
      const auto c = gen::count_customer(params, catalog, cfg.seed, c_begin + i, scratch);
      local_orders += c.orders;
      local_items += c.items;
      if ((i & 0xFFFF) == 0) progress.update(i);
    }
  }
  const std::uint64_t order_base = comm.exscan_sum(local_orders), item_base = comm.exscan_sum(local_items);
  const std::uint64_t n_orders = comm.allreduce_sum(local_orders), n_items = comm.allreduce_sum(local_items);
  spdlog::info("generate: {} customers, {} orders, {} items ({:.1f}s counting)", human_count(static_cast<double>(cfg.customers)),
               human_count(static_cast<double>(n_orders)), human_count(static_cast<double>(n_items)), total.seconds());

  const std::filesystem::path target(cfg.out);
  OutputSet out(comm, target.has_parent_path() ? target.parent_path().string() : ".", false);
  const std::string tmp = out.temp_path(target.filename().string());
  {
    h5::Handle file = h5::open_parallel(tmp, comm, h5::Access::kCreate);
    const hid_t f = file.id();
    h5::write_attr_int(f, schema::kAttrSchemaVersion, schema::kVersion);
    h5::write_attr_int(f, schema::kAttrAsOfDay, params.as_of_day);
    h5::write_attr_string(f, schema::kAttrCurrency, cfg.currency);
    h5::write_attr_string(f, "generator", std::string("crmpi generate ") + version_string());
    h5::write_attr_string(f, "generator_config", effective_config);

    const std::uint64_t N = cfg.customers;
    Datasets ds;
    using namespace schema;
    ds.customer_id = h5::create_dataset<std::uint64_t>(f, std::string(kCustomerId), N);
    ds.order_offset = h5::create_dataset<std::uint64_t>(f, std::string(kOrderOffset), N + 1);
    ds.signup_day = h5::create_dataset<std::int32_t>(f, std::string(kSignupDay), N);
    ds.region = h5::create_dataset<std::uint8_t>(f, std::string(kRegion), N);
    ds.acquisition = h5::create_dataset<std::uint8_t>(f, std::string(kAcquisitionChannel), N);
    ds.age_band = h5::create_dataset<std::uint8_t>(f, std::string(kAgeBand), N);
    ds.gender = h5::create_dataset<std::uint8_t>(f, std::string(kGender), N);
    ds.group = h5::create_dataset<std::uint8_t>(f, std::string(kTruthCustomerGroup), N);
    ds.lambda = h5::create_dataset<double>(f, "/truth/lambda", N);
    // Pareto/NBD: the dropout rate mu per week in its place (the column's name says which).
    ds.p_dropout = h5::create_dataset<double>(f, cfg.params.pareto_dropout ? "/truth/mu" : "/truth/p_dropout", N);
    ds.nu = h5::create_dataset<double>(f, "/truth/nu", N);
    ds.order_id = h5::create_dataset<std::uint64_t>(f, std::string(kOrderId), n_orders);
    ds.order_customer = h5::create_dataset<std::uint64_t>(f, std::string(kOrderCustomerId), n_orders);
    ds.day = h5::create_dataset<std::int32_t>(f, std::string(kOrderDay), n_orders);
    ds.amount = h5::create_dataset<std::int64_t>(f, std::string(kOrderAmount), n_orders);
    ds.channel = h5::create_dataset<std::uint8_t>(f, std::string(kOrderChannel), n_orders);
    ds.item_offset = h5::create_dataset<std::uint64_t>(f, std::string(kItemOffset), n_orders + 1);
    ds.product = h5::create_dataset<std::uint32_t>(f, std::string(kItemProduct), n_items);
    ds.quantity = h5::create_dataset<std::uint32_t>(f, std::string(kItemQuantity), n_items);
    const std::pair<const h5::Handle*, std::string_view> dict_links[] = {
        {&ds.region, kDictRegion}, {&ds.acquisition, kDictAcquisitionChannel}, {&ds.age_band, kDictAgeBand},
        {&ds.gender, kDictGender}, {&ds.channel, kDictOrderChannel}};
    for (const auto& [d, dict] : dict_links) h5::write_attr_string(d->id(), kAttrDictionary, std::string(dict));
    const int rank = comm.rank();
    h5::write_strings(f, std::string(kDictRegion), names_of(gen::kRegionNames), rank);
    h5::write_strings(f, std::string(kDictAcquisitionChannel), names_of(gen::kChannelNames), rank);
    h5::write_strings(f, std::string(kDictAgeBand), names_of(gen::kAgeBandNames), rank);
    h5::write_strings(f, std::string(kDictGender), names_of(gen::kGenderNames), rank);
    h5::write_strings(f, std::string(kDictOrderChannel), names_of(gen::kChannelNames), rank);
    write_catalog(f, catalog, rank);
    write_truth_attributes(f, cfg, catalog, rank);

    // Pass 2: generate and write chunk by chunk (collective rounds; a rank out of chunks joins empty).
    const std::uint64_t chunks = (n_local + cfg.chunk_customers - 1) / cfg.chunk_customers;
    const std::uint64_t rounds = comm.allreduce_max(chunks);
    ChunkBuffers b;
    SurveyRows surveys;
    gen::CustomerDraw cust;
    gen::SurveyDraw survey;
    std::vector<gen::OrderDraw> orders;
    std::vector<gen::ItemDraw> items;
    std::uint64_t next_order = order_base, next_item = item_base;
    Progress progress(comm, "generate (write)", n_local, "customers");
    for (std::uint64_t k = 0; k < rounds; ++k) {
      b.clear();
      const std::uint64_t lo = std::min(n_local, k * cfg.chunk_customers);
      const std::uint64_t hi = std::min(n_local, lo + cfg.chunk_customers);
      const std::uint64_t first_order = next_order, first_item = next_item;
      for (std::uint64_t i = lo; i < hi; ++i) {
        orders.clear();
        items.clear();
        gen::generate_customer(params, catalog, cfg.seed, c_begin + i, cust, orders, items, survey);
        b.customer_id.push_back(cust.customer_id);
        b.order_offset.push_back(next_order);
        b.signup_day.push_back(cust.signup_day);
        b.region.push_back(cust.region);
        b.acquisition.push_back(cust.acquisition_channel);
        b.age_band.push_back(cust.age_band);
        b.gender.push_back(cust.gender);
        b.group.push_back(cust.group);
        b.lambda.push_back(cust.lambda);
        b.p_dropout.push_back(cust.p_dropout);
        b.nu.push_back(cust.nu);
        std::size_t item_cursor = 0;
        for (const auto& o : orders) {
          b.order_id.push_back(next_order + 1);  // dense, 1-based, the same at any rank count
          b.order_customer.push_back(cust.customer_id);
          b.day.push_back(o.day);
          b.amount.push_back(o.amount_cents);
          b.channel.push_back(o.channel);
          b.item_offset.push_back(next_item);
          for (std::uint32_t j = 0; j < o.n_items; ++j, ++item_cursor) {
            b.product.push_back(items[item_cursor].product_id);
            b.quantity.push_back(items[item_cursor].quantity);
          }
          next_item += o.n_items;
          ++next_order;
        }
        if (survey.answered) {
          surveys.customer_id.push_back(cust.customer_id);
          surveys.day.push_back(survey.day);
          surveys.score.push_back(survey.score);
        }
      }
      // The last rank also closes both offset arrays.
      const bool closes = r + 1 == P && hi == n_local && lo < hi;
      if (closes) {
        b.order_offset.push_back(n_orders);
        b.item_offset.push_back(n_items);
      }
      const std::uint64_t c0 = c_begin + lo;
      put(ds.customer_id, c0, b.customer_id, "customer_id");
      put(ds.order_offset, c0, b.order_offset, "order_offset");
      put(ds.signup_day, c0, b.signup_day, "signup_day");
      put(ds.region, c0, b.region, "region");
      put(ds.acquisition, c0, b.acquisition, "acquisition_channel");
      put(ds.age_band, c0, b.age_band, "age_band");
      put(ds.gender, c0, b.gender, "gender");
      put(ds.group, c0, b.group, "truth/customer_group");
      put(ds.lambda, c0, b.lambda, "truth/lambda");
      put(ds.p_dropout, c0, b.p_dropout, "truth/p_dropout");
      put(ds.nu, c0, b.nu, "truth/nu");
      put(ds.order_id, first_order, b.order_id, "order_id");
      put(ds.order_customer, first_order, b.order_customer, "orders/customer_id");
      put(ds.day, first_order, b.day, "day");
      put(ds.amount, first_order, b.amount, "amount_cents");
      put(ds.channel, first_order, b.channel, "channel");
      put(ds.item_offset, first_order, b.item_offset, "item_offset");
      put(ds.product, first_item, b.product, "product_id");
      put(ds.quantity, first_item, b.quantity, "quantity");
      progress.update(hi, next_order - order_base, "orders");
    }
    if (next_order - order_base != local_orders || next_item - item_base != local_items)
      throw Error(ExitCode::kSoftware, "generator counting pass disagrees with the generating pass (a bug)");

    // Surveys: sizes known only now; sorted by customer because customers are.
    const std::uint64_t n_surveys = comm.allreduce_sum<std::uint64_t>(surveys.customer_id.size());
    const std::uint64_t s0 = comm.exscan_sum<std::uint64_t>(surveys.customer_id.size());
    auto sc = h5::create_dataset<std::uint64_t>(f, std::string(kSurveyCustomerId), n_surveys);
    auto sd = h5::create_dataset<std::int32_t>(f, std::string(kSurveyDay), n_surveys);
    auto ss = h5::create_dataset<std::uint8_t>(f, std::string(kSurveyScore), n_surveys);
    put(sc, s0, surveys.customer_id, "surveys/customer_id");
    put(sd, s0, surveys.day, "surveys/day");
    put(ss, s0, surveys.score, "surveys/score");
  }
  out.commit();
  const double secs = total.seconds();
  if (comm.is_root())
    std::printf("crmpi generate: %s: %llu customers, %llu orders in %.1fs on %d rank(s) (%s orders/s per rank)\n",
                cfg.out.c_str(), static_cast<unsigned long long>(cfg.customers),
                static_cast<unsigned long long>(n_orders), secs, comm.size(),
                human_count(static_cast<double>(n_orders) / secs / comm.size()).c_str());
  return 0;
}

}  // namespace crmpi
