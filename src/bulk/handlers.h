// Bulk upload on the web, for lettings and sales alike (<base> is /lettings-logs or /sales-logs):
//   <base>/bulk-upload-logs/start             → the year (during the crossover) or the next page
//   <base>/bulk-upload-logs/year              choose the collection year
//   <base>/bulk-upload-logs/prepare-your-file the template and the specification to download
//   <base>/bulk-upload-logs/template, /specification   (XLSX, generated from the definition)
//   <base>/bulk-upload-logs/upload-your-file  upload (support choose the organisation)
//   <base>/bulk-upload-results/:id            progress, then the results: summary, every error, choices
//   <base>/bulk-upload-results/:id/progress   the check's progress as JSON (for the page's script)
//   <base>/bulk-upload-results/:id/errors.csv the error report
//   <base>/bulk-upload-results/:id/choice     (POST) create the logs and fix the rest, or confirm soft checks
//   <base>/bulk-uploads                       recent uploads
// Registered before the log pages, whose <base>/:id/:page would otherwise take these addresses.
#pragma once
#include "web/app.h"

namespace core::bulk {
void register_routes(web::App& app);
}  // namespace core::bulk
