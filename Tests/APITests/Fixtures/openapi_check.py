"""Checks Recordkeeper's OpenAPI document for Tests/APITests/OpenAPIDocumentTests.swift.

    python openapi_check.py validate DOCUMENT
        Validates DOCUMENT as OpenAPI 3.1 with openapi-spec-validator; prints "OK".
    python openapi_check.py responses DOCUMENT EXCHANGES
        EXCHANGES is a JSON array of {"method","path","status","content_type","body"}: real
        answers of the application, "path" the route's template. Each must be documented: its
        status (or "default"), a media type matching its Content-Type, and a body valid against
        that media type's schema (JSON Schema 2020-12, $refs resolved in the document). Prints
        one JSON line per exchange: {"ok": true} or {"ok": false, "error": "..."}.
    python openapi_check.py same-as-yaml DOCUMENT YAML
        Reads YAML with PyYAML's safe_load and compares it with DOCUMENT (JSON) as values;
        prints "OK" or where they first differ.

Runs in the venv of scripts/openapi-venv.sh (openapi-spec-validator and jsonschema from PyPI;
PyYAML, for same-as-yaml, comes with openapi-spec-validator).
"""
import json
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:recordkeeper:openapi"


def pointer(*parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported reference {ref}")
        node = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def media_type_key(content, content_type):
    """The key of `content` that a response's Content-Type matches: exact, then without
    parameters, then a wildcard."""
    if content_type is None:
        return None
    if content_type in content:
        return content_type
    base = content_type.split(";")[0].strip().lower()
    for key in content:
        if key.split(";")[0].strip().lower() == base:
            return key
    major = base.split("/")[0] + "/*"
    for key in (major, "*/*"):
        if key in content:
            return key
    return None


def check(document, registry, exchange):
    method, path, status = exchange["method"].lower(), exchange["path"], str(exchange["status"])
    item = document.get("paths", {}).get(path)
    if item is None:
        return f"{path} is not in the document"
    operation = item.get(method)
    if operation is None:
        return f"{method.upper()} {path} is not in the document"
    responses = operation.get("responses", {})
    status_key = status if status in responses else (status[0] + "XX" if status[0] + "XX" in responses else "default")
    if status_key not in responses:
        return f"{method.upper()} {path}: status {status} is not documented (documented: {sorted(responses)})"
    response = resolve(document, responses[status_key])
    content = response.get("content")
    body = exchange.get("body")
    if not content:
        return None if not body else f"{method.upper()} {path} {status}: a body, but the document gives none"
    key = media_type_key(content, exchange.get("content_type"))
    if key is None:
        return (f"{method.upper()} {path} {status}: Content-Type {exchange.get('content_type')!r} is not documented "
                f"(documented: {sorted(content)})")
    schema = content[key].get("schema")
    if schema is None:
        return None
    # Validate through a reference into the document, so that its $refs resolve.
    ref = {"$ref": BASE + "#" + pointer("paths", path, method, "responses", status_key, "content", key, "schema")}
    if "$ref" in responses[status_key]:
        target = responses[status_key]["$ref"][1:]
        ref = {"$ref": BASE + "#" + target + pointer("content", key, "schema")}
    if key.split(";")[0].strip().endswith("json"):
        try:
            instance = json.loads(body)
        except (TypeError, ValueError) as error:
            return f"{method.upper()} {path} {status}: the body is not JSON ({error}): {body!r:.200}"
    else:
        instance = body
    validator = Draft202012Validator(ref, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        return f"{method.upper()} {path} {status} ({key}): " + "; ".join(
            f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
    return None


def first_difference(left, right, at):
    """The JSON pointer of the first place where two values differ (types included), or None."""
    if type(left) is not type(right):
        return f"{at} ({type(left).__name__} in the YAML, {type(right).__name__} in the JSON)"
    if isinstance(left, dict):
        for key in sorted(set(left) | set(right), key=str):
            if key not in left or key not in right:
                return f"{at}/{key} (only in the {'YAML' if key in left else 'JSON'})"
            found = first_difference(left[key], right[key], f"{at}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{at} ({len(left)} items in the YAML, {len(right)} in the JSON)"
        for index, (a, b) in enumerate(zip(left, right)):
            found = first_difference(a, b, f"{at}/{index}")
            if found is not None:
                return found
        return None
    return None if left == right else f"{at} ({left!r} in the YAML, {right!r} in the JSON)"


def main():
    command, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    if command == "validate":
        from openapi_spec_validator import validate
        from openapi_spec_validator.versions.shortcuts import get_spec_version

        version = get_spec_version(document)
        if str(version) != "OpenAPIV3.1" and "3.1" not in str(version):
            print(f"not an OpenAPI 3.1 document: {version}")
            return 1
        try:
            validate(document)
        except Exception as error:  # the validator's own message, shortened
            print(f"invalid OpenAPI document: {type(error).__name__}: {str(error)[:2000]}")
            return 1
        print("OK")
        return 0
    if command == "same-as-yaml":
        import yaml

        with open(sys.argv[3], encoding="utf-8") as file:
            from_yaml = yaml.safe_load(file)
        difference = first_difference(from_yaml, document, "")
        print("OK" if difference is None else f"differs at {difference or '/'}")
        return 0 if difference is None else 1
    if command == "responses":
        with open(sys.argv[3], encoding="utf-8") as file:
            exchanges = json.load(file)
        registry = Registry().with_resource(BASE, Resource.from_contents(document, default_specification=DRAFT202012))
        for exchange in exchanges:
            try:
                error = check(document, registry, exchange)
            except Exception as failure:  # report, do not hide
                error = f"{exchange.get('method')} {exchange.get('path')}: {type(failure).__name__}: {failure}"
            print(json.dumps({"ok": error is None, "error": error}))
        return 0
    print(f"unknown command {command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
