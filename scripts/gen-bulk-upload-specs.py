#!/usr/bin/env python3
# One-off generator of forms/2026/{lettings,sales}-bulk-upload.json from the bulk-upload reference
# (../shared/reference/bulk-upload/: the fields CSVs, the template header rows, pipeline.md).
# It was run once to write the first version of those files; the JSON files are the source of truth
# from then on. Edit them, not this script, and check them with `core form lint forms/*/*.json`.
# Kept only as a record of how each reference column became which key (docs/form-definition.md,
# "Bulk-upload template specs").
import csv
import json
import os
import re
import sys

REF = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference/bulk-upload"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "forms", "2026")

RELAT = {"1": "P", "2": "X", "3": "R"}
# Ethnic background: 17 (prefers not to say) is a code of the template but not an option of the form's
# ethnic question (the form asks it only through the ethnic group), so it leaves the answer blank and
# the group is worked out from the cell.
ETHNIC = {str(c): c for c in range(1, 21) if c != 17}
ETHNIC["17"] = None


def quoted(text):
    return re.findall(r'"((?:[^"\\]|\\.)*)"', text)


def checks(text):
    """The bulk-upload-only checks of one field: each condition with the messages it gives."""
    if not text:
        return []
    body = re.sub(r"^(SETUP\+BLOCKS|SETUP|BU-only):\s*", "", text.strip())
    parts, depth, cur = [], False, ""
    for ch in body:  # split at "; " outside quotes
        if ch == '"':
            depth = not depth
        if ch == ";" and not depth:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        p = p.strip()
        if "->" not in p:
            continue
        when, _, rest = p.partition("->")
        msgs = [m.replace('\\"', '"') for m in quoted(rest)]
        if msgs:
            out.append({"when": when.strip(), "messages": msgs})
    return out


