#include "bulk/mapper.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "util/text.h"

namespace core::bulk {

namespace {

constexpr size_t kMaxTokens = 48;       // of one header or text
constexpr size_t kMaxTokenBytes = 40;   // longer words are cut
constexpr int kMaxPerson = 8;

// Words that carry no meaning in a header ("What is the …?").
const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> s = {
      "a", "an", "the", "of", "is", "are", "was", "were", "what", "which", "who", "whom", "how", "this",
      "that", "these", "those", "for", "in", "on", "to", "and", "or", "do", "doe", "did", "you", "your",
      "their", "they", "them", "any", "be", "been", "ha", "has", "have", "had", "there", "it", "its", "by",
      "as", "at", "with", "from", "if", "our", "my", "we", "us", "please", "enter", "give", "provide",
      "select", "state", "will", "would", "can", "could", "should", "all", "into", "per", "e", "g", "eg",
      "ie", "i", "optional", "s"};
  return s;
}

// Words that describe a column's format or its subject more than its content: they count for little
// whether they match or not ("Pregnancy status", "Tenant code", "Scheme code column").
const std::unordered_set<std::string>& weak_words() {
  static const std::unordered_set<std::string> s = {
      "status", "type", "code", "name", "number", "detail", "flag", "indicator", "info", "information",
      "value", "field", "column", "data", "id", "tenant", "household", "person", "letting", "property",
      "yn", "y", "n", "answer", "question", "record", "current", "new", "main"};
  return s;
}

bool is_digits(const std::string& s) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A decoded code point of a well-formed UTF-8 sequence of `len` bytes at s[i].
uint32_t code_point(const std::string& s, size_t i, size_t len) {
  auto b = [&](size_t k) { return uint32_t(static_cast<unsigned char>(s[i + k])); };
  if (len == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (len == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// Lower-case words of the first `limit` bytes: letters and digits; apostrophes dropped ("tenant’s" ->
// "tenants"); everything else (punctuation, other scripts, bytes that are not UTF-8) separates words,
// and so does a change between letters and digits ("age1" -> "age 1").
std::vector<std::string> raw_words(const std::string& s, size_t limit) {
  std::vector<std::string> out;
  std::string cur;
  int kind = 0;  // 1 letters, 2 digits
  auto flush = [&] {
    if (!cur.empty() && out.size() < kMaxTokens * 2) out.push_back(cur.substr(0, kMaxTokenBytes));
    cur.clear();
    kind = 0;
  };
  size_t end = std::min(s.size(), limit);
  for (size_t i = 0; i < end;) {
    size_t len = util::utf8_sequence(s, i);
    if (len == 0 || i + len > end) {
      flush();
      ++i;
      continue;
    }
    if (len == 1) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (c >= 'a' && c <= 'z') {
        if (kind == 2) flush();
        kind = 1;
        cur += c;
      } else if (c >= '0' && c <= '9') {
        if (kind == 1) flush();
        kind = 2;
        cur += c;
      } else if (c != '\'') {
        flush();
      }
    } else {
      uint32_t cp = code_point(s, i, len);
      if (cp != 0x2019 && cp != 0x2018 && cp != 0x02BC) flush();  // curly apostrophes are dropped
    }
    i += len;
  }
  flush();
  return out;
}

// A header copied from a numbered questionnaire ("12) How long…", "Q6. Reason…", "3: Postcode"):
// the question's number is not part of its name (and is not a person's number).
std::string strip_question_number(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  size_t start = i;
  if (i < s.size() && (s[i] == 'Q' || s[i] == 'q')) ++i;
  size_t digits = i;
  while (i < s.size() && i - digits < 4 && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits || i - digits > 3) return s;
  bool q = digits > start;
  if (i < s.size() && (s[i] == ')' || s[i] == '.' || s[i] == ':')) return s.substr(i + 1);
  if (q && (i == s.size() || s[i] == ' ')) return s.substr(i);
  return s;
}

std::string stem(std::string w) {
  if (w.size() > 4 && w.compare(w.size() - 3, 3, "ies") == 0) return w.substr(0, w.size() - 3) + "y";
  if (w.size() > 3 && w.back() == 's') {
    char p = w[w.size() - 2];
    if (p != 's' && p != 'u' && p != 'i') w.pop_back();
  }
  return w;
}

double jaro_winkler(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  size_t la = a.size(), lb = b.size();
  size_t window = std::max(la, lb) / 2;
  window = window > 0 ? window - 1 : 0;
  bool ma[kMaxTokenBytes + 1] = {}, mb[kMaxTokenBytes + 1] = {};
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0, hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j)
      if (!mb[j] && a[i] == b[j]) {
        ma[i] = mb[j] = true;
        ++m;
        break;
      }
  }
  if (m == 0) return 0;
  size_t t = 0, k = 0;
  for (size_t i = 0; i < la; ++i)
    if (ma[i]) {
      while (!mb[k]) ++k;
      if (a[i] != b[k]) ++t;
      ++k;
    }
  double md = double(m);
  double j = (md / double(la) + md / double(lb) + (md - double(t) / 2) / md) / 3;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  return j + double(prefix) * 0.1 * (1 - j);
}

// How well a header's word `h` stands for the form's word `t`: 1 when equal, less for an
// abbreviation ("reg" for "registration", "mgmnt" for "management") or a slip ("cde" for "code"),
// 0 when they are different words.
double word_match(const std::string& h, const std::string& t) {
  if (h == t) return 1;
  if (is_digits(h) || is_digits(t)) return 0;
  if (h.size() < 3 || t.size() < 3 || h[0] != t[0]) return 0;
  if (h.size() < t.size() && t.compare(0, h.size(), h) == 0) return 0.85;  // a prefix: an abbreviation
  if (h.size() < t.size() && h.size() * 10 >= t.size() * 3) {              // letters kept in order
    size_t k = 0;
    for (char c : t)
      if (k < h.size() && h[k] == c) ++k;
    if (k == h.size()) return 0.8;
  }
  double jw = jaro_winkler(h, t);
  if (jw >= 0.9 && std::min(h.size(), t.size()) >= 4) return 0.9 * jw;
  return 0;
}

// A line of one of the vocabulary files: comma-separated, no quoting needed (nor allowed).
std::vector<std::string> split_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  for (auto& f : out) {
    size_t a = f.find_first_not_of(' '), b = f.find_last_not_of(' ');
    f = a == std::string::npos ? "" : f.substr(a, b - a + 1);
  }
  return out;
}

