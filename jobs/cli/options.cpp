#include "jobs/cli/options.hpp"

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

#include "kernels/common/errors.hpp"

namespace crmpi {

CLI::Option* Options::add(const std::string& section, const std::string& key, Type type, void* field,
                          CLI::Option* opt) {
  entries_.push_back({section, key, type, field, opt});
  if (!section.empty()) opt->group(section + " options");
  return opt;
}

CLI::Option* Options::bind(const std::string& s, const std::string& k, std::string& f, const std::string& h) {
  return add(s, k, Type::kString, &f, app_.add_option("--" + k, f, h)->capture_default_str());
}
CLI::Option* Options::bind(const std::string& s, const std::string& k, std::int64_t& f, const std::string& h) {
  return add(s, k, Type::kInt, &f, app_.add_option("--" + k, f, h)->capture_default_str());
}
CLI::Option* Options::bind(const std::string& s, const std::string& k, std::uint64_t& f, const std::string& h) {
  return add(s, k, Type::kUInt, &f, app_.add_option("--" + k, f, h)->capture_default_str());
}
CLI::Option* Options::bind(const std::string& s, const std::string& k, double& f, const std::string& h) {
  return add(s, k, Type::kDouble, &f, app_.add_option("--" + k, f, h)->capture_default_str());
}
CLI::Option* Options::bind(const std::string& s, const std::string& k, bool& f, const std::string& h) {
  // The default goes into the help text: CLI11 shows a negated flag as "--no-x{false}", which read
  // as if the default were false.
  return add(s, k, Type::kBool, &f,
             app_.add_flag("--" + k + ",!--no-" + k, f, h + (f ? " (default: on)" : " (default: off)")));
}
CLI::Option* Options::bind(const std::string& s, const std::string& k, std::vector<std::string>& f,
                           const std::string& h) {
  return add(s, k, Type::kStrings, &f, app_.add_option("--" + k, f, h)->delimiter(','));
}

void Options::add_config_option() {
  app_.add_option("--config", config_path_,
                  "TOML file with options (top-level keys for common options, one [table] per job); "
                  "the command line wins");
}

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& where, const std::string& why) {
  throw ConfigError(file + ": " + where + ": " + why);
}

void assign(const toml::node& node, Options::Type type, void* field, const std::string& file,
            const std::string& where) {
  using Type = Options::Type;
  switch (type) {
    case Type::kString: {
      const auto* v = node.as_string();
      if (!v) bad(file, where, "expected a string");
      *static_cast<std::string*>(field) = v->get();
      return;
    }
    case Type::kInt: {
      const auto* v = node.as_integer();
      if (!v) bad(file, where, "expected an integer");
      *static_cast<std::int64_t*>(field) = v->get();
      return;
    }
    case Type::kUInt: {
      const auto* v = node.as_integer();
      if (!v) bad(file, where, "expected an integer");
      if (v->get() < 0) bad(file, where, "must not be negative");
      *static_cast<std::uint64_t*>(field) = static_cast<std::uint64_t>(v->get());
      return;
    }
    case Type::kDouble: {
      if (const auto* i = node.as_integer()) {
        *static_cast<double*>(field) = static_cast<double>(i->get());
        return;
      }
      const auto* v = node.as_floating_point();
      if (!v) bad(file, where, "expected a number");
      *static_cast<double*>(field) = v->get();
      return;
    }
    case Type::kBool: {
      const auto* v = node.as_boolean();
      if (!v) bad(file, where, "expected true or false");
      *static_cast<bool*>(field) = v->get();
      return;
    }
    case Type::kStrings: {  // a TOML array, or one comma-separated string
      auto& out = *static_cast<std::vector<std::string>*>(field);
      out.clear();
      if (const auto* s = node.as_string()) {
        std::stringstream ss(s->get());
        std::string part;
        while (std::getline(ss, part, ',')) out.push_back(part);
        return;
      }
      const auto* arr = node.as_array();
      if (!arr) bad(file, where, "expected an array of strings");
      for (const auto& el : *arr) {
        const auto* s = el.as_string();
        if (!s) bad(file, where, "expected an array of strings");
        out.push_back(s->get());
      }
      return;
    }
  }
}

}  // namespace

void Options::apply_config_file(const std::vector<std::string>& all_sections) {
  if (config_path_.empty()) return;
  if (!std::filesystem::exists(config_path_)) throw ConfigError("config file '" + config_path_ + "' does not exist");
  toml::table root;
  try {
    root = toml::parse_file(config_path_);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << config_path_ << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    throw ConfigError(os.str());
  }
  std::set<std::string> my_sections;
  for (const auto& e : entries_) my_sections.insert(e.section);
  auto find = [&](const std::string& section, const std::string& key) -> const Entry* {
    for (const auto& e : entries_)
      if (e.section == section && e.key == key) return &e;
    return nullptr;
  };
  auto apply = [&](const std::string& section, const std::string& key, const toml::node& node) {
    const std::string where = section.empty() ? key : section + "." + key;
    const Entry* e = find(section, key);
    if (!e) bad(config_path_, where, "unknown option" + std::string(section.empty() ? "" : " in [" + section + "]"));
    if (e->option->count() > 0) return;  // the command line wins
    assign(node, e->type, e->field, config_path_, where);
  };
  for (const auto& [k, node] : root) {
    const std::string key(k.str());
    if (const auto* table = node.as_table()) {
      const bool known = std::find(all_sections.begin(), all_sections.end(), key) != all_sections.end();
      if (!known) bad(config_path_, "[" + key + "]", "unknown table (known: " + [&] {
                        std::string s;
                        for (const auto& n : all_sections) s += (s.empty() ? "" : ", ") + n;
                        return s;
                      }() + ")");
      if (!my_sections.count(key)) continue;  // another job's table
      for (const auto& [k2, n2] : *table) apply(key, std::string(k2.str()), n2);
    } else {
      apply("", key, node);
    }
  }
}

std::vector<std::string> Options::sections() const {
  std::set<std::string> s;
  for (const auto& e : entries_)
    if (!e.section.empty()) s.insert(e.section);
  return {s.begin(), s.end()};
}

std::string Options::effective_toml() const {
  toml::table root;
  for (const auto& e : entries_) {
    toml::table* t = &root;
    if (!e.section.empty()) {
      if (!root.contains(e.section)) root.insert(e.section, toml::table{});
      t = root[e.section].as_table();
    }
    switch (e.type) {
      case Type::kString: t->insert_or_assign(e.key, *static_cast<std::string*>(e.field)); break;
      case Type::kInt: t->insert_or_assign(e.key, *static_cast<std::int64_t*>(e.field)); break;
      case Type::kUInt: {
        const auto v = *static_cast<std::uint64_t*>(e.field);
        t->insert_or_assign(e.key, static_cast<std::int64_t>(std::min<std::uint64_t>(
                                       v, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))));
        break;
      }
      case Type::kDouble: t->insert_or_assign(e.key, *static_cast<double*>(e.field)); break;
      case Type::kBool: t->insert_or_assign(e.key, *static_cast<bool*>(e.field)); break;
      case Type::kStrings: {
        toml::array a;
        for (const auto& s : *static_cast<std::vector<std::string>*>(e.field)) a.push_back(s);
        t->insert_or_assign(e.key, std::move(a));
        break;
      }
    }
  }
  std::ostringstream os;
  os << root;
  return os.str();
}

}  // namespace crmpi