def rows(kind):
    with open(os.path.join(REF, f"{kind}-2026-fields.csv"), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def headers(kind):
    with open(os.path.join(REF, f"{kind}-2026-template-headers.csv"), encoding="utf-8-sig", newline="") as f:
        return [r[0] for r in csv.reader(f)]


def date(attr, first):
    return {first: dict(attribute=attr, read="date_part", part="day"),
            first + 1: dict(attribute=attr, read="date_part", part="month"),
            first + 2: dict(attribute=attr, read="date_part", part="year")}


def code(attr, **kw):
    return dict(attribute=attr, read="code", **kw)


def num(attr, integer=False, **kw):
    d = dict(attribute=attr, read="number", **kw)
    if integer:
        d["integer"] = True
    return d


def text(attr, **kw):
    return dict(attribute=attr, read="text", **kw)


def num_or_r(attr, flag, when_number, when_r, integer=False, **kw):
    d = dict(attribute=attr, read="number_or_r", flag={"attribute": flag, "number": when_number, "r": when_r}, **kw)
    if integer:
        d["integer"] = True
    return d


def yes_no(attr, yes, no, **kw):
    return dict(attribute=attr, read="yes_no", yes=yes, no=no, **kw)


def lettings_fields():
    m = {
        1: dict(attribute="owning_organisation_id", read="organisation"),
        2: dict(attribute="managing_organisation_id", read="organisation"),
        3: dict(attribute="assigned_to_id", read="user"),
        4: code("needstype"),
        5: dict(attribute="scheme_id", read="scheme"),
        6: dict(attribute="location_id", read="location"),
        7: yes_no("renewal", 1, 0),
        11: code("rent_type", codes={str(i + 1): i for i in range(7)}),
        12: text("irproduct_other", when="rent_type == 5"),
        13: text("tenancycode"), 14: text("propcode"),
        15: code("declaration"),
        16: code("rsnvac"), 17: code("unitletas"),
        18: num("uprn", integer=True),
        19: text("address_line1"), 20: text("address_line2"), 21: text("town_or_city"), 22: text("county"),
        23: dict(attribute="postcode_full", read="postcode_half", part="outward"),
        24: dict(attribute="postcode_full", read="postcode_half", part="inward"),
        25: code("la"), 26: code("unittype_gn"), 27: code("wchair"), 28: num("beds", integer=True),
        35: code("sheltered"), 36: code("joint"), 37: code("startertenancy"), 38: code("tenancy"),
        39: text("tenancyother"), 40: num("tenancylength", integer=True),
        41: num_or_r("age1", "age1_known", 0, 1, integer=True),
        42: code("sexrab1"), 43: code("gender_same_as_sex1"), 44: text("gender_description1"),
        45: code("ethnic", codes=ETHNIC), 46: dict(attribute="nationality_all", read="nationality"), 47: code("ecstat1"),
        90: code("armedforces"), 91: code("leftreg"), 92: code("reservist"), 93: code("preg_occ"),
        100: code("illness"),
        111: code("layear"), 112: code("waityear"), 113: code("reason"),
        114: text("reasonother", when="reason == 20"),
        115: code("prevten"), 116: code("homeless"),
        117: yes_no("ppcodenk", 0, 1),
        118: dict(attribute="ppostcode_full", read="postcode_half", part="outward"),
        119: dict(attribute="ppostcode_full", read="postcode_half", part="inward"),
        120: code("prevloc"), 121: code("reasonpref"),
        131: code("referral_register", when='owning_provider_type == "LA"'),
        132: code("referral_register", when='owning_provider_type != "LA"'),
        133: code("referral_noms", when='owning_provider_type != "LA"'),
        134: code("referral_org", when='owning_provider_type != "LA"'),
        135: code("net_income_known", codes={"1": 0, "2": 1, "3": 2}),
        136: code("incfreq"), 137: num("earnings", round=True), 138: code("hb"), 139: code("benefits"),
        140: code("household_charge", when="needstype == 2"),
        141: code("period"),
        142: num("brent"), 143: num("scharge"), 144: num("pscharge"), 145: num("supcharg"),
        146: code("hbrentshortfall"), 147: num("tshortfall"),
    }
    m.update(date("startdate", 8))
    m.update(date("voiddate", 29))
    m.update(date("mrcdate", 32))
    for n in range(2, 9):
        b = 48 + 6 * (n - 2)
        m[b] = num_or_r(f"age{n}", f"age{n}_known", 0, 1, integer=True)
        m[b + 1] = code(f"relat{n}", codes=RELAT)
        m[b + 2] = code(f"sexrab{n}")
        m[b + 3] = code(f"gender_same_as_sex{n}")
        m[b + 4] = text(f"gender_description{n}")
        m[b + 5] = code(f"ecstat{n}")
    for f in range(94, 100):
        m[f] = dict(attribute=None, read="code", codes=[0, 1])
    for f, a in zip(range(101, 111), ["illness_type_4", "illness_type_5", "illness_type_2", "illness_type_6", "illness_type_7",
                                      "illness_type_3", "illness_type_9", "illness_type_8", "illness_type_1", "illness_type_10"]):
        m[f] = code(a)
    for f, a in zip(range(122, 127), ["rp_homeless", "rp_insan_unsat", "rp_medwel", "rp_hardship", "rp_dontknow"]):
        m[f] = code(a)
    for f, a in zip(range(127, 131), ["cbl", "cap", "chr", "accessible_register"]):
        m[f] = yes_no(a, 1, 0)
    return m


def sales_fields():
    so = "ownershipsch == 1"
    so_initial = "ownershipsch == 1 && staircase != 1"
    so_stair = "ownershipsch == 1 && staircase == 1"
    do = "ownershipsch == 2"
    prevten_codes = {"R": 0}
    for c in [1, 2, 3, 5, 4, 6, 7, 9, 0]:
        prevten_codes[str(c)] = c
    m = {
        4: dict(attribute="owning_organisation_id", read="organisation"),
        5: dict(attribute="managing_organisation_id", read="organisation"),
        6: dict(attribute="assigned_to_id", read="user"),
        7: text("purchid"),
        8: code("ownershipsch"),
        9: code("type", when=so, codes=[2, 30, 18, 16, 24, 28, 31, 32]),
        10: code("staircase"),
        11: code("type", when=do, codes=[8, 9, 14, 21, 22, 29]),
        12: code("jointpur"), 13: code("jointmore"), 14: code("noint"), 15: code("privacynotice"),
        16: num("uprn", integer=True),
        17: text("address_line1"), 18: text("address_line2"), 19: text("town_or_city"), 20: text("county"),
        21: dict(attribute="postcode_full", read="postcode_half", part="outward"),
        22: dict(attribute="postcode_full", read="postcode_half", part="inward"),
        23: code("la"), 24: code("proptype"), 25: code("buildheightclass"), 26: num("beds", integer=True),
        27: code("builtype"), 28: code("wchair"),
        29: num_or_r("age1", "age1_known", 0, 1, integer=True),
        30: code("sexrab1"), 31: code("gender_same_as_sex1"), 32: text("gender_description1"),
        33: code("ethnic", codes=ETHNIC), 34: dict(attribute="nationality_all", read="nationality"), 35: code("ecstat1"),
        36: code("buy1livein"),
        37: code("relat2", codes=RELAT),
        38: num_or_r("age2", "age2_known", 0, 1, integer=True),
        39: code("sexrab2"), 40: code("gender_same_as_sex2"), 41: text("gender_description2"),
        42: code("ethnicbuy2", codes=ETHNIC), 43: dict(attribute="nationality_all_buyer2", read="nationality"), 44: code("ecstat2"),
        45: code("buy2livein"), 46: num("hholdcount", integer=True),
        71: code("prevten", codes=prevten_codes),
        72: yes_no("ppcodenk", 0, 1),
        73: dict(attribute="ppostcode_full", read="postcode_half", part="outward", need_both=True),
        74: dict(attribute="ppostcode_full", read="postcode_half", part="inward", need_both=True),
        75: code("prevloc"), 76: code("buy2living"),
        77: code("prevtenbuy2", codes=prevten_codes),
        78: code("hhregres"), 79: code("hhregresstill"), 80: code("armedforcesspouse"), 81: code("disabled"), 82: code("wheel"),
        83: num_or_r("income1", "income1nk", 0, 1, integer=True), 84: code("inc1mort"),
        85: num_or_r("income2", "income2nk", 0, 1, integer=True), 86: code("inc2mort"),
        87: code("hb"),
        88: num_or_r("savings", "savingsnk", 0, 1, integer=True),
        89: code("prevown"), 90: code("prevshared"), 91: code("resale"),
        92: num("proplen", integer=True, when=so),
        96: num("frombeds", integer=True), 97: code("fromprop"), 98: code("socprevten"),
        99: num("value", when=so_initial), 100: num("equity", when=so_initial), 101: code("mortgageused", when=so_initial),
        102: num("mortgage", when=so),
        103: num_or_r("mortlen", "mortlen_known", 0, 1, integer=True, when=so),
        104: num("deposit", when=so), 105: num("cashdis"), 106: num("mrent", when=so_initial),
        107: num_or_r("mscharge", "has_mscharge", 1, 0, when=so_initial),
        108: num("management_fee"),
        109: num("stairbought"), 110: num("stairowned"), 111: code("staircasesale"), 112: code("firststair"),
        116: num("numstair", integer=True),
        120: num("value", when=so_stair), 121: num("equity", when=so_stair), 122: code("mortgageused", when=so_stair),
        123: num("mrentprestaircasing"), 124: num("mrent", when=so_stair),
        125: num_or_r("mscharge", "has_mscharge", 1, 0, when=so_stair),
        126: num_or_r("newservicecharges", "hasservicechargeschanged", 1, 2),
        127: num("proplen", integer=True, when=do), 128: num("value", when=do), 129: num("grant"), 130: num("discount"),
        131: code("mortgageused", when=do), 132: num("mortgage", when=do),
        133: num_or_r("mortlen", "mortlen_known", 0, 1, integer=True, when=do),
        134: code("extrabor", when=do), 135: num("deposit", when=do),
        136: num_or_r("mscharge", "has_mscharge", 1, 0, when=do),
    }
    m.update(date("saledate", 1))
    m.update(date("hodate", 93))
    m.update(date("initialpurchase", 113))
    m.update(date("lasttransaction", 117))
    for n in range(3, 7):
        b = 47 + 6 * (n - 3)
        m[b] = code(f"relat{n}", codes=RELAT)
        m[b + 1] = num_or_r(f"age{n}", f"age{n}_known", 0, 1, integer=True)
        m[b + 2] = code(f"sexrab{n}")
        m[b + 3] = code(f"gender_same_as_sex{n}")
        m[b + 4] = text(f"gender_description{n}")
        m[b + 5] = code(f"ecstat{n}")
    return m


ETHNIC_KEYS = [1, 2, 3, 18, 20, 4, 5, 6, 7, 8, 9, 10, 11, 15, 12, 13, 14, 16, 19, 17]
ETHNIC_VALS = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 17]