bool read_rows(const std::string& path, size_t columns, std::vector<std::vector<std::string>>& rows, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    if (error) *error = "cannot read " + path;
    return false;
  }
  std::string line;
  bool header = true;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#' || line == "\r") continue;
    auto f = split_line(line);
    if (header) {
      header = false;
      continue;
    }
    if (f.size() != columns) {
      if (error) *error = path + " line " + std::to_string(n) + ": expected " + std::to_string(columns) + " fields";
      return false;
    }
    rows.push_back(std::move(f));
  }
  return true;
}

// "age{n}" for person n.
std::string with_person(const std::string& s, int n) {
  std::string out = s;
  for (size_t p; (p = out.find("{n}")) != std::string::npos;) out.replace(p, 3, std::to_string(n));
  return out;
}

std::string compact(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < kMapperMaxHeaderBytes; ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n')) --b;
  return s.substr(a, b - a);
}

// A text cut to `n` bytes without splitting a UTF-8 sequence, and with invalid bytes replaced, so
// that what the page shows is always valid UTF-8.
std::string safe_text(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < n;) {
    size_t len = util::utf8_sequence(s, i);
    if (len == 0) {
      out += '?';
      ++i;
      continue;
    }
    if (out.size() + len > n) break;
    out.append(s, i, len);
    i += len;
  }
  return out;
}

}  // namespace

const char* evidence_phrase(Evidence e) {
  switch (e) {
    case Evidence::None: return "no match";
    case Evidence::AttributeId: return "matched the CORE field name";
    case Evidence::Synonym: return "matched a common name for this answer";
    case Evidence::Label: return "matched the check answers label";
    case Evidence::Question: return "matched the question text";
    case Evidence::QuestionAndLabel: return "matched the question text and label";
    case Evidence::QuestionAndOption: return "matched the question and one of its answers";
    case Evidence::Extra: return "matched the template header";
  }
  return "";
}

struct ColumnMapper::Impl {
  // A normalised text: its words (each once), their weights, and the person it is about (0 = none).
  struct Norm {
    std::vector<int> words;  // vocabulary ids; -1 for a word the form never uses
    std::vector<std::string> text;
    int person = 0;
  };
  struct Text {
    int target = -1;
    Evidence source = Evidence::None;
    std::string raw;
    std::string shown;  // what the page shows as matched, when not `raw`
    Norm norm;
  };
  struct Target {
    std::string attribute;
    int person = 0;          // from its label
    double factor = 1;       // "Do you know …?" questions: a column holds the answer, not whether it is known
    std::string compact_id;  // "tenancycode", "age1"
    std::vector<int> texts;
    // Value mapping: the options (code, label, check-answers label); checkbox options get yes and no.
    struct Opt {
      expr::Value code;
      std::string label;
      std::vector<std::string> names;  // the label and check-answers label, normalised for values
    };
    std::vector<Opt> options;
    bool coded = false;
    form::QType type = form::QType::Text;  // of its first question
  };

