"""Lints deploy/compose.yaml (no Docker engine here): valid against the Compose
specification's JSON schema, one service per module that can run on its own, each hosting
exactly its module on its own database, and deploy/brigade.toml placing every one of them
and loading with the binary's own configuration checks.

Usage: check_compose.py BINARY SCHEMA (the compose-spec JSON schema from .ci/node_modules).
"""

import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml

BIN, SCHEMA = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.join(HERE, "..", "deploy")

compose = yaml.safe_load(open(os.path.join(DEPLOY, "compose.yaml")))
schema = json.load(open(SCHEMA))
errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(compose), key=str)
assert not errors, "deploy/compose.yaml: " + "; ".join(e.message for e in errors[:5])

internal = yaml.safe_load(subprocess.run([BIN, "openapi", "--internal"], capture_output=True,
                                         check=True).stdout)
# Every process also serves "events" (its event delivery, for the edge's admin endpoints).
modules = sorted({tag for op in internal["paths"].values() for o in op.values() for tag in o["tags"]}
                 - {"events"})
services = compose["services"]
databases = set()
for module in modules:
    service = services.get(module)
    assert service, f"no service for the {module} module"
    command = service["command"]
    assert command[command.index("--modules") + 1] == module, f"{module}: hosts {command}"
    assert "--internal-bind" in command, f"{module}: no internal listener"
    databases.add(service["environment"]["DATABASE_URL"])
databases.add(services["edge"]["environment"]["DATABASE_URL"])
assert len(databases) == len(modules) + 1, "two processes share a database"
init = open(os.path.join(DEPLOY, "postgres-init.sql")).read()
for url in databases:
    assert f"CREATE DATABASE {url.rsplit('/', 1)[1]};" in init, f"{url} is never created"

# The shared topology file passes the binary's own checks, in a module's process and the edge's.
seed_line = subprocess.run([BIN, "internal-key", "--id", "main"], capture_output=True,
                           check=True).stdout.decode()
values = dict(line.split(" = ", 1) for line in seed_line.splitlines() if " = " in line)
env = dict(os.environ,
           BRIGADE_INTERNAL__KEY_ID="main",
           BRIGADE_INTERNAL__SIGNING_KEY=values["signing_key"].split("#")[0].strip().strip('"'),
           BRIGADE_INTERNAL__TRUSTED_KEYS__MAIN=values["main"].strip().strip('"'))
with tempfile.TemporaryDirectory() as work:
    for hosted in (["--modules", "kitchen"], []):
        env["DATABASE_URL"] = f"sqlite://{work}/{hosted[1] if hosted else 'edge'}.db"
        done = subprocess.run([BIN, "--config", os.path.join(DEPLOY, "brigade.toml"), "migrate", *hosted],
                              env=env, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
print(f"deploy/compose.yaml: valid; {len(modules)} modules, each in its own process and database")