def choose(attr, field):
    keys = [k for k in ETHNIC_KEYS if k != 17]
    vals = [v for k, v in zip(ETHNIC_KEYS, ETHNIC_VALS) if k != 17]
    return f'if(field_{field} == "17", 17, choose({attr}, {json.dumps(keys)}, {json.dumps(vals)}))'.replace(",", ", ").replace(",  ", ", ")


def present_any(fields):
    return " || ".join(f"present(field_{f})" for f in fields)


def lettings_derive():
    d = [
        {"set": "first_time_property_let_as_social_housing", "when": "rsnvac != null", "value": "if(rsnvac in [15, 16, 17], 1, 0)"},
        {"set": "majorrepairs", "value": "if(present(mrcdate), 1, 0)"},
        {"set": "ethnic_group", "when": "present(field_45)", "value": choose("ethnic", 45)},
        {"set": "nationality_all_group", "when": "nationality_all != null",
         "value": "if(nationality_all == 0, 0, if(nationality_all == 826, 826, 12))"},
    ]
    for n in range(2, 9):
        b = 48 + 6 * (n - 2)
        d.append({"set": f"details_known_{n}", "value": f"if({present_any(range(b, b + 5))}, 0, 1)",
                  "note": f"Person {n} is there when any of their age, partner, sex, gender and gender description cells is filled in (their working situation alone does not count)."})
        d.append({"set": f"age{n}_known", "when": f"age{n}_known == null && details_known_{n} == 0", "value": "0"})
    d += [
        {"set": "hhmemb", "value": "1 + count(" + ", ".join(f"details_known_{n} == 0" for n in range(2, 9)) + ")"},
        {"set": "housingneeds", "value": 'if(field_98 == "1", 2, if(field_99 == "1", 3, if(blank(field_98) || field_98 == "0", 1, null)))'},
        {"set": "housingneeds_type", "value": 'if(field_94 == "1", 0, if(field_95 == "1", 1, if(field_96 == "1", 2, 3)))'},
        {"set": "housingneeds_other", "value": 'if(field_97 == "1", 1, if(field_94 == "1" || field_95 == "1" || field_96 == "1", 0, null))'},
    ]
    conflict = 'reasonpref == 1 && (field_122 == "1" || field_123 == "1" || field_124 == "1" || field_125 == "1") && field_126 == "1"'
    for a in ["rp_homeless", "rp_insan_unsat", "rp_medwel", "rp_hardship", "rp_dontknow"]:
        d.append({"set": a, "when": conflict, "value": "null",
                  "note": "'Don't know' with another reason: none of the reasons is kept (the bulk-upload check reports the conflict)."})
    d += [
        {"set": "letting_allocation_unknown",
         "value": "if(cbl == 0 && cap == 0 && chr == 0 && accessible_register == 0, 1, 0)"},
        {"set": "previous_la_known", "value": "if(present(prevloc), 1, 0)"},
        {"set": "beds", "when": "unittype_gn == 2", "value": "1", "note": "A bedsit has one bedroom, whatever field 28 says."},
    ]
    charges = "blank(field_142) || blank(field_143) || blank(field_144) || blank(field_145)"
    for a in ["brent", "scharge", "pscharge", "supcharg"]:
        d.append({"set": a, "when": charges, "value": "null", "note": "The four charges are kept only when all four are given."})
    d.append({"set": "tshortfall_known", "value": "if(hbrentshortfall == 1, 0, 1)"})
    return d