  const form::Form* form = nullptr;
  std::vector<Target> targets;
  std::unordered_map<std::string, int> target_index;
  std::vector<Text> texts;
  // Vocabulary: every word of the targets' texts.
  std::vector<std::string> vocab;
  std::unordered_map<std::string, int> vocab_index;
  std::vector<double> weight;                // by vocabulary id
  std::vector<std::vector<int>> postings;    // vocabulary id -> texts using it
  std::map<char, std::vector<int>> by_first; // first letter -> vocabulary ids
  double unknown_weight = 1;
  // Terms: phrases (as stemmed words) read as other phrases, longest first.
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> terms;
  size_t longest_term = 1;
  // Value synonyms: "*" by normalised option text; others by attribute and code text.
  std::multimap<std::string, std::string> any_value;                         // option text -> synonym
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> attr_value;  // (attr, code) -> synonyms
  std::vector<std::pair<std::string, std::string>> synonym_list;
  std::vector<std::string> unknown;  // attributes the vocabulary names that the form lacks

  // --- normalising
  std::vector<std::string> words(const std::string& s) const {
    auto raw = raw_words(s, kMapperMaxHeaderBytes);
    std::vector<std::string> w;
    w.reserve(raw.size());
    for (auto& r : raw) w.push_back(stem(r));
    // Terms, longest first, in one pass.
    std::vector<std::string> out;
    for (size_t i = 0; i < w.size();) {
      bool done = false;
      for (size_t len = std::min(longest_term, w.size() - i); len >= 1 && !done; --len)
        for (auto& [from, to] : terms) {
          if (from.size() != len) continue;
          if (std::equal(from.begin(), from.end(), w.begin() + long(i))) {
            out.insert(out.end(), to.begin(), to.end());
            i += len;
            done = true;
            break;
          }
        }
      if (!done) out.push_back(w[i++]);
    }
    return out;
  }

  Norm norm(const std::string& s) const {
    auto w = words(strip_question_number(s));
    // "tenant 2", "member 2", "p2" are person 2.
    static const std::unordered_set<std::string> who = {"tenant", "member", "occupant", "resident", "p", "person", "buyer"};
    Norm n;
    for (size_t i = 0; i < w.size() && n.text.size() < kMaxTokens; ++i) {
      const std::string& x = w[i];
      bool number = x.size() == 1 && x[0] >= '1' && x[0] <= char('0' + kMaxPerson);
      if (number) {
        // The first person number is who the text is about; it is compared on its own. A second
        // one names whom they relate to ("Person 2 relationship to person 1") and is left out.
        if (n.person == 0) n.person = x[0] - '0';
        continue;
      }
      if (stop_words().count(x)) continue;
      // "tenant 2", "member 2", "p2" are all person 2.
      n.text.push_back(i + 1 < w.size() && who.count(x) && is_digits(w[i + 1]) ? "person" : x);
    }
    std::sort(n.text.begin(), n.text.end());
    n.text.erase(std::unique(n.text.begin(), n.text.end()), n.text.end());
    for (auto& t : n.text) {
      auto it = vocab_index.find(t);
      n.words.push_back(it == vocab_index.end() ? -1 : it->second);
    }
    return n;
  }

  void add_term(const std::string& from, const std::string& to) {
    std::vector<std::string> f, t;
    for (auto& r : raw_words(from, 200)) f.push_back(stem(r));
    for (auto& r : raw_words(to, 200)) t.push_back(stem(r));
    if (f.empty()) return;
    longest_term = std::max(longest_term, f.size());
    terms.emplace_back(std::move(f), std::move(t));
  }

  int add_target(const std::string& attribute) {
    auto it = target_index.find(attribute);
    if (it != target_index.end()) return it->second;
    Target t;
    t.attribute = attribute;
    t.compact_id = compact(attribute);
    targets.push_back(std::move(t));
    target_index[attribute] = int(targets.size()) - 1;
    return int(targets.size()) - 1;
  }

  void add_text(int target, Evidence source, const std::string& raw, const std::string& shown = "") {
    if (target < 0 || trim(raw).empty()) return;
    for (int i : targets[size_t(target)].texts)
      if (texts[size_t(i)].raw == raw && texts[size_t(i)].source <= source) return;
    Text t;
    t.target = target;
    t.source = source;
    t.raw = raw;
    t.shown = shown;
    texts.push_back(std::move(t));
    targets[size_t(target)].texts.push_back(int(texts.size()) - 1);
  }

