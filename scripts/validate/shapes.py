"""What a descriptor may hold before anything reads the files it names.

Every value the build or frictionless will use is checked for its JSON shape, so that a
hostile or careless ``datapackage.json`` is refused with a line and a message, never a
traceback: names are safe folder names, paths stay inside the package folder, nothing is
fetched from the network, URLs are web or mail addresses, and sizes keep to the budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from scripts.validate import messages

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Resource names may also hold "_": Open Referral UK's table names (service_area) are standard ones.
RESOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# The only profiles frictionless knows without fetching anything.
PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
URL_SCHEMES = ("http", "https", "mailto")
MULTILINE = "multiline"  # a string field's schema says "multiline": true where a cell may span lines
# The one data format the validator reads and the site publishes, by extension, with its format
# and media type: a file of any other type (HTML, SVG, script) would be served as active content.
DATA_FORMATS = {".csv": ("csv", "text/csv")}
ENCODING = "utf-8"
# Characters that change how text around them is shown, or are not shown at all: bidirectional
# overrides and isolates (a name could read backwards) and zero-width ones (two names could look alike).
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def invisible_problem(value: str) -> str | None:
    """Why ``value`` may not be a name or title: it holds a bidirectional or zero-width character."""
    found = INVISIBLE.search(value)
    return messages.invisible(ord(found.group()), found.start() + 1) if found else None


# The one CSV dialect, which the validator, the columnar engine and the site all read: a dialect in
# a descriptor may only restate these values (with either line ending).
DIALECT = {
    "delimiter": (",",),
    "quoteChar": ('"',),
    "doubleQuote": (True,),
    "header": (True,),
    "lineTerminator": ("\r\n", "\n"),
    "skipInitialSpace": (False,),
}
# Folders the site writes beside each resource's page (/data/<package>/<resource>/): the changelog,
# the derived formats and per-council files (scripts/catalogue/derived.py) and each release's
# folder, so a resource may not be named like one.
RESERVED_NAMES = {"changelog", "formats", "councils"}
# A release's folder name (/data/<package>/<version>/), read by scripts/catalogue/versions.py.
VERSION = re.compile(r"\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?")


def is_data_file_name(path) -> bool:
    """Whether ``path`` could be a published data file: one file name (no folder) of a type in DATA_FORMATS."""
    return (
        isinstance(path, str)
        and "/" not in path
        and "\\" not in path
        and path not in ("", ".", "..")
        and not any(ord(c) < 32 for c in path)
        and Path(path).suffix in DATA_FORMATS
    )


def depth(value, limit: int) -> int:
    """How deeply ``value`` nests lists and objects, counting up to ``limit + 1`` at most (no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def raw_depth(text: str) -> int:
    """The deepest nesting of brackets in JSON text, outside strings: safe to run before parsing it."""
    level = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def url_problem(value) -> str | None:
    """Why ``value`` is not a web or mail address we can publish as a link; None if it is one."""
    if not isinstance(value, str):
        return messages.link_not_text(value)
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return messages.not_a_web_address(value)
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        return messages.link_scheme(value, scheme)
    if text != value or any(c.isspace() or ord(c) < 32 for c in value):
        return messages.link_spaces(value)
    if scheme in ("http", "https") and not parts.hostname:
        return messages.link_no_host(value)
    if scheme == "mailto" and "@" not in parts.path:
        return messages.link_no_email(value)
    return None


# What a check finds: where in the descriptor (a JSON path, for the line), the message, and the field if any.
Found = tuple[tuple, str, str | None]


class Shapes:
    """Every (where, message, field) of one descriptor's shape problems; ``where`` is a JSON path for the line."""

    def __init__(self, descriptor: dict, folder: Path, settings: dict):
        self.descriptor, self.folder, self.settings = descriptor, folder, settings

    def check(self) -> Iterator[Found]:
        d = self.descriptor
        if not isinstance(d, dict):
            yield (), messages.descriptor_not_object(d), None
            return
        yield from self.name(("name",), d.get("name"), "package", NAME)
        yield from self.profile(("profile",), d)
        yield from self.texts((), d)
        for key in ("licenses", "sources", "contributors"):
            yield from self.credits(key, d.get(key, []))
        yield from self.version(d)
        if "homepage" in d and url_problem(d["homepage"]):
            yield ("homepage",), messages.bad_homepage(url_problem(d["homepage"])), None
        if isinstance(d.get("resources"), list):
            yield from self.resources(d["resources"])

    def credits(self, key: str, items) -> Iterator[Found]:
        """Licences, sources or contributors: a list of objects whose links are web or mail addresses."""
        if not isinstance(items, list):
            yield (key,), messages.not_a_list(key), None
            return
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                yield (key, index), messages.not_an_object(key), None
                continue
            for link in ("path", "url", "email"):
                if link not in item:
                    continue
                value = item[link]
                problem = url_problem(f"mailto:{value}" if link == "email" and isinstance(value, str) else value)
                if problem:
                    yield (key, index, link), messages.bad_credit_link(key, index, link, problem), None

    def version(self, d: dict) -> Iterator[Found]:
        if "version" not in d:  # the site publishes each version in its own folder, so it needs one
            yield (), messages.NO_VERSION, None
        elif not (isinstance(d["version"], str) and VERSION.fullmatch(d["version"])):
            yield ("version",), messages.bad_version(d["version"]), None

    def resources(self, resources: list) -> Iterator[Found]:
        seen: dict[str, str] = {}
        for index, resource in enumerate(resources):
            if not isinstance(resource, dict):
                continue
            yield from self.resource(("resources", index), resource)
            path = resource.get("path")
            if isinstance(path, str) and path.casefold() in seen:
                message = messages.same_path(resource.get("name"), path, seen[path.casefold()])
                yield ("resources", index, "path"), message, None
            elif isinstance(path, str):
                seen[path.casefold()] = path

    def name(self, where: tuple, value, what: str, form: re.Pattern) -> Iterator[Found]:
        if not isinstance(value, str) or not form.match(value):
            allowed = "letters, digits and hyphens" if form is NAME else "letters, digits, hyphens and underscores"
            yield where, messages.bad_name(what, value, allowed), None

    def profile(self, where: tuple, holder: dict) -> Iterator[Found]:
        for key in ("profile", "$schema"):
            if key in holder and (not isinstance(holder[key], str) or holder[key] not in PROFILES):
                yield where[:-1] + (key,), messages.remote_profile(key, holder[key], PROFILES), None

    def texts(self, where: tuple, holder: dict) -> Iterator[Found]:
        limit = self.settings.get("max_description_chars")
        for key in ("title", "description"):
            if key not in holder:
                continue
            value = holder[key]
            if not isinstance(value, str):
                yield where + (key,), messages.text_not_text(key, value), key
            elif invisible_problem(value):
                yield where + (key,), messages.invisible_in(key, invisible_problem(value)), key
            elif limit is not None and len(value) > limit:
                yield where + (key,), messages.text_too_long(key, len(value), limit), key

    def resource(self, where: tuple, resource: dict) -> Iterator[Found]:
        name = resource.get("name")
        yield from self.name(where + ("name",), name, "resource", RESOURCE_NAME)
        if isinstance(name, str) and (name in RESERVED_NAMES or VERSION.fullmatch(name)):
            yield where + ("name",), messages.reserved_name(name), None
        yield from self.format(where, name, resource)
        yield from self.profile(where + ("profile",), resource)
        yield from self.texts(where, resource)
        path = resource.get("path")
        if not isinstance(path, str):
            yield where + ("path",), messages.path_not_text(name, path), None
        else:
            yield from self.path(where + ("path",), name, path)
        yield from self.written_out(where, name, resource)
        if "data" in resource:
            yield where + ("data",), messages.inline_data(name), None
        schema = resource.get("schema")
        if isinstance(schema, dict):
            yield from self.schema(where + ("schema",), name, schema)

    def written_out(self, where: tuple, name, resource: dict) -> Iterator[Found]:
        """A dialect and a schema written out as objects, and the dialect only restating the default."""
        for key in ("dialect", "schema"):
            if key in resource and not isinstance(resource[key], dict):
                yield where + (key,), messages.not_written_out(name, key, resource[key]), None
        dialect = resource.get("dialect")
        for key, value in dialect.items() if isinstance(dialect, dict) else ():
            if key not in DIALECT or not any(value == v and type(value) is type(v) for v in DIALECT[key]):
                yield where + ("dialect", key), messages.dialect_not_default(name, key, value), None

    def format(self, where: tuple, name, resource: dict) -> Iterator[Found]:
        """Only CSV, in UTF-8: the validator reads nothing else, so nothing else may be published."""
        wanted = dict(zip(("format", "mediatype"), DATA_FORMATS[".csv"]), encoding=ENCODING)
        for key, value in wanted.items():
            if key in resource and (not isinstance(resource[key], str) or resource[key].lower() != value):
                yield where + (key,), messages.not_csv(name, key, resource[key], value), None

    def path(self, where: tuple, name, path: str) -> Iterator[Found]:
        if not is_data_file_name(path) and "/" not in path and "\\" not in path:
            yield where, messages.not_a_data_file(name, path, DATA_FORMATS), None
        elif not self.inside(path):
            yield where, messages.path_outside(name, path), None

    def inside(self, path: str) -> bool:
        """Whether ``path`` is one file name that stays inside the package folder, symbolic links refused."""
        bad = (
            not path
            or "/" in path
            or "://" in path
            or path.startswith(("/", "\\", "~"))
            or "\\" in path
            or re.match(r"^[A-Za-z]:", path)
            or any(c in path for c in "\0\r\n")
        )
        if bad:
            return False
        try:
            resolved = (self.folder / path).resolve()
            return (
                not (self.folder / path).is_symlink()
                and resolved.is_relative_to(self.folder.resolve())
                and resolved != self.folder.resolve()
            )
        except (OSError, ValueError):
            return False

    def schema(self, where: tuple, name, schema: dict) -> Iterator[Found]:
        fields = schema.get("fields")
        if not isinstance(fields, list):
            return  # reported by the structure check
        names = [spec["name"] for spec in fields if _named(spec)]
        for number, spec in enumerate(fields):
            yield from self.field(where + ("fields", number), name, spec)
        yield from self.share_groups(where, fields, names)
        missing = schema.get("missingValues", [""])
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            yield where + ("missingValues",), messages.missing_values_not_texts(name), None
        if not _field_list(schema.get("primaryKey", []), names):
            yield where + ("primaryKey",), messages.primary_key_not_fields(name), None
        keys = schema.get("foreignKeys", [])
        if not isinstance(keys, list):
            yield where + ("foreignKeys",), messages.foreign_keys_not_a_list(name), None
            return
        for index, fk in enumerate(keys):
            yield from self.foreign_key(where + ("foreignKeys", index), name, fk, names)

    def share_groups(self, where: tuple, fields: list, names: list[str]) -> Iterator[Found]:
        for number, spec in enumerate(fields):
            group = spec.get("sumsTo100Within") if isinstance(spec, dict) else None
            for other in group if isinstance(group, list) else []:
                if isinstance(other, str) and other not in names:
                    at = where + ("fields", number, "sumsTo100Within")
                    yield at, messages.shares_name_no_field(other), spec.get("name")

    def field(self, at: tuple, resource_name, spec) -> Iterator[Found]:
        """Every problem of one field's entry."""
        if not _named(spec):
            yield at, messages.field_without_name(resource_name), None
            return
        if invisible_problem(spec["name"]):
            yield at + ("name",), messages.invisible_field_name(spec["name"], invisible_problem(spec["name"])), None
        yield from self.texts(at, spec)
        for key, kind in (("type", str), ("format", str), ("constraints", dict), ("missingValues", list)):
            if key in spec and not isinstance(spec[key], kind):
                yield at + (key,), messages.wrong_kind(key, kind, spec[key]), spec["name"]
        yield from self.pattern(at, spec)
        for key in (MULTILINE, "disclosureControl"):
            if key in spec and not isinstance(spec[key], bool):
                yield at + (key,), messages.not_a_flag(key), spec["name"]
        if spec.get(MULTILINE) and spec.get("type", "string") != "string":
            yield at + (MULTILINE,), messages.MULTILINE_NOT_STRING, spec["name"]
        group = spec.get("sumsTo100Within")
        if group is not None and (not isinstance(group, list) or not all(isinstance(g, str) for g in group)):
            yield at + ("sumsTo100Within",), messages.SHARES_NOT_NAMES, spec["name"]

    def pattern(self, at: tuple, spec: dict) -> Iterator[Found]:
        pattern = spec.get("constraints", {}).get("pattern") if isinstance(spec.get("constraints"), dict) else None
        if pattern is None:
            return
        from scripts.validate.re2 import pattern_problem  # DuckDB, only for a schema with a pattern

        problem = pattern_problem(pattern) if isinstance(pattern, str) else messages.PATTERN_NOT_TEXT
        if problem:
            yield at + ("constraints", "pattern"), messages.unusable_pattern(pattern, problem), spec["name"]

    def foreign_key(self, at: tuple, name, fk, names: list[str]) -> Iterator[Found]:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if (
            not isinstance(reference, dict)
            or not _field_list(fk.get("fields"), names)
            or not isinstance(reference.get("resource", ""), str)
            or not isinstance(reference.get("fields"), (str, list))
        ):
            yield at, messages.incomplete_foreign_key(name), None
            return
        resources = {
            r["name"] for r in self.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)
        }
        if "package" in reference:
            yield at + ("reference", "package"), messages.foreign_key_to_package(name), None
        elif reference.get("resource", "") not in resources | {""}:
            yield at + ("reference",), messages.foreign_key_to_nothing(name), None


def _named(spec) -> bool:
    return isinstance(spec, dict) and isinstance(spec.get("name"), str) and bool(spec["name"])


def _field_list(value, names: list[str]) -> bool:
    items = [value] if isinstance(value, str) else value
    return isinstance(items, list) and all(isinstance(i, str) and i in names for i in items)