def sales_derive():
    d = [
        {"set": "ethnic_group", "when": "present(field_33)", "value": choose("ethnic", 33)},
        {"set": "ethnic_group2", "when": "present(field_42)", "value": choose("ethnicbuy2", 42)},
        {"set": "nationality_all_group", "when": "nationality_all != null",
         "value": "if(nationality_all == 0, 0, if(nationality_all == 826, 826, 12))"},
        {"set": "nationality_all_buyer2_group", "when": "nationality_all_buyer2 != null",
         "value": "if(nationality_all_buyer2 == 0, 0, if(nationality_all_buyer2 == 826, 826, 12))"},
    ]
    groups = {2: [37, 38, 39, 40, 41]}
    for n in range(3, 7):
        b = 47 + 6 * (n - 3)
        groups[n] = list(range(b, b + 5))
    for n in range(2, 7):
        d.append({"set": f"details_known_{n}", "value": f"if({present_any(groups[n])}, 1, 2)",
                  "note": f"Person {n} is there when any of their partner, age, sex, gender and gender description cells is filled in (sales codes: 1 there, 2 not)."})
        d.append({"set": f"age{n}_known", "when": f"age{n}_known == null && details_known_{n} == 1", "value": "0"})
    d += [
        {"set": "previous_la_known", "value": "if(present(prevloc), 1, 0)"},
        {"set": "proplen", "when": "proplen != null && proplen <= 0", "value": "null"},
        {"set": "proplen_asked", "value": "if(present(proplen), 0, 1)"},
        {"set": "mortlen_known", "when": "noint == 2", "value": "null",
         "note": "As the real service: the mortgage length's 'known' answer is left blank when the buyer was interviewed."},
        {"set": "has_management_fee", "when": "management_fee != null", "value": "if(management_fee > 0, 1, 0)"},
    ]
    return d



def q(s):
    return '"' + s + '"'


def is1(n):
    return f'field_{n} == "1"'


def address_rules(prefix, uprn, line1, town, pc1, pc2):
    return [
        {"id": f"{prefix}-UPRN-OR-ADDRESS",
         "when": f"blank(field_{uprn}) && (blank(field_{line1}) || blank(field_{town}) || blank(field_{pc1}) || blank(field_{pc2}))",
         "messages": dict([(str(uprn), "Enter either the UPRN or the full address.")] +
                          [(f"{f} if blank(field_{f})", "Enter either the UPRN or the full address.") for f in (line1, town, pc1, pc2)])},
        {"id": f"{prefix}-ADDRESS-PARTS", "when": "uprn == null",
         "messages": {f"{line1} if blank(field_{line1})": "You must answer address line 1.",
                      f"{town} if blank(field_{town})": "You must answer town or city.",
                      f"{pc1} if blank(field_{pc1})": "You must answer part 1 of postcode.",
                      f"{pc2} if blank(field_{pc2})": "You must answer part 2 of postcode."}},
    ]