  // A label ending in an abbreviation in brackets ("Common housing register (CHR)"): the
  // abbreviation alone names the answer too.
  void add_acronym(int target, const std::string& label) {
    size_t open = label.rfind('('), close = label.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open + 3 || close > open + 7) return;
    std::string a = label.substr(open + 1, close - open - 1);
    for (char c : a)
      if (c < 'A' || c > 'Z') return;
    add_text(target, Evidence::Label, a, label);
  }

  // After every text is in: the vocabulary, weights and postings.
  void index() {
    vocab.clear();
    vocab_index.clear();
    for (auto& t : texts) {
      t.norm = norm(t.raw);  // words not yet known are -1 here; fixed below
      for (auto& w : t.norm.text)
        if (!vocab_index.count(w)) {
          vocab_index[w] = int(vocab.size());
          vocab.push_back(w);
        }
    }
    std::vector<std::set<int>> df(vocab.size());
    postings.assign(vocab.size(), {});
    for (size_t i = 0; i < texts.size(); ++i) {
      auto& t = texts[i];
      t.norm.words.clear();
      for (auto& w : t.norm.text) {
        int id = vocab_index[w];
        t.norm.words.push_back(id);
        df[size_t(id)].insert(t.target);
        postings[size_t(id)].push_back(int(i));
      }
    }
    double n = double(std::max<size_t>(targets.size(), 1));
    weight.assign(vocab.size(), 1);
    unknown_weight = std::log(1 + n);
    by_first.clear();
    for (size_t i = 0; i < vocab.size(); ++i) {
      double w = std::log(1 + n / double(std::max<size_t>(df[i].size(), 1)));
      if (weak_words().count(vocab[i])) w *= 0.3;
      weight[i] = w;
      by_first[vocab[i][0]].push_back(int(i));
    }
    for (auto& t : targets) {
      for (int i : t.texts)
        if (texts[size_t(i)].source == Evidence::Label) t.person = texts[size_t(i)].norm.person;
    }
  }

  // The vocabulary words a header word stands for, with how well.
  std::vector<std::pair<int, double>> matches(const std::string& h) const {
    std::vector<std::pair<int, double>> out;
    auto it = vocab_index.find(h);
    if (it != vocab_index.end()) out.emplace_back(it->second, 1.0);
    auto b = by_first.find(h.empty() ? '\0' : h[0]);
    if (b != by_first.end())
      for (int id : b->second) {
        if (it != vocab_index.end() && id == it->second) continue;
        double q = word_match(h, vocab[size_t(id)]);
        if (q > 0) out.emplace_back(id, q);
      }
    return out;
  }

  struct Scored {
    double score = 0;
    int text = -1;
  };

  // Scores of one normalised header against every target it shares a word with (or whose id it is).
  void score_header(const std::string& header, const Norm& h, std::unordered_map<std::string, std::vector<std::pair<int, double>>>& cache,
                    std::vector<Scored>& best) const {
    best.assign(targets.size(), Scored{});
    std::string cid = compact(header);
    if (!cid.empty())
      for (size_t t = 0; t < targets.size(); ++t)
        if (targets[t].compact_id == cid) best[t] = Scored{1.0, -1};
    if (h.text.empty()) return;
    // For each header word: the vocabulary words it matches.
    std::vector<const std::vector<std::pair<int, double>>*> m(h.text.size());
    std::vector<double> hw(h.text.size());
    std::unordered_map<int, std::vector<std::pair<size_t, double>>> by_vocab;  // vocab id -> (header word, quality)
    for (size_t i = 0; i < h.text.size(); ++i) {
      auto it = cache.find(h.text[i]);
      if (it == cache.end()) it = cache.emplace(h.text[i], matches(h.text[i])).first;
      m[i] = &it->second;
      double w = weak_words().count(h.text[i]) ? unknown_weight * 0.3 : unknown_weight, bestq = 0;
      for (auto& [id, q] : *m[i]) {
        by_vocab[id].emplace_back(i, q);
        if (q > bestq) {
          bestq = q;
          w = weight[size_t(id)];
        }
      }
      hw[i] = w;
    }
    double hw_total = 0;
    for (double w : hw) hw_total += w;
    if (hw_total <= 0) return;
    std::unordered_set<int> candidates;
    for (auto& [id, _] : by_vocab)
      for (int t : postings[size_t(id)]) candidates.insert(t);
    std::vector<double> hbest(h.text.size());
    for (int ti : candidates) {
      const Text& t = texts[size_t(ti)];
      const Target& tg = targets[size_t(t.target)];
      // Persons must agree.
      double compat = 1;
      int tp = tg.person ? tg.person : t.norm.person;
      if (h.person != tp) {
        if (h.person == 0 && tp == 1) compat = 0.92;
        else if (h.person != 0 && tp == 0) compat = 0.7;
        else continue;
      }
      std::fill(hbest.begin(), hbest.end(), 0.0);
      double tw_total = 0, tw_hit = 0;
      for (int id : t.norm.words) {
        double w = weight[size_t(id)], q = 0;
        auto it = by_vocab.find(id);
        if (it != by_vocab.end())
          for (auto& [hi, hq] : it->second) {
            q = std::max(q, hq);
            hbest[hi] = std::max(hbest[hi], hq);
          }
        tw_total += w;
        tw_hit += w * q;
      }
      double hit = 0;
      for (size_t i = 0; i < hbest.size(); ++i) hit += hw[i] * hbest[i];
      double R = hit / hw_total, P = tw_total > 0 ? tw_hit / tw_total : 0;
      if (R <= 0 || P <= 0) continue;
      double f = 5 * P * R / (4 * P + R);
      double source = 1;
      switch (t.source) {
        case Evidence::Synonym: case Evidence::Label: source = 1; break;
        case Evidence::Question: case Evidence::Extra: source = 0.97; break;
        case Evidence::QuestionAndLabel: source = 0.95; break;
        case Evidence::QuestionAndOption: source = 0.85; break;
        default: break;
      }
      // A "Do you know …?" question is the column only when the header names one of its answers.
      double s = f * source * compat * (t.source == Evidence::QuestionAndOption ? 1.0 : tg.factor);
      if (s > best[size_t(t.target)].score) best[size_t(t.target)] = Scored{s, ti};
    }
  }

  ColumnProposal describe(size_t column, int target, const Scored& s) const {
    ColumnProposal p;
    p.column = column;
    p.attribute = targets[size_t(target)].attribute;
    p.score = std::round(s.score * 1000) / 1000;
    if (s.text < 0) {
      p.evidence = Evidence::AttributeId;
      p.matched = p.attribute;
    } else {
      p.evidence = texts[size_t(s.text)].source;
      p.matched = texts[size_t(s.text)].shown.empty() ? texts[size_t(s.text)].raw : texts[size_t(s.text)].shown;
    }
    std::string phrase = evidence_phrase(p.evidence);
    phrase[0] = char(phrase[0] - 'a' + 'A');
    p.reason = phrase + " \xE2\x80\x9C" + p.matched + "\xE2\x80\x9D";
    return p;
  }

  // --- values
  std::string value_key(const std::string& s) const {
    // An answer's words without the person it is about, for comparing answers.
    static const std::unordered_set<std::string> about = {"tenant", "lead", "person", "household", "buyer"};
    std::string out;
    bool after_about = false;
    for (auto& w : raw_words(s, kMapperMaxValueBytes)) {
      std::string x = stem(w);
      bool person_number = after_about && is_digits(x);
      after_about = about.count(x) > 0;
      if (after_about || person_number || stop_words().count(x)) continue;
      if (!out.empty()) out += ' ';
      out += x;
    }
    return out;
  }
};

