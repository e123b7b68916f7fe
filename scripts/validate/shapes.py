"""What a descriptor may hold before anything reads the files it names.

Every value the build or frictionless will use is checked for its JSON shape, so that a
hostile or careless ``datapackage.json`` is refused with a line and a message, never a
traceback: names are safe folder names, paths stay inside the package folder, nothing is
fetched from the network, URLs are web or mail addresses, and sizes keep to the budget.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

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
    if found:
        return (
            f"holds the invisible character U+{ord(found.group()):04X} at position {found.start() + 1} "
            "(a direction override or zero-width character, which can make text read differently): remove it"
        )
    return None


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
        return f"must be a web address as text, not {type(value).__name__}"
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return f"{value!r} is not a web address"
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        return f"{value!r} has {shown}: a link must start with https://, http:// or mailto:"
    if text != value or any(c.isspace() or ord(c) < 32 for c in value):
        return f"{value!r} contains spaces or control characters"
    if scheme in ("http", "https") and not parts.hostname:
        return f"{value!r} names no host"
    if scheme == "mailto" and "@" not in parts.path:
        return f"{value!r} is not an email address"
    return None


class Shapes:
    """Collects (where, message, field) for one descriptor; ``where`` is a JSON path for the line."""

    def __init__(self, descriptor: dict, folder: Path, settings: dict):
        self.descriptor, self.folder, self.settings = descriptor, folder, settings
        self.found: list[tuple[tuple, str, str | None]] = []

    def add(self, where: tuple, message: str, field_name: str | None = None) -> None:
        self.found.append((where, message, field_name))

    def check(self) -> list[tuple[tuple, str, str | None]]:
        d = self.descriptor
        if not isinstance(d, dict):
            self.add((), f"the descriptor must be a JSON object, not {type(d).__name__}")
            return self.found
        self.name(("name",), d.get("name"), "package", NAME)
        self.profile(("profile",), d)
        self.texts((), d)
        for key in ("licenses", "sources", "contributors"):
            self.credits(key, d.get(key, []))
        self.version(d)
        if "homepage" in d and url_problem(d["homepage"]):
            self.add(("homepage",), f"homepage: {url_problem(d['homepage'])}")
        if isinstance(d.get("resources"), list):
            self.resources(d["resources"])
        return self.found

    def credits(self, key: str, items) -> None:
        """Licences, sources or contributors: a list of objects whose links are web or mail addresses."""
        if not isinstance(items, list):
            self.add((key,), f"{key} must be a list")
            return
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.add((key, index), f"each of {key} must be an object")
                continue
            for link in ("path", "url", "email"):
                if link not in item:
                    continue
                value = item[link]
                problem = url_problem(f"mailto:{value}" if link == "email" and isinstance(value, str) else value)
                if problem:
                    self.add((key, index, link), f"{key}[{index}].{link}: {problem}")

    def version(self, d: dict) -> None:
        if "version" not in d:  # the site publishes each version in its own folder, so it needs one
            self.add((), "the package has no version: add one like 1.0.0 (it becomes /data/<package>/<version>/)")
        elif not (isinstance(d["version"], str) and VERSION.fullmatch(d["version"])):
            self.add(
                ("version",),
                f"version {d['version']!r} must be like 1.0.0 (it becomes the folder /data/<package>/<version>/)",
            )

    def resources(self, resources: list) -> None:
        seen: dict[str, str] = {}
        for index, resource in enumerate(resources):
            if not isinstance(resource, dict):
                continue
            self.resource(("resources", index), resource)
            path = resource.get("path")
            if isinstance(path, str) and path.casefold() in seen:
                self.add(
                    ("resources", index, "path"),
                    f"resource {resource.get('name')!r}: path {path!r} is the same file name as "
                    f"{seen[path.casefold()]!r} (letter case aside): on many systems they are one file",
                )
            elif isinstance(path, str):
                seen[path.casefold()] = path

    def name(self, where: tuple, value, what: str, form: re.Pattern) -> None:
        if not isinstance(value, str) or not form.match(value):
            allowed = "letters, digits and hyphens" if form is NAME else "letters, digits, hyphens and underscores"
            self.add(
                where,
                f"{what} name {value!r} must be lower-case {allowed}, "
                "starting with a letter or digit (it becomes a folder and a web address)",
            )

    def profile(self, where: tuple, holder: dict) -> None:
        for key in ("profile", "$schema"):
            if key in holder and (not isinstance(holder[key], str) or holder[key] not in PROFILES):
                self.add(
                    where[:-1] + (key,),
                    f"{key} {holder[key]!r} is not allowed: use one of {', '.join(sorted(PROFILES))} "
                    "(nothing is fetched from the network)",
                )

    def texts(self, where: tuple, holder: dict) -> None:
        limit = self.settings.get("max_description_chars")
        for key in ("title", "description"):
            if key not in holder:
                continue
            value = holder[key]
            if not isinstance(value, str):
                self.add(where + (key,), f"{key} must be text, not {_kind(value)}", key)
            elif invisible_problem(value):
                self.add(where + (key,), f"{key} {invisible_problem(value)}", key)
            elif limit is not None and len(value) > limit:
                self.add(
                    where + (key,),
                    f"{key} is {len(value):,} characters: the most allowed is {limit:,} (setting max_description_chars)",
                    key,
                )

    def resource(self, where: tuple, resource: dict) -> None:
        name = resource.get("name")
        self.name(where + ("name",), name, "resource", RESOURCE_NAME)
        if isinstance(name, str) and (name in RESERVED_NAMES or VERSION.fullmatch(name)):
            self.add(
                where + ("name",),
                f"resource name {name!r} is taken by a page the site writes "
                f"(/data/<package>/{name}/): choose another name",
            )
        self.format(where, name, resource)
        self.profile(where + ("profile",), resource)
        self.texts(where, resource)
        path = resource.get("path")
        if not isinstance(path, str):
            self.add(where + ("path",), f"resource {name!r}: path must be one file name as text, not {_kind(path)}")
        else:
            self.path(where + ("path",), name, path)
        for key in ("dialect", "schema"):
            if key in resource and not isinstance(resource[key], dict):
                self.add(
                    where + (key,),
                    f"resource {name!r}: {key} must be written out in the descriptor as an object, "
                    f"not {_kind(resource[key])} (nothing is fetched or read from elsewhere)",
                )
        dialect = resource.get("dialect")
        for key, value in dialect.items() if isinstance(dialect, dict) else ():
            if key not in DIALECT or not any(value == v and type(value) is type(v) for v in DIALECT[key]):
                self.add(
                    where + ("dialect", key),
                    f"resource {name!r}: dialect {key} {value!r} is not allowed: every file is read as plain CSV "
                    "(comma, double quotes doubled, a header row, no comments), so the validator and the site "
                    "read the same rows",
                )
        if "data" in resource:
            self.add(where + ("data",), f"resource {name!r}: inline data is not allowed: put the rows in a CSV file")
        schema = resource.get("schema")
        if isinstance(schema, dict):
            self.schema(where + ("schema",), name, schema)

    def format(self, where: tuple, name, resource: dict) -> None:
        """Only CSV, in UTF-8: the validator reads nothing else, so nothing else may be published."""
        wanted = dict(zip(("format", "mediatype"), DATA_FORMATS[".csv"]), encoding=ENCODING)
        for key, value in wanted.items():
            if key in resource and (not isinstance(resource[key], str) or resource[key].lower() != value):
                self.add(
                    where + (key,),
                    f"resource {name!r}: {key} {resource[key]!r} is not allowed: data files are {value}",
                )

    def path(self, where: tuple, name, path: str) -> None:
        if not is_data_file_name(path) and "/" not in path and "\\" not in path:
            self.add(
                where,
                f"resource {name!r}: path {path!r} is not a data file: only "
                f"{', '.join(DATA_FORMATS)} files are published (an HTML, SVG or script file would run in the browser)",
            )
            return
        bad = (
            not path
            or "/" in path
            or "://" in path
            or path.startswith(("/", "\\", "~"))
            or "\\" in path
            or re.match(r"^[A-Za-z]:", path)
            or any(c in path for c in "\0\r\n")
        )
        if not bad:
            try:
                bad = (self.folder / path).is_symlink()
                resolved = (self.folder / path).resolve()
                bad = bad or not resolved.is_relative_to(self.folder.resolve()) or resolved == self.folder.resolve()
            except (OSError, ValueError):
                bad = True
        if bad:
            self.add(
                where,
                f"resource {name!r}: path {path!r} must name a file inside the package folder "
                "(one file name: no folder, no URL, no absolute path, no '..', no symbolic link)",
            )

    def schema(self, where: tuple, name, schema: dict) -> None:
        fields = schema.get("fields")
        if not isinstance(fields, list):
            return  # reported by the structure check
        names = [n for number, spec in enumerate(fields) if (n := self.field(where + ("fields", number), name, spec))]
        for number, spec in enumerate(fields):
            group = spec.get("sumsTo100Within") if isinstance(spec, dict) else None
            for other in group if isinstance(group, list) else []:
                if isinstance(other, str) and other not in names:
                    self.add(
                        where + ("fields", number, "sumsTo100Within"),
                        f"sumsTo100Within names {other!r}, which is not a field",
                        spec.get("name"),
                    )
        missing = schema.get("missingValues", [""])
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            self.add(where + ("missingValues",), f"resource {name!r}: missingValues must be a list of texts")
        if not _field_list(schema.get("primaryKey", []), names):
            self.add(where + ("primaryKey",), f"resource {name!r}: primaryKey must name fields of the schema")
        keys = schema.get("foreignKeys", [])
        if not isinstance(keys, list):
            self.add(where + ("foreignKeys",), f"resource {name!r}: foreignKeys must be a list")
            return
        for index, fk in enumerate(keys):
            self.foreign_key(where + ("foreignKeys", index), name, fk, names)

    def field(self, at: tuple, resource_name, spec) -> str | None:
        """Check one field's entry; its name, or None if it has none."""
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            self.add(at, f"resource {resource_name!r}: each field needs a name as text")
            return None
        if invisible_problem(spec["name"]):
            self.add(at + ("name",), f"field name {spec['name']!r} {invisible_problem(spec['name'])}")
        self.texts(at, spec)
        for key, kind in (("type", str), ("format", str), ("constraints", dict), ("missingValues", list)):
            if key in spec and not isinstance(spec[key], kind):
                self.add(at + (key,), f"{key} must be {_article(kind)}, not {_kind(spec[key])}", spec["name"])
        self.pattern(at, spec)
        for key in (MULTILINE, "disclosureControl"):
            if key in spec and not isinstance(spec[key], bool):
                self.add(at + (key,), f"{key} must be true or false", spec["name"])
        if spec.get(MULTILINE) and spec.get("type", "string") != "string":
            self.add(at + (MULTILINE,), "only a string field may hold text over several lines", spec["name"])
        group = spec.get("sumsTo100Within")
        if group is not None and (not isinstance(group, list) or not all(isinstance(g, str) for g in group)):
            self.add(at + ("sumsTo100Within",), "sumsTo100Within must be a list of field names", spec["name"])
        return spec["name"]

    def pattern(self, at: tuple, spec: dict) -> None:
        pattern = spec.get("constraints", {}).get("pattern") if isinstance(spec.get("constraints"), dict) else None
        if pattern is None:
            return
        from scripts.validate.re2 import pattern_problem  # DuckDB, only for a schema with a pattern

        problem = pattern_problem(pattern) if isinstance(pattern, str) else "it must be text"
        if problem:
            self.add(
                at + ("constraints", "pattern"),
                f"the pattern {pattern!r} cannot be used: {problem} (patterns run in RE2: no "
                "back-references or look-arounds, repeats up to 1000)",
                spec["name"],
            )

    def foreign_key(self, at: tuple, name, fk, names: list[str]) -> None:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if (
            not isinstance(reference, dict)
            or not _field_list(fk.get("fields"), names)
            or not isinstance(reference.get("resource", ""), str)
            or not isinstance(reference.get("fields"), (str, list))
        ):
            self.add(at, f"resource {name!r}: each foreign key needs fields and a reference to a resource's fields")
            return
        resources = {
            r["name"] for r in self.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)
        }
        if "package" in reference:
            self.add(
                at + ("reference", "package"),
                f"resource {name!r}: a foreign key may refer only to this package (nothing is fetched)",
            )
        elif reference.get("resource", "") not in resources | {""}:
            self.add(at + ("reference",), f"resource {name!r}: foreign key refers to no resource of this package")


def _field_list(value, names: list[str]) -> bool:
    items = [value] if isinstance(value, str) else value
    return isinstance(items, list) and all(isinstance(i, str) and i in names for i in items)


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _article(kind: type) -> str:
    return {str: "text", dict: "an object", list: "a list"}[kind]