def date_rules(prefix, attr, fields, what):
    d, m, y = fields
    window = "Enter a date within the 2026 to 2027 collection year, which is between 1st April 2026 and 31st March 2027."
    return [
        {"id": f"{prefix}-YEAR-DIGITS", "category": "setup",
         "when": f"present(field_{y}) && length(field_{y}) != 2 && length(field_{y}) != 4",
         "messages": {str(y): f"{what} year must be 2 or 4 digits."}},
        {"id": f"{prefix}-IN-COLLECTION-YEAR", "category": "setup",
         "when": f"{attr} != null && ({attr} < date(2026, 4, 1) || {attr} > date(2027, 7, 3))",
         "messages": {str(d): window, str(m): window, str(y): window},
         "note": "The bound is the form's new_logs_end_date (3 July 2027), though the message says 31 March, as in the real service."},
    ]


def lettings_rules():
    r = date_rules("L-START", "startdate", (8, 9, 10), "Tenancy start")
    r += address_rules("L", 18, 19, 21, 23, 24)
    r.append({"id": "L-AGE1-BLANK", "when": "blank(field_41)", "messages": {"41": "Age of person 1 must be a number or the letter R"},
              "note": "As the real service: the lead tenant's age has no blank allowance, so a blank cell gets the format message too."})
    access = [94, 95, 96]
    any94_97 = " || ".join(is1(f) for f in (94, 95, 96, 97))
    r += [
        {"id": "L-ACCESS-ONE-TYPE", "when": "count(" + ", ".join(is1(f) for f in access) + ") > 1",
         "messages": {str(f): "Only one disabled access need: fully wheelchair-accessible housing, wheelchair access to essential rooms or level access housing, can be selected." for f in access}},
        {"id": "L-ACCESS-NONE-AND-NEEDS", "when": f"{is1(98)} && ({any94_97})",
         "messages": {"98": "No disabled access needs can’t be selected if you have selected ..."},
         "note": "The reference gives this message only in part (it ends '...'); the field it goes on is assumed to be 98."},
        {"id": "L-ACCESS-DONT-KNOW-AND-NEEDS", "when": f"{is1(99)} && ({any94_97})",
         "messages": {"99": "Don’t know disabled access needs can’t be selected if ..."},
         "note": "The reference gives this message only in part (it ends '...'); the field it goes on is assumed to be 99."},
        {"id": "L-ACCESS-NONE-AND-DONT-KNOW", "when": f"{is1(98)} && {is1(99)}",
         "messages": {"98": "No disabled access needs and don’t know disabled access needs cannot be selected together.",
                      "99": "No disabled access needs and don’t know disabled access needs cannot be selected together."}},
        {"id": "L-ACCESS-BLANK", "when": " && ".join(f"blank(field_{f})" for f in range(94, 100)),
         "messages": {"98": "You must answer anybody with disabled access needs.", "97": "You must answer other access needs.",
                      "94": "You must answer disabled access needs type.", "95": "You must answer disabled access needs type.",
                      "96": "You must answer disabled access needs type."}},
        {"id": "L-ILLNESS-TYPE-WITHOUT-ILLNESS", "when": "illness != 1",
         "messages": {f"{f} if {is1(f)}": "You cannot answer this question as you told us nobody in the household has a physical or mental health condition (or other illness) expected to last 12 months or more." for f in range(101, 111)}},
        {"id": "L-ILLNESS-TYPE-BLANK", "when": "illness == 1 && " + " && ".join(f"blank(field_{f})" for f in range(101, 111)),
         "messages": {str(f): "You must answer how is person affected by condition or illness." for f in range(101, 111)}},
        {"id": "L-REASON-RENEWAL", "when": "renewal == 1 && reason != null && reason not in [50, 51, 52, 53]",
         "messages": {"113": "The reason for leaving must be \"End of social or private sector tenancy - no fault\", ..."},
         "note": "The reference gives this message only in part (it ends '...')."},
        {"id": "L-REASONPREF-BLANK", "when": "reasonpref == 1 && " + " && ".join(f"blank(field_{f})" for f in range(122, 127)),
         "messages": {str(f): "You must answer reason for reasonable preference." for f in range(122, 127)}},
        {"id": "L-REASONPREF-DONT-KNOW", "when": f"reasonpref == 1 && {is1(126)} && (" + " || ".join(is1(f) for f in range(122, 126)) + ")",
         "messages": dict([("126", "You cannot select 'Don't know' if any of the other reasonable preference reasons are also selected.")] +
                          [(f"{f} if {is1(f)}", "You cannot select this reasonable preference reason as you've also selected 'Don't know' as a reason.") for f in range(122, 126)])},
    ]
    names = {127: "Choice-Based Lettings (CBL)", 128: "Common Allocation Policy (CAP)", 129: "Common Housing Register (CHR)", 130: "Accessible Register"}
    for f, name in names.items():
        r.append({"id": f"L-ALLOCATION-{f}-BLANK", "category": "not_answered", "when": f"blank(field_{f})",
                  "messages": {str(f): f"You must answer was the letting made under the {name}?"}})
    charges = {142: "basic rent", 143: "service charge", 144: "personal service charge", 145: "support charge"}
    all_given = "You must enter all these fields: basic rent, service charge, personal service charge and support charge. Please enter ‘0' for any types of charges that you don’t issue."
    msgs = {}
    for f, name in charges.items():
        msgs[f"{f} if blank(field_{f})"] = f"Please enter the {name}. If there is no {name}, please enter '0'."
        msgs[f"{f} if present(field_{f})"] = all_given
    r.append({"id": "L-CHARGES-ALL-OR-NONE",
              "when": '!(needstype == 2 && field_142 == "1") && (' + " || ".join(f"blank(field_{f})" for f in charges) + ")",
              "messages": msgs,
              "note": "Skipped for supported housing when field 142 is 1, as the real service does (probably meant to be field 140, household pays no charges)."})
    return r