namespace {

// "01/04/2026", "2026-04-01", "1.4.26": three groups of digits.
bool looks_like_date(const std::string& v) {
  int groups = 0;
  size_t len = 0;
  for (size_t i = 0; i <= v.size() && i < 40; ++i) {
    char c = i < v.size() ? v[i] : '\0';
    if (c >= '0' && c <= '9') {
      ++len;
      continue;
    }
    if (len == 0 || len > 4) return false;
    ++groups;
    len = 0;
    if (c == '\0' || c == ' ' || c == 'T') break;  // a time may follow
    if (c != '/' && c != '-' && c != '.') return false;
  }
  return groups == 3;
}

}  // namespace

ColumnMapper::ColumnMapper() : impl_(std::make_unique<Impl>()) {}

double ColumnMapper::sample_fit(int target, const std::vector<std::string>& values) const {
  const Impl& I = *impl_;
  const Impl::Target& tg = I.targets[size_t(target)];
  std::vector<std::string> vs;
  for (auto& v : values) {
    std::string t = trim(v.substr(0, std::min(v.size(), kMapperMaxValueBytes)));
    if (!t.empty()) vs.push_back(t);
    if (vs.size() >= 50) break;
  }
  if (vs.size() < 3) return 1;  // too few to tell
  size_t fit = 0;
  if (tg.coded) {
    for (auto& p : propose_values(tg.attribute, vs)) fit += !p.code.null();
    // propose_values gives each distinct value once
    std::set<std::string> distinct(vs.begin(), vs.end());
    vs.assign(distinct.begin(), distinct.end());
  } else if (tg.type == form::QType::Date) {
    for (auto& v : vs) fit += looks_like_date(v);
  } else if (tg.type == form::QType::Numeric) {
    for (auto& v : vs) {
      std::string n = v;
      if (!n.empty() && (n[0] == '-' || static_cast<unsigned char>(n[0]) == 0xC2)) n.erase(0, n[0] == '-' ? 1 : 2);  // "-", "£"
      fit += util::parse_decimal(n).has_value();
    }
  } else {
    return 1;
  }
  double share = double(fit) / double(vs.size());
  return share >= 0.8 ? 1.0 : share >= 0.3 ? 0.9 : 0.75;
}
ColumnMapper::~ColumnMapper() = default;

