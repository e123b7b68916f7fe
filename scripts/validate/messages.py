"""How each data problem is worded, in one place, so both validation engines say the same thing."""

from __future__ import annotations

import re

from scripts.symbols import SHORT, SYMBOLS
from scripts.validate.problems import show

GSS_FORM = re.compile(r"^E(06|07|08|09|10)\d{6}$")
BLANK_NUMBER = "blank: write the number, or " + " or ".join(
    ", ".join(f"{symbol} ({SHORT[symbol]})" for symbol in SYMBOLS).rsplit(", ", 1)
)
WANTED = {
    "number": "a number",
    "integer": "a whole number",
    "date": "a date in the form YYYY-MM-DD",
    "yearmonth": "a month in the form YYYY-MM",
    "boolean": "true or false",
}


# What a number, whole number or date cell may hold, in both engines: plain ASCII, so that the
# validator, a spreadsheet and the site all read the same value (Python and frictionless would also
# take Infinity, NaN, 1e309, 1_000, spaces around, and digits of other scripts).
PLAIN = {
    "number": r"[+-]?[0-9]+(\.[0-9]+)?",
    "integer": r"[+-]?[0-9]+",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
_PLAIN = {kind: re.compile(pattern) for kind, pattern in PLAIN.items()}
_INFINITY, _NAN = ("inf", "infinity"), ("nan", "snan")


def is_plain(cell: str, kind: str) -> bool:
    """Whether a cell of a number, integer or date field is written plainly (other kinds: always)."""
    return kind not in _PLAIN or bool(_PLAIN[kind].fullmatch(cell))


def type_error(cell, spec: dict) -> str:
    kind = spec.get("type", "string")
    wanted = WANTED.get(kind, f"a valid {kind}")
    if kind in ("number", "integer") and isinstance(cell, str):
        word = cell.strip().lstrip("+-").lower()
        if word in _INFINITY:
            return f"{cell!r} is infinity, not {wanted}: write the value in digits, or a symbol such as [x]"
        if word in _NAN:
            return f"{cell!r} says 'not a number': write the value in digits, or a symbol such as [x]"
        if not is_plain(cell, kind) and any(c.isdigit() for c in cell):  # a number, written another way
            point = " and at most one decimal point" if kind == "number" else ""
            return (
                f"{cell!r} is not {wanted}: write only the digits 0 to 9, with an optional sign{point} "
                "(no spaces, exponent, underscore or other digits)"
            )
    if kind == "date" and isinstance(cell, str) and not is_plain(cell, kind):
        return f"{cell!r} is not {wanted}: use only the digits 0 to 9"
    return f"{show(cell)} is not {wanted}"


def constraint(name: str, limit, cell, spec: dict) -> str | None:
    if name == "required":
        return "a value is required" if cell in ("", None) else f"a value is required: {cell} is not allowed here"
    if name == "minimum":
        return f"{show(cell)} is below the minimum {limit}"
    if name == "maximum":
        return f"{show(cell)} is above the maximum {limit}"
    if name == "enum":
        return f"{show(cell)} is not one of: {', '.join(map(str, spec.get('constraints', {}).get('enum', [])))}"
    if name == "pattern":
        example = f" (for example {spec['example']})" if "example" in spec else ""
        return f"{show(cell)} does not match the pattern {limit}{example}"
    if name in ("minLength", "maxLength"):
        return f"{show(cell)} is {'shorter' if name == 'minLength' else 'longer'} than {limit} characters"
    return None


def unique(cell, previous_line) -> str:
    return f"{show(cell)} appears more than once: the same as line {previous_line}"


def key_fields(spec: dict) -> list[str]:
    names = spec["fields"]
    return [names] if isinstance(names, str) else list(names)


def empty_key(key: list[str]) -> str:
    return f"the key ({', '.join(key)}) is empty: every row needs a value in it"


def duplicate_key(cells, key: list[str], previous_line) -> str:
    return f"duplicate key ({', '.join(str(c) for c in cells)}): the same {' and '.join(key)} as line {previous_line}"


def foreign_key(cells, target: str, target_path: str, target_fields: list[str]) -> str:
    value = ", ".join(str(c) for c in cells)
    if target == "sources":
        return f"unknown source '{value}': it is not a source_id in {target_path}"
    return f"'{value}' is not an {','.join(target_fields)} in {target_path}"


# A negative number as printed ("-31.26", "-1,234"), or a lone "-" (a publisher's symbol), is no formula: both
# engines let it stand in a text field.
PRINTED_NEGATIVE = r"^-([0-9][0-9,]*(\.[0-9]+)?)?$"


def formula(cell: str) -> str:
    first = {"\t": "a tab", "\r": "a carriage return"}.get(cell[0], f"'{cell[0]}'")
    return (
        f"{show(cell)} starts with {first}, which a spreadsheet would run as a formula: "
        "reword the cell so it starts with a letter or digit"
    )


def financial_year(cell: str) -> str:
    start = int(cell[:4])
    return f"'{cell}' is not a financial year: after {start} comes {start + 1} ({start}-{(start + 1) % 100:02d})"


def unknown_gss(code: str, reference_display: str) -> str:
    return f"'{code}' is not a known GSS code: check it against ONS, then add it to {reference_display}"


def shares(group: list[str], values, total: float, tolerance: float, lines: str) -> str:
    where = ", ".join(f"{k}={v}" for k, v in zip(group, values))
    return f"shares for {where} add up to {total:g}, not 100 (±{tolerance:g}); rows on lines {lines}"


def shares_over(group: list[str], values, total: float, tolerance: float, lines: str) -> str:
    where = ", ".join(f"{k}={v}" for k, v in zip(group, values))
    return (
        f"the published shares for {where} already add up to {total:g}, over 100 (±{tolerance:g}), "
        f"before the ones shown as [c], [x] or [z]; rows on lines {lines}"
    )


def not_a_date(cell: str, month_only: bool) -> str:
    wanted = "a month in the form YYYY-MM" if month_only else "a real date: YYYY-MM-DD, or YYYY-MM or YYYY"
    return f"{show(cell)} is not {wanted}"


def small_count(cell, threshold: int) -> str:
    return f"{show(cell)} must be published as [c]: counts from 1 to {threshold - 1} are suppressed"


def too_long(size: int, longest: int) -> str:
    return f"the cell is {size:,} characters: the most allowed is {longest:,} (setting max_cell_chars)"


# --- the descriptor and the files it names (structure.py) ----------------------------------------

PACKAGE_SYMLINK = "is a symbolic link: put the package itself here"
FILE_SYMLINK = "is a symbolic link: put the file itself here"
NO_DESCRIPTOR = "file not found: every package folder needs a datapackage.json"
DESCRIPTOR_NOT_UTF8 = "not UTF-8: save the descriptor as UTF-8"
NESTS_TOO_DEEP = "nests too deep"
NO_RESOURCES = "the descriptor needs a list of resources"
INCOMPLETE_RESOURCE = "each resource needs a name, a path and a schema"
BLANK_ROW = "blank row: remove it"


def descriptor_too_large(size: int, largest: int) -> str:
    return f"is {size:,} bytes: the most allowed is {largest:,} (setting max_descriptor_bytes)"


def unreadable(reason: str) -> str:
    return f"cannot be read: {reason}"


def too_deep(deepest: int) -> str:
    return f"nests objects and lists more than {deepest} deep (setting max_json_depth)"


def bad_json(reason: str, column: int) -> str:
    return f"not valid JSON: {reason} (column {column})"


def duplicate_json_key(key: str) -> str:
    return (
        f"the key {key!r} appears twice in one object: JSON readers keep only one of the two values, "
        "and not all the same one"
    )


def bad_descriptor(note: str) -> str:
    return f"not a valid data package descriptor: {note}"


def missing_resource_file(resource: str, path: str) -> str:
    return f"resource '{resource}' names {path}, which does not exist"


def no_fields(resource: str) -> str:
    return f"resource '{resource}' needs schema.fields"


def unknown_type(resource: str, kind, known: list[str]) -> str:
    return f"resource '{resource}': unknown field type '{kind}'; use one of {', '.join(known)}"


def uncited(resource: str) -> str:
    return f"resource '{resource}' must cite a source: a source_id field with a foreign key to the sources resource"


def extra_column(name: str) -> str:
    return f"column '{name}' is not in the schema: remove it, or describe it in datapackage.json"


def missing_column(name: str, expected: list[str]) -> str:
    return f"column '{name}' is missing: the header must be {','.join(expected)}"


def duplicate_column(name: str) -> str:
    return f"column '{name}' appears more than once"


def column_order(position: int, got: str, want: str, expected: list[str]) -> str:
    return f"column {position} is '{got}' but the schema puts '{want}' there: the header must be {','.join(expected)}"


def multiline(spans: int, line: int, key: str) -> str:
    return (
        f"a quoted cell runs over {spans} lines, from line {line}, but this field does not allow "
        "text over several lines: close the quote on that line (or, for text that is meant to "
        f'span lines, mark the field "{key}": true in datapackage.json)'
    )


def row_length(kind: str) -> str:
    return f"this row has {'more' if kind == 'extra-cell' else 'fewer'} cells than the header has columns"


# --- the command (command.py) ----------------------------------------------------------------------


def duplicate_package(name: str, other) -> str:
    return f"package name '{name}' is already used by {other}: every package needs its own name"


def out_of_memory(limit_mb: int) -> str:
    return (
        f"not checked: the columnar engine could not read this file within its {limit_mb} MB "
        "(columnar_memory_mb); give it more with --columnar-memory-mb and check again"
    )


REFERENCE_HINT = "give --gss-codes (or the gss_codes setting) a UTF-8 CSV file with a 'code' column"


def reference_unreadable(reason: str) -> str:
    return f"the GSS code reference file could not be read ({reason}), so no package was checked: {REFERENCE_HINT}"


def reference_without_codes(header: list[str]) -> str:
    columns = ", ".join(show(name) for name in header) or "none"
    return f"the GSS code reference file has no 'code' column (it has {columns}), so no package was checked: {REFERENCE_HINT}"


def unchecked(error: Exception) -> str:
    return (
        f"could not be checked ({type(error).__name__}: {str(error)[:200]}): "
        "this input is refused; please report it so the validator can name the fault"
    )


# --- what a descriptor may hold (shapes.py) -------------------------------------------------------


def kind_of(value) -> str:
    """A JSON value's kind as a message names it."""
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _article(kind: type) -> str:
    return {str: "text", dict: "an object", list: "a list"}[kind]


def invisible(code_point: int, position: int) -> str:
    return (
        f"holds the invisible character U+{code_point:04X} at position {position} "
        "(a direction override or zero-width character, which can make text read differently): remove it"
    )


def link_not_text(value) -> str:
    return f"must be a web address as text, not {type(value).__name__}"


def not_a_web_address(value: str) -> str:
    return f"{value!r} is not a web address"


def link_scheme(value: str, scheme: str) -> str:
    shown = f"'{scheme}:'" if scheme else "no scheme"
    return f"{value!r} has {shown}: a link must start with https://, http:// or mailto:"


def link_spaces(value: str) -> str:
    return f"{value!r} contains spaces or control characters"


def link_no_host(value: str) -> str:
    return f"{value!r} names no host"


def link_no_email(value: str) -> str:
    return f"{value!r} is not an email address"


def descriptor_not_object(descriptor) -> str:
    return f"the descriptor must be a JSON object, not {type(descriptor).__name__}"


def bad_homepage(problem: str) -> str:
    return f"homepage: {problem}"


def not_a_list(key: str) -> str:
    return f"{key} must be a list"


def not_an_object(key: str) -> str:
    return f"each of {key} must be an object"


def bad_credit_link(key: str, index: int, link: str, problem: str) -> str:
    return f"{key}[{index}].{link}: {problem}"


NO_VERSION = "the package has no version: add one like 1.0.0 (it becomes /data/<package>/<version>/)"


def bad_version(version) -> str:
    return f"version {version!r} must be like 1.0.0 (it becomes the folder /data/<package>/<version>/)"


def same_path(resource, path: str, other: str) -> str:
    return (
        f"resource {resource!r}: path {path!r} is the same file name as "
        f"{other!r} (letter case aside): on many systems they are one file"
    )


def bad_name(what: str, value, allowed: str) -> str:
    return (
        f"{what} name {value!r} must be lower-case {allowed}, "
        "starting with a letter or digit (it becomes a folder and a web address)"
    )


def remote_profile(key: str, value, profiles) -> str:
    return (
        f"{key} {value!r} is not allowed: use one of {', '.join(sorted(profiles))} "
        "(nothing is fetched from the network)"
    )


def text_not_text(key: str, value) -> str:
    return f"{key} must be text, not {kind_of(value)}"


def invisible_in(key: str, problem: str) -> str:
    return f"{key} {problem}"


def text_too_long(key: str, size: int, longest: int) -> str:
    return f"{key} is {size:,} characters: the most allowed is {longest:,} (setting max_description_chars)"


def reserved_name(name: str) -> str:
    return f"resource name {name!r} is taken by a page the site writes (/data/<package>/{name}/): choose another name"


def path_not_text(resource, path) -> str:
    return f"resource {resource!r}: path must be one file name as text, not {kind_of(path)}"


def not_written_out(resource, key: str, value) -> str:
    return (
        f"resource {resource!r}: {key} must be written out in the descriptor as an object, "
        f"not {kind_of(value)} (nothing is fetched or read from elsewhere)"
    )


def dialect_not_default(resource, key: str, value) -> str:
    return (
        f"resource {resource!r}: dialect {key} {value!r} is not allowed: every file is read as plain CSV "
        "(comma, double quotes doubled, a header row, no comments), so the validator and the site "
        "read the same rows"
    )


def inline_data(resource) -> str:
    return f"resource {resource!r}: inline data is not allowed: put the rows in a CSV file"


def not_csv(resource, key: str, value, wanted: str) -> str:
    return f"resource {resource!r}: {key} {value!r} is not allowed: data files are {wanted}"


def not_a_data_file(resource, path: str, formats) -> str:
    return (
        f"resource {resource!r}: path {path!r} is not a data file: only "
        f"{', '.join(formats)} files are published (an HTML, SVG or script file would run in the browser)"
    )


def path_outside(resource, path: str) -> str:
    return (
        f"resource {resource!r}: path {path!r} must name a file inside the package folder "
        "(one file name: no folder, no URL, no absolute path, no '..', no symbolic link)"
    )


def shares_name_no_field(other: str) -> str:
    return f"sumsTo100Within names {other!r}, which is not a field"


def missing_values_not_texts(resource) -> str:
    return f"resource {resource!r}: missingValues must be a list of texts"


def primary_key_not_fields(resource) -> str:
    return f"resource {resource!r}: primaryKey must name fields of the schema"


def foreign_keys_not_a_list(resource) -> str:
    return f"resource {resource!r}: foreignKeys must be a list"


def field_without_name(resource) -> str:
    return f"resource {resource!r}: each field needs a name as text"


def invisible_field_name(name: str, problem: str) -> str:
    return f"field name {name!r} {problem}"


def wrong_kind(key: str, kind: type, value) -> str:
    return f"{key} must be {_article(kind)}, not {kind_of(value)}"


def not_a_flag(key: str) -> str:
    return f"{key} must be true or false"


MULTILINE_NOT_STRING = "only a string field may hold text over several lines"
SHARES_NOT_NAMES = "sumsTo100Within must be a list of field names"


def unusable_pattern(pattern, problem: str) -> str:
    return (
        f"the pattern {pattern!r} cannot be used: {problem} (patterns run in RE2: no "
        "back-references or look-arounds, repeats up to 1000)"
    )


PATTERN_NOT_TEXT = "it must be text"


def incomplete_foreign_key(resource) -> str:
    return f"resource {resource!r}: each foreign key needs fields and a reference to a resource's fields"


def foreign_key_to_package(resource) -> str:
    return f"resource {resource!r}: a foreign key may refer only to this package (nothing is fetched)"


def foreign_key_to_nothing(resource) -> str:
    return f"resource {resource!r}: foreign key refers to no resource of this package"


# --- reading a CSV file (table.py) ----------------------------------------------------------------

FILE_NOT_FOUND = "file not found"
EMPTY_FILE = "file is empty: it needs at least the header row"


def unreadable_csv(error) -> str:
    return f"not a readable CSV file: {error}"


def damaged_line_ends(records: int, lines: int) -> str:
    return f"{records} records but {lines} lines after the header: the file's line ends are damaged"


def file_not_utf8(byte: int, column: int) -> str:
    return f"not UTF-8: byte 0x{byte:02x} at column {column} cannot be decoded; save the file as UTF-8"


def control_character(char: str, column: int) -> str:
    name = "a carriage return inside a line" if char == "\r" else f"the control character U+{ord(char):04X}"
    return f"{name} at column {column}: remove it (it is invisible in most editors)"


# --- the Markdown content and the files beside it (content.py) ------------------------------------

CONTENT_SYMLINK = "is a symbolic link: put the file itself here (a link could publish a file from elsewhere)"
FAVICON_DECLARATION = "the favicon may not hold a DOCTYPE, entity, comment or processing instruction"


def same_static_name(other) -> str:
    return f"has the same name as {other} (letter case aside): on many systems they are one file"


def static_type(suffix: str, types, favicon: str) -> str:
    return (
        f"a {suffix or 'file without an extension'} file cannot be published from content/static/: "
        f"only {', '.join(types)} files (and the favicon, {favicon}) may be, "
        "as HTML, SVG, scripts and stylesheets would run in the browser"
    )


def favicon_not_svg(error) -> str:
    return f"the favicon is not well-formed SVG: {error}"


def favicon_element(tag: str, elements) -> str:
    return f"the favicon may be drawn only with {', '.join(sorted(elements))}, not <{tag}>"


def favicon_attribute(tag: str, attribute: str, value: str) -> str:
    return f"the favicon's <{tag}> may not have the attribute {attribute}={value!r}"


def favicon_text(tag: str) -> str:
    return f"the favicon's <{tag}> may not hold text"


def markdown_not_utf8(error) -> str:
    return f"cannot be read as UTF-8 text: {error}"


def markdown_too_large(size: int, limit: int) -> str:
    return f"is {size:,} bytes: the most a Markdown file may be is {limit:,} (setting max_markdown_bytes)"


def metadata_key(key: str, keys) -> str:
    allowed = ", ".join(k.capitalize() for k in keys)
    return (
        f"the metadata key {key!r} is not allowed: use only {allowed} "
        "(other keys change where a page is written or how it is built)"
    )


def page_address(value: str, key: str, addresses) -> str:
    allowed = ", ".join(repr(v) for v in addresses)
    return f"{value!r} is not allowed: a page's {key} may only be {allowed}"


def address_taken(value: str, other: str) -> str:
    return f"{value!r} is already the address of {other}"


def _slug(value: str, derived: bool) -> str:
    return f"the slug made from this title, {value!r}," if derived else repr(value)


def slug_is_section(value: str, derived: bool, sections) -> str:
    return (
        f"{_slug(value, derived)} is not allowed: a page's slug may not be one of the site's own folders "
        f"({', '.join(sorted(sections))})" + ("; give the page a Slug" if derived else "")
    )


def bad_slug(value: str) -> str:
    return f"{value!r} is not allowed: a slug is lower-case letters, digits and hyphens"


def slug_taken(value: str, derived: bool, other: str) -> str:
    return f"{_slug(value, derived)} is already the slug of {other}"


def not_a_page_date(value: str) -> str:
    return f"'{value}' is not a real date in the form YYYY-MM-DD (a time may follow as HH:MM)"


def markdown_too_deep(depth: int, limit: int) -> str:
    return f"nests quotes or lists {depth} deep: the most allowed is {limit} (setting max_markdown_depth)"


def protocol_relative(address: str) -> str:
    return f"{address!r} is a protocol-relative address: write https:// and the host, or a path on this site"


def picture_elsewhere(address: str) -> str:
    return f"the picture {address!r} comes from another site: put the file in content/ and link it with {{static}}"


def _linked(what: str, value: str) -> str:
    return f"{{{what}}}{value}"


def link_leaves_content(what: str, value: str) -> str:
    return f"{_linked(what, value)} leads out of content/: link only to files inside it"


def link_to_nothing(what: str, value: str) -> str:
    return f"{_linked(what, value)} names no file in content/"


def link_to_symlink(what: str, value: str) -> str:
    return f"{_linked(what, value)} is a symbolic link: link to the file itself"


def link_type(what: str, value: str, types) -> str:
    return (
        f"{_linked(what, value)} is not a file type the site may publish (only {', '.join(types)} and Markdown pages)"
    )