def sales_rules():
    r = date_rules("S-SALE", "saledate", (1, 2, 3), "Sale completion")
    r += address_rules("S", 16, 17, 19, 21, 22)
    r += [
        {"id": "S-BUYER1-CHILD-AGE", "when": 'field_35 == "9" && age1 != null && age1 >= 16',
         "messages": {"29": "Buyer 1’s age cannot be 16 or over if their working situation is child under 16.",
                      "35": "Buyer 1’s age cannot be 16 or over if their working situation is child under 16."}},
        {"id": "S-BUYER1-CHILD", "when": 'field_35 == "9" && !(age1 != null && age1 >= 16)',
         "messages": {"35": "Buyer 1 cannot have a working situation of child under 16."}},
        {"id": "S-BUYER2-CHILD-AGE", "when": 'jointpur == 1 && field_44 == "9" && age2 != null && age2 >= 16',
         "messages": {"38": "Buyer 2’s age cannot be 16 or over if their working situation is child under 16.",
                      "44": "Buyer 2’s age cannot be 16 or over if their working situation is child under 16."}},
        {"id": "S-BUYER2-CHILD", "when": 'jointpur == 1 && field_44 == "9" && !(age2 != null && age2 >= 16)',
         "messages": {"44": "Buyer 2 cannot have a working situation of child under 16."}},
    ]
    for f, scheme in ((103, 1), (133, 2)):
        r += [
            {"id": f"S-MORTLEN-{f}-BLANK", "when": f"ownershipsch == {scheme} && blank(field_{f})",
             "messages": {str(f): "Mortgage length must be a number or the letter R"},
             "note": "As the real service: the check has no blank allowance, so a blank cell gets the format message."},
            {"id": f"S-MORTLEN-{f}-R-INTERVIEWED", "when": f'ownershipsch == {scheme} && upper(field_{f}) == "R" && noint == 2',
             "messages": {str(f): "You indicated that you interviewed the buyer(s), but selected “Don’t know” for mortgage length. Please provide the mortgage length or update your response."}},
        ]
    r += [
        {"id": "S-NUMSTAIR-RANGE", "when": "numstair != null && (numstair < 2 || numstair > 10)",
         "messages": {"116": "Number of staircasing transactions must be between 2 and 10."}},
        {"id": "S-DISCOUNT-RANGE", "when": "ownershipsch == 2 && discount != null && (discount < 0 || discount > 70)",
         "messages": {"130": "Percentage discount must be between 0% and 70%."}},
    ]
    return r



ORG_NOTE = ("ORG<id> only: the real service's legacy organisation codes are not read (CORE has none). The messages under "
            "checks come from the record lookup (not found, does not own stock, not allowed for the uploader), not from a rule here.")
USER_NOTE = "Blank: the log is assigned to the uploader (a support user must give one). The messages under checks come from the lookup."
ADDRESS_NOTE = ("The real service searches an address service for the best match when the UPRN is blank; CORE has no address "
                "lookup (the address_lookup context value), so the address is kept as entered. The real service's *_as_entered "
                "and *_input copies are not in the form.")
REFERRAL_NOTE = ("Which of fields 131-134 is read depends on whether the owning organisation is a local authority (`when` reads the "
                 "owning_provider_type context value, null without a database, so the other fields are read). The rules between "
                 "the four fields are not a rule here: the reference gives their shared message only in part; the form's own "
                 "validations check the answers.")