std::shared_ptr<ColumnMapper> ColumnMapper::build(const form::Form& form, const std::string& data_dir, std::string* error,
                                                       bool field_synonyms) {
  std::shared_ptr<ColumnMapper> m(new ColumnMapper());
  Impl& I = *m->impl_;
  I.form = &form;
  std::vector<std::vector<std::string>> col_rows, val_rows;
  if (!read_rows(data_dir + "/column-synonyms.csv", 3, col_rows, error)) return nullptr;
  if (!read_rows(data_dir + "/value-synonyms.csv", 3, val_rows, error)) return nullptr;
  for (auto& r : col_rows)
    if (r[0] == "term") I.add_term(r[1], r[2]);
  // The form's own way of naming person 1.
  I.add_term("lead tenant", "person 1");
  I.add_term("main tenant", "person 1");
  I.add_term("first tenant", "person 1");
  I.add_term("primary tenant", "person 1");

  // Targets: every answer a channel may give.
  for (size_t slot = 0; slot < form.attributes.size(); ++slot) {
    const form::Attribute& a = form.attributes[slot];
    if (!a.input || (a.kind != form::AttrKind::Question && a.kind != form::AttrKind::CheckboxOption)) continue;
    bool asked = false;
    for (const form::Question* q : a.questions) asked = asked || q->type != form::QType::Interruption;
    if (!asked) continue;
    int t = I.add_target(a.id);
    Impl::Target& tg = I.targets[size_t(t)];
    if (!a.questions.empty()) tg.type = a.questions[0]->type;
    for (const form::Question* q : a.questions) {
      std::string header = q->raw ? q->raw->value("header", "") : "";
      std::string cal = q->raw ? q->raw->value("check_answer_label", "") : "";
      if (header.rfind("Do you know", 0) == 0 || header.rfind("Can you estimate", 0) == 0) tg.factor = 0.85;
      if (a.kind == form::AttrKind::CheckboxOption) {
        for (const form::Option& o : q->options)
          if (o.slot == int(slot)) {
            I.add_text(t, Evidence::Label, o.label);
            I.add_acronym(t, o.label);
            I.add_text(t, Evidence::QuestionAndLabel, (cal.empty() ? header : cal) + " " + o.label);
            I.add_text(t, Evidence::QuestionAndOption, header + " " + o.label);
          }
        tg.coded = true;
        if (tg.options.empty()) {
          tg.options.push_back({expr::Value(1), "Yes", {I.value_key("Yes")}});
          tg.options.push_back({expr::Value(0), "No", {I.value_key("No")}});
        }
        continue;
      }
      I.add_text(t, Evidence::Label, q->label());
      if (!cal.empty()) I.add_text(t, Evidence::Label, cal);
      I.add_acronym(t, q->label());
      I.add_text(t, Evidence::Question, header);
      if (!cal.empty() && cal != header) I.add_text(t, Evidence::QuestionAndLabel, header + " " + cal);
      if (q->options_from.empty() && (q->type == form::QType::Radio || q->type == form::QType::Select)) {
        tg.coded = true;
        for (const form::Option& o : q->options) {
          I.add_text(t, Evidence::QuestionAndOption, q->label() + " " + o.label);
          bool have = false;
          for (auto& x : tg.options) have = have || (x.code.equals(o.value) && x.code.v.index() == o.value.v.index());
          if (have) continue;
          Impl::Target::Opt opt{o.value, o.label, {I.value_key(o.label)}};
          if (!o.check_answer_label.empty()) opt.names.push_back(I.value_key(o.check_answer_label));
          tg.options.push_back(std::move(opt));
        }
      }
    }
  }
  for (auto& r : col_rows) {
    if (r[0] == "term") continue;
    if (r[0] != "field") {
      if (error) *error = "column-synonyms.csv: unknown kind " + r[0];
      return nullptr;
    }
    bool templ = r[1].find("{n}") != std::string::npos;
    int found = 0;
    for (int n = templ ? 1 : 0; n <= (templ ? kMaxPerson : 0); ++n) {
      std::string attr = templ ? with_person(r[1], n) : r[1];
      auto it = I.target_index.find(attr);
      if (it == I.target_index.end()) continue;
      std::string text = templ ? with_person(r[2], n) : r[2];
      if (field_synonyms) I.add_text(it->second, Evidence::Synonym, text);
      I.synonym_list.emplace_back(attr, text);
      ++found;
    }
    // One vocabulary serves every form: names for answers this form does not have are kept aside.
    if (found == 0) I.unknown.push_back(r[1]);
  }
  for (auto& r : val_rows) {
    if (r[0] == "*") {
      I.any_value.emplace(I.value_key(r[1]), I.value_key(r[2]));
      continue;
    }
    bool templ = r[0].find("{n}") != std::string::npos;
    for (int n = templ ? 1 : 0; n <= (templ ? kMaxPerson : 0); ++n) {
      std::string attr = templ ? with_person(r[0], n) : r[0];
      if (I.target_index.count(attr)) I.attr_value[{attr, r[1]}].push_back(I.value_key(r[2]));
    }
  }
  I.index();
  return m;
}

void ColumnMapper::add_evidence(const std::string& attribute, const std::string& text) {
  auto it = impl_->target_index.find(attribute);
  if (it == impl_->target_index.end()) return;
  impl_->add_text(it->second, Evidence::Extra, text);
  impl_->index();
}

