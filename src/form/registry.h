// Finds and loads each collection year's form definitions (forms/<year>/<type>.json under the
// resource root), once per process.
#pragma once
#include <memory>
#include <string>

#include "form/definition.h"
#include "form/template_spec.h"

namespace core::form {

// Throws std::runtime_error when there is no such form or it does not load cleanly.
std::shared_ptr<const Form> get(const std::string& type, int year);
std::string definition_path(const std::string& type, int year);
// Whether a file beside the forms (forms/<year>/*.json) is a form definition, rather than one of a
// form's companions: its bulk-upload template spec (<type>-bulk-upload.json) or its CSV download
// description (<type>-download.json, exports/csv_download.h) or its data-store export description
// (<type>-cds.json, exports/cds.h).
bool is_definition_path(const std::string& path);
std::string data_dir();

// The bulk-upload template spec of a form (forms/<year>/<type>-bulk-upload.json), loaded and linted
// against its form once per process. Throws std::runtime_error when there is none or it has problems.
std::shared_ptr<const TemplateSpec> template_spec(const std::string& type, int year);
std::string template_spec_path(const std::string& type, int year);

}  // namespace core::form
