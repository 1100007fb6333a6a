#include "schemes/local_authorities.h"

#include <fstream>
#include <mutex>
#include <unordered_map>

#include "util/paths.h"

namespace core::schemes {
namespace {
struct Table {
  std::vector<LocalAuthority> list;
  std::unordered_map<std::string, std::string> by_code;
};
const Table& table() {
  static Table t;
  static std::once_flag once;
  std::call_once(once, [] {
    std::ifstream in(resource_root() / "data" / "local-authorities-england-2026.csv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line.rfind("code,", 0) == 0) continue;
      auto comma = line.find(',');
      if (comma == std::string::npos) continue;
      std::string name = line.substr(comma + 1);
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      t.list.push_back({line.substr(0, comma), name});
      t.by_code[line.substr(0, comma)] = name;
    }
  });
  return t;
}
}  // namespace

const std::vector<LocalAuthority>& local_authorities() { return table().list; }
std::string local_authority_name(const std::string& code) {
  auto it = table().by_code.find(code);
  return it == table().by_code.end() ? "" : it->second;
}
}  // namespace core::schemes