NOTES = {
    "lettings": {
        1: ORG_NOTE, 2: ORG_NOTE, 3: USER_NOTE,
        5: "S<id>, case-insensitive; the real service's legacy scheme codes are not read (CORE has none).",
        6: "A location id of the row's scheme.",
        11: "A cell that is not a whole number gets messages.invalid_number ('Enter a number for rent type.').",
        18: ADDRESS_NOTE,
        93: "The real service also puts errors on housingneeds on this field.",
        94: "Fields 94-99 fill no attribute of their own: the derivations work out housingneeds, housingneeds_type and housingneeds_other from them.",
        115: ("Not a rule here: 'if renewal, blank or one of 6, 30-35, 38' (34 is not an option of prevten in the 2026 form, "
              "and the reference does not give the message)."),
        131: REFERRAL_NOTE, 132: REFERRAL_NOTE, 133: REFERRAL_NOTE, 134: REFERRAL_NOTE,
        137: "Rounded to a whole number.",
        142: "The four charges are kept only when all four are given (derive, and rule L-CHARGES-ALL-OR-NONE).",
    },
    "sales": {
        4: ORG_NOTE, 5: ORG_NOTE + " This is the reporting organisation.", 6: USER_NOTE,
        16: ADDRESS_NOTE,
        23: "The real service also sets la_known, which the 2026 form does not have; is_la_inferred is derived.",
        1: "The collection-year message goes on fields 1-3 only when they have no other error (the bulk checker's job).",
        92: "Kept only when more than 0 (derive).",
        103: "mortlen_known is left blank when the buyer was interviewed (derive), as in the real service.",
        127: "Kept only when more than 0 (derive).",
        133: "mortlen_known is left blank when the buyer was interviewed (derive), as in the real service.",
    },
}


NOTES_TOP = {
    "lettings": [
        "The real service sets uprn_known, uprn_confirmed and postcode_known from the cells; in CORE the form works them out itself (they are not inputs), so they are not derivations here.",
        "Quirks not reproduced: whole numbers are read as decimals (the real service refuses '08' and '09' as octal); legacy organisation, scheme and location codes are not read; the address is not matched against an address service.",
        "Not expressed as rules (their messages are given only in part by the reference, or need records): the referral fields' rules (131-134), 'prevten for a renewal' (115), the organisation, user, scheme and location lookups (1-3, 5, 6).",
    ],
    "sales": [
        "The real service sets uprn_known, uprn_confirmed, pcodenk, la_known, is_la_inferred and soctenant from the cells; in CORE the form works them out itself (they are not inputs, and the form has no la_known), so they are not derivations here.",
        "Quirks not reproduced: whole numbers are read as decimals (the real service refuses '08' and '09' as octal); legacy organisation codes are not read; the address is not matched against an address service.",
        "Not expressed as rules (they need records): the organisation and user lookups (4-6).",
    ],
}


INVALID = {
    "lettings": dict([(41, "Age of person 1 must be a number or the letter R"), (46, "Select a valid nationality.")] +
                     [(48 + 6 * (n - 2), f"Age of person {n} must be a number or the letter R") for n in range(2, 9)] +
                     [(127, "Enter a valid value for was the letting made under the Choice-Based Lettings (CBL)?"),
                      (128, "Enter a valid value for was the letting made under the Common Allocation Policy (CAP)?"),
                      (129, "Enter a valid value for was the letting made under the Common Housing Register (CHR)?"),
                      (130, "Enter a valid value for was the letting made under the Accessible Register?")]),
    "sales": {34: "Select a valid nationality.", 43: "Select a valid nationality.",
              103: "Mortgage length must be a number or the letter R", 133: "Mortgage length must be a number or the letter R",
              107: "Service charge must be a positive number or the letter R.", 125: "Service charge must be a positive number or the letter R.",
              136: "Service charge must be a positive number or the letter R.", 126: "New service charge must be a number or the letter R."},
}


COMMON_MESSAGES = {
    "no_file": "Select which file to upload.",
    "not_csv_or_xlsx": "Your file must be in CSV or XLSX format.",
    "too_big": "File must be 10MB or less. Check your file and delete data that does not need to be uploaded.",
    "too_many_rows": "File must have 25,000 rows or fewer. Split your file and upload each part.",
    "no_year": "You must select a collection period to upload for.",
    "blank_template": "Template is blank - The template must be filled in for us to create the logs and check if data is correct.",
    "no_headers": "Your file does not contain the required header rows. Add or check the header rows and upload your file again. [Read more about using the template headers](%{guidance_link}).",
    "too_many_columns": "Too many columns, please ensure you have used the correct template.",
    "not_answered": "You must answer %{question}",
    "invalid_option": "Enter a valid value for %{question}",
    "invalid_number": "Enter a number for %{question}",
    "duplicate_in_file": "This is a duplicate of a log in your file.",
    "duplicate_log": "This is a duplicate log.",
    "collection_window": "Enter a date within the %{year_combo} collection year, which is between 1st April %{start_year} and 31st March %{end_year}.",
    "select_fix_choice": "Select how you would like to fix these errors.",
    "invalid_fix_choice": "You must select one of the following options for how you would like to fix these errors.",
    "select_soft_confirm": "You must select if there are errors in these fields.",
}