std::string ColumnMapper::normalise(const std::string& header) const {
  auto n = impl_->norm(header);
  std::string out;
  if (n.person) out = "[person " + std::to_string(n.person) + "]";
  for (auto& w : n.text) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::pair<std::string, std::string>> ColumnMapper::synonyms() const { return impl_->synonym_list; }
std::vector<std::string> ColumnMapper::unknown_attributes() const { return impl_->unknown; }

std::string fold_header(const std::string& s) {
  std::string out;
  for (auto& w : raw_words(s, kMapperMaxHeaderBytes)) out += (out.empty() ? "" : " ") + w;
  return out;
}

ColumnProposal ColumnMapper::score(const std::string& header, const std::string& attribute) const {
  const Impl& I = *impl_;
  ColumnProposal p;
  auto it = I.target_index.find(attribute);
  if (it == I.target_index.end()) return p;
  std::unordered_map<std::string, std::vector<std::pair<int, double>>> cache;
  std::vector<Impl::Scored> best;
  I.score_header(header, I.norm(header), cache, best);
  const auto& s = best[size_t(it->second)];
  if (s.score <= 0) {
    p.attribute = attribute;
    p.reason = "No match";
    return p;
  }
  return I.describe(0, it->second, s);
}

std::vector<ColumnProposal> ColumnMapper::propose(const std::vector<std::string>& headers, const MapperOptions& opt,
                                                  const std::vector<std::vector<std::string>>* samples) const {
  const Impl& I = *impl_;
  std::vector<ColumnProposal> out(headers.size());
  struct Pair {
    double score;
    size_t column;
    int target;
    Impl::Scored s;
  };
  std::vector<Pair> pairs;
  std::vector<std::vector<Pair>> top(headers.size());  // each column's best few, for the reasons
  std::unordered_map<std::string, std::vector<std::pair<int, double>>> cache;
  std::vector<Impl::Scored> best;
  for (size_t c = 0; c < headers.size(); ++c) {
    out[c].column = c;
    if (c >= kMapperMaxColumns) {
      out[c].reason = "Not read: only the first " + std::to_string(kMapperMaxColumns) + " columns are mapped";
      continue;
    }
    std::string h = trim(headers[c].substr(0, std::min(headers[c].size(), kMapperMaxHeaderBytes)));
    Impl::Norm n = I.norm(h);
    if (h.empty()) {
      out[c].reason = "The column has no header";
      continue;
    }
    if (n.text.empty() && compact(h).empty()) {
      out[c].reason = "The column header has no words to match";
      continue;
    }
    I.score_header(h, n, cache, best);
    bool sampled = samples && c < samples->size() && !(*samples)[c].empty();
    for (size_t t = 0; t < best.size(); ++t) {
      if (best[t].score <= 0) continue;
      // Values that do not fit the answer (words in a date column, "aa" for a yes or no) make the
      // match less likely; only for candidates near the threshold or above, to bound the work.
      if (sampled && best[t].score >= opt.threshold * 0.8) best[t].score *= sample_fit(int(t), (*samples)[c]);
      Pair p{best[t].score, c, int(t), best[t]};
      top[c].push_back(p);
      if (p.score >= opt.threshold) pairs.push_back(p);
    }
    std::sort(top[c].begin(), top[c].end(), [](const Pair& a, const Pair& b) {
      return a.score != b.score ? a.score > b.score : a.target < b.target;
    });
    if (top[c].size() > 3) top[c].resize(3);
  }
  // One-to-one, best pairs first (ties: the earlier column, then the earlier answer in the form).
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    if (a.score != b.score) return a.score > b.score;
    bool ida = a.s.text < 0, idb = b.s.text < 0;  // the field's own name first
    if (ida != idb) return ida;
    if (a.column != b.column) return a.column < b.column;
    return a.target < b.target;
  });
  std::vector<char> col_taken(headers.size(), 0), target_taken(I.targets.size(), 0);
  std::vector<size_t> taken_by(I.targets.size(), 0);
  for (auto& p : pairs) {
    if (col_taken[p.column] || target_taken[size_t(p.target)]) continue;
    col_taken[p.column] = 1;
    target_taken[size_t(p.target)] = 1;
    taken_by[size_t(p.target)] = p.column;
    out[p.column] = I.describe(p.column, p.target, p.s);
  }
  for (size_t c = 0; c < headers.size() && c < kMapperMaxColumns; ++c) {
    if (col_taken[c] || !out[c].reason.empty()) continue;
    if (top[c].empty()) {
      out[c].reason = "No CORE question is a close enough match";
      continue;
    }
    const Pair& b = top[c][0];
    const std::string& attr = I.targets[size_t(b.target)].attribute;
    out[c].runner_up = attr;
    out[c].score = std::round(b.score * 1000) / 1000;
    if (b.score >= opt.threshold && target_taken[size_t(b.target)])
      out[c].reason = "Its closest match, " + attr + ", was matched better by column " + std::to_string(taken_by[size_t(b.target)] + 1);
    else
      out[c].reason = "No CORE question is a close enough match (the closest is " + attr + ")";
  }
  return out;
}

