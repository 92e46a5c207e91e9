"""Every response in openapi.yaml has an example, and every example is valid for its schema.

Usage: check_examples.py openapi.yaml. Examples are taken from the media type (`example`) or,
for a `$ref` schema, from the referenced component's own `example`. Each is validated with
JSON Schema 2020-12 (what OpenAPI 3.1 schemas are) against the document's own components.
"""

import sys

import jsonschema
import yaml

class JsonLikeLoader(yaml.SafeLoader):
    """YAML as JSON sees it: timestamps stay strings."""


JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

doc = yaml.load(open(sys.argv[1]), Loader=JsonLikeLoader)
components = doc.get("components", {})


def validate(example, schema, where, problems):
    root = dict(schema)
    root["components"] = components
    try:
        jsonschema.Draft202012Validator(root).validate(example)
    except jsonschema.ValidationError as e:
        problems.append(f"{where}: {e.message} (at {'/'.join(map(str, e.absolute_path))})")


def component_example(schema):
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return components["schemas"][ref.rsplit("/", 1)[1]].get("example")
    return None


problems, missing, checked = [], [], 0
for name, schema in components.get("schemas", {}).items():
    if "example" in schema:
        validate(schema["example"], schema, f"components.schemas.{name}", problems)
        checked += 1
for path, item in doc["paths"].items():
    for method, op in item.items():
        for status, response in op.get("responses", {}).items():
            for media, content in response.get("content", {}).items():
                if "json" not in media:
                    continue
                schema = content.get("schema", {})
                example = content.get("example", component_example(schema))
                where = f"{method.upper()} {path} {status} {media}"
                if example is None:
                    missing.append(where)
                    continue
                validate(example, schema, where, problems)
                checked += 1
for line in missing:
    print(f"no example: {line}")
for line in problems:
    print(f"invalid example: {line}")
print(f"{checked} examples checked, {len(missing)} missing, {len(problems)} invalid")
sys.exit(1 if missing or problems else 0)