def build(kind):
    fields_map = lettings_fields() if kind == "lettings" else sales_fields()
    out_fields = []
    notes = []
    for r in rows(kind):
        n = int(r["field_number"])
        f = {"field": n}
        spec = fields_map.get(n)
        if spec is None:
            spec = dict(attribute=None, read="ignored")
            notes.append(n)
        if spec.get("attribute") is None:
            spec = {k: v for k, v in spec.items() if k != "attribute"}
        f.update(spec)
        f["question"] = r["question"].strip()
        if n in INVALID[kind]:
            f["invalid"] = INVALID[kind][n]
        if n in NOTES[kind]:
            f["note"] = NOTES[kind][n]
        if r["setup_question"] == "yes":
            f["setup"] = True
        if "BLOCKS" in r["bu_only_validation"]:
            f["blocks"] = True
        c = checks(r["bu_only_validation"])
        if c:
            f["checks"] = c
        out_fields.append(f)
    hdr = headers(kind)
    messages = dict(COMMON_MESSAGES)
    if kind == "lettings":
        messages["wrong_field_count"] = "Incorrect number of fields, please ensure you have used the template for lettings 2026."
        messages["wrong_year"] = "Incorrect start dates, please ensure you have used the correct template."
        year_fields, date_attr = [8, 9, 10], "startdate"
        report = {"reference": 13, "property_reference": 14}
        dup = [1, 8, 9, 10, 13, 18, 19, 23, 24, 41, 42, 47, 142, 143, 144, 145]
        dup_log = [1, 8, 9, 10, 13, 18, 19, 23, 24, 25, 41, 42, 47, 140, 142, 143, 144, 145]
    else:
        messages["wrong_field_count"] = "Incorrect number of fields, please ensure you have used the template for sales 2026."
        messages["wrong_year"] = "Incorrect sale dates, please ensure you have used the correct template."
        year_fields, date_attr = [1, 2, 3], "saledate"
        report = {"reference": 7}
        dup = [4, 1, 2, 3, 7, 16, 17, 21, 22, 29, 30, 35]
        dup_log = [4, 1, 2, 3, 16, 17, 21, 22, 29, 30, 35, 7]
    spec = {
        "template": {
            "type": kind, "year": 2026, "form": f"{kind}.json",
            "header_rows": hdr,
            "field_number_row": hdr.index("Field number") + 1,
            "field_number_label": "Field number",
            "label_column": True,
            "max_bytes": 10 * 1024 * 1024,
            "max_rows": 25000,
            "report": report,
            "note": "The header rows are optional: a file is aligned by its 'Field number' row when it has one (columns in any order, non-numeric cells ignored), else read in field order from the first row.",
        },
        "year_check": {
            "attribute": date_attr, "fields": year_fields, "row": "first", "message": "wrong_year",
            "note": "The first data row's date must fall in the chosen collection year; a date that cannot be built passes.",
        },
        "duplicates": {"in_file_fields": dup, "existing_log_fields": dup_log,
                       "note": "Fields that carry the duplicate messages; which answers make two logs duplicates is the form's log.duplicates."},
        "messages": messages,
        "fields": out_fields,
        "derive": lettings_derive() if kind == "lettings" else sales_derive(),
        "rules": lettings_rules() if kind == "lettings" else sales_rules(),
        "notes": NOTES_TOP[kind],
    }
    return spec, notes


def dump(spec):
    """Two-space indents, with each field and each derivation on one line."""
    parts = []
    for k, v in spec.items():
        if isinstance(v, list):
            body = ",\n".join("    " + json.dumps(x, ensure_ascii=False) for x in v)
            parts.append(f'  "{k}": [\n{body}\n  ]')
        else:
            inner = json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            # lists of numbers on one line
            inner = re.sub(r"\[\s*([0-9,\s]+?)\s*\]", lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", inner)
            parts.append(f'  "{k}": {inner}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main():
    for kind in ["lettings", "sales"]:
        spec, unmapped = build(kind)
        path = os.path.join(OUT, f"{kind}-bulk-upload.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(dump(spec))
        print(path, len(spec["fields"]), "fields; unmapped:", unmapped)


if __name__ == "__main__":
    main()
