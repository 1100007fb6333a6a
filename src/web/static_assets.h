// The files served under /static/ and /assets/, indexed and read into memory once, when the app
// is built. A request is answered by exact lookup of its path in that index: the path a client
// sends never reaches the file system, so no "..", "//", encoded slash or absolute path can name
// a file outside the asset folders, and memory holds the asset set and nothing else.
//
// The asset set (what the templates and static/app.js refer to):
//   /static/<path>                        static/**
//   /assets/govuk-frontend.min.*          node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.*
//   /assets/accessible-autocomplete.min.* node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.*
//   /assets/<path>                        node_modules/govuk-frontend/dist/govuk/assets/**
// Only regular files are taken, only if their canonical path stays inside their folder (a symlink
// pointing out is skipped), and only within a size bound per file and in total.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <unordered_map>

namespace core::web {

class StaticAssets {
 public:
  struct Asset {
    std::string body;
    std::string type;  // Content-Type
  };
  static constexpr size_t kMaxFileBytes = 8u << 20;
  static constexpr size_t kMaxTotalBytes = 64u << 20;

  // Indexes the asset folders under root (the resource root). Missing folders are skipped.
  explicit StaticAssets(const std::filesystem::path& root);
  // The asset at exactly this URL path ("/static/app.css"), or nullptr.
  const Asset* find(const std::string& url_path) const;
  // Whether the path is under a static prefix (then it is answered here, found or 404).
  static bool is_static_path(const std::string& url_path);
  size_t count() const { return by_path_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  // Adds the regular files of folder (recursively or not) whose names start with name_prefix,
  // under the URL prefix.
  void add_folder(const std::filesystem::path& folder, const std::string& url_prefix, bool recursive,
                  const std::string& name_prefix = "");
  void add_file(const std::filesystem::path& folder_canonical, const std::filesystem::path& file, const std::string& url);

  std::unordered_map<std::string, Asset> by_path_;
  size_t bytes_ = 0;
};

// The Content-Type for a file name, by extension (application/octet-stream when unknown).
std::string content_type_for(const std::string& file_name);

}  // namespace core::web
