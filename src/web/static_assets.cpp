#include "web/static_assets.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace core::web {
namespace fs = std::filesystem;

namespace {

// Whether canonical path p is folder itself or inside it (both canonical).
bool inside(const fs::path& folder, const fs::path& p) {
  auto f = folder.begin(), q = p.begin();
  for (; f != folder.end(); ++f, ++q)
    if (q == p.end() || *f != *q) return false;
  return true;
}

}  // namespace

std::string content_type_for(const std::string& file_name) {
  static const std::map<std::string, std::string> types = {
      {".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".map", "application/json"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".woff", "font/woff"}, {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(fs::path(file_name).extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

StaticAssets::StaticAssets(const fs::path& root) {
  add_folder(root / "static", "/static/", true);
  const fs::path govuk = root / "node_modules/govuk-frontend/dist/govuk";
  add_folder(govuk, "/assets/", false, "govuk-frontend.min.");
  add_folder(govuk / "assets", "/assets/", true);
  add_folder(root / "node_modules/accessible-autocomplete/dist", "/assets/", false, "accessible-autocomplete.min.");
}

bool StaticAssets::is_static_path(const std::string& p) {
  return p.rfind("/static/", 0) == 0 || p.rfind("/assets/", 0) == 0;
}

const StaticAssets::Asset* StaticAssets::find(const std::string& url_path) const {
  auto it = by_path_.find(url_path);
  return it == by_path_.end() ? nullptr : &it->second;
}

void StaticAssets::add_folder(const fs::path& folder, const std::string& url_prefix, bool recursive,
                              const std::string& name_prefix) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(folder, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    std::cerr << "static assets: no folder " << folder << std::endl;
    return;
  }
  auto consider = [&](const fs::directory_entry& e) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || name.rfind(name_prefix, 0) != 0) return;
    add_file(canonical, e.path(), url_prefix + e.path().lexically_relative(folder).generic_string());
  };
  // Directory symlinks are not followed (the iterators' default), so a linked folder adds nothing.
  if (recursive) {
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) consider(*it);
  } else {
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) consider(*it);
  }
}

void StaticAssets::add_file(const fs::path& folder_canonical, const fs::path& file, const std::string& url) {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  // A symlink that leads out of the folder, or to anything but a regular file, is not an asset.
  if (ec || !inside(folder_canonical, real) || !fs::is_regular_file(real, ec)) return;
  auto size = fs::file_size(real, ec);
  if (ec || size > kMaxFileBytes || bytes_ + size > kMaxTotalBytes) {
    std::cerr << "static assets: skipped " << file << " (too large)" << std::endl;
    return;
  }
  std::ifstream in(real, std::ios::binary);
  if (!in) return;
  std::ostringstream ss;
  ss << in.rdbuf();
  Asset a{ss.str(), content_type_for(file.filename().string())};
  if (a.body.size() > kMaxFileBytes || bytes_ + a.body.size() > kMaxTotalBytes) return;
  bytes_ += a.body.size();
  by_path_[url] = std::move(a);
}

}  // namespace core::web