std::vector<ValueProposal> ColumnMapper::propose_values(const std::string& attribute, const std::vector<std::string>& values) const {
  const Impl& I = *impl_;
  std::vector<ValueProposal> out;
  auto it = I.target_index.find(attribute);
  if (it == I.target_index.end()) return out;
  const Impl::Target& tg = I.targets[size_t(it->second)];
  if (!tg.coded || tg.options.empty()) return out;
  std::unordered_set<std::string> seen;
  for (auto& raw : values) {
    if (out.size() >= kMapperMaxValues) break;
    std::string v = trim(raw.substr(0, std::min(raw.size(), kMapperMaxValueBytes * 4)));
    v = safe_text(v, kMapperMaxValueBytes);
    if (v.empty() || !seen.insert(v).second) continue;
    ValueProposal p;
    p.value = v;
    auto set = [&](const Impl::Target::Opt& o, double score, const char* reason) {
      p.code = o.code;
      p.label = o.label;
      p.score = score;
      p.reason = reason;
    };
    // 1. The option's code itself ("M", "3", "3.0").
    for (auto& o : tg.options) {
      if (o.code.is_string()) {
        std::string a = o.code.as_string(), b = v;
        std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        std::transform(b.begin(), b.end(), b.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (a == b) { set(o, 1, "Matched the answer code"); break; }
      } else if (o.code.is_int()) {
        auto n = util::parse_int64(v);
        if (!n) {
          auto d = util::parse_decimal(v);
          if (d && *d == std::floor(*d) && *d < 1e15) n = int64_t(*d);
        }
        if (n && *n == o.code.as_int()) { set(o, 1, "Matched the answer code"); break; }
      }
    }
    std::string key = I.value_key(v);
    // 2. The option's text ("Male", "Weekly", "Tenant prefers not to say").
    if (p.code.null() && !key.empty()) {
      const Impl::Target::Opt* hit = nullptr;
      int hits = 0;
      for (auto& o : tg.options)
        for (auto& n : o.names)
          if (n == key) {
            if (hit != &o) ++hits;
            hit = &o;
          }
      if (hits == 1) set(*hit, 0.98, "Matched the answer text");
    }
    // 3. A common name for the answer: first this question's, then any question's.
    if (p.code.null() && !key.empty()) {
      std::vector<const Impl::Target::Opt*> hits;
      for (auto& o : tg.options) {
        auto s = I.attr_value.find({attribute, o.code.text()});
        if (s != I.attr_value.end() && std::find(s->second.begin(), s->second.end(), key) != s->second.end()) hits.push_back(&o);
      }
      if (hits.empty())
        for (auto& o : tg.options)
          for (auto& n : o.names) {
            auto [a, b] = I.any_value.equal_range(n);
            for (auto x = a; x != b; ++x)
              if (x->second == key && std::find(hits.begin(), hits.end(), &o) == hits.end()) hits.push_back(&o);
          }
      if (hits.size() == 1) set(*hits[0], 0.95, "Matched a common name for the answer");
    }
    // 4. The answer's text with a word or two more or less ("Secure lifetime" for "Secure –
    // lifetime"): only when one option clearly fits best.
    if (p.code.null() && !key.empty()) {
      std::vector<std::string> vw;
      std::istringstream vs(key);
      for (std::string w; vs >> w;)
        if (!stop_words().count(w)) vw.push_back(w);
      double best = 0, second = 0;
      const Impl::Target::Opt* bo = nullptr;
      for (auto& o : tg.options)
        for (auto& n : o.names) {
          std::vector<std::string> ow;
          std::istringstream os(n);
          for (std::string w; os >> w;)
            if (!stop_words().count(w)) ow.push_back(w);
          if (vw.empty() || ow.empty()) continue;
          double hit_v = 0, hit_o = 0;
          for (auto& a : vw) {
            double q = 0;
            for (auto& b : ow) q = std::max(q, word_match(a, b));
            hit_v += q;
          }
          for (auto& b : ow) {
            double q = 0;
            for (auto& a : vw) q = std::max(q, word_match(a, b));
            hit_o += q;
          }
          double R = hit_v / double(vw.size()), P = hit_o / double(ow.size());
          double f = R > 0 && P > 0 ? 2 * P * R / (P + R) : 0;
          if (f > best) {
            if (bo != &o) second = best;
            best = f;
            bo = &o;
          } else if (f > second && bo != &o) {
            second = f;
          }
        }
      if (bo && best >= 0.85 && best - second >= 0.15) set(*bo, std::round(best * 0.9 * 1000) / 1000, "Close to the answer text");
    }
    if (p.code.null()) p.reason = "No answer of this question matches";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace core::bulk
