#!/usr/bin/env python3
"""Checks the module graph against the map in docs/architecture.md (DESIGN.md's arrows).

Reads the manifest (`swift package dump-package`) and every `import` line under Sources/, and
fails, naming each offence, when:
  - a target declares, or a file imports, one of our modules the map does not allow it;
  - a file imports one of our modules its target does not declare (it would build only by accident);
  - a domain module, or API, imports Hummingbird (or anything HTTP-serving);
  - a module has more than MAX_LINES lines of Swift.
Run from anywhere: python3 scripts/check-modules.py
"""
import json
import os
import re
import subprocess
import sys

MAX_LINES = 5000

# Which of our modules each module may import (DESIGN.md, "Parts"). Modules not listed here
# (test support, tests) are not checked. Keep docs/architecture.md in step.
ALLOWED = {
    "Ledger": set(),
    "RecordkeeperCore": set(),
    "Zstd": {"CZstd"},
    "Timestamping": {"COpenSSL"},
    "KeyLookups": set(),
    "SchemaMigrator": {"Ledger", "LedgerStore"},
    "LedgerStore": {"Ledger", "RecordkeeperCore", "KeyLookups"},
    "WhatsApp": {"RecordkeeperCore"},
    "Events": {"Ledger", "LedgerStore", "RecordkeeperCore"},
    "Classification": {"Events", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "Access": {"Events", "Classification", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "Messaging": {"Events", "Access", "Classification", "WhatsApp", "Ledger", "LedgerStore", "KeyLookups", "RecordkeeperCore", "Zstd"},
    # The webhook relay: Meta's deliveries forwarded downstream (not Messaging: it needs none of it).
    "WebhookRelay": {"Events", "WhatsApp", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "Inbox": {"Messaging", "Access", "Classification", "Events", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "Retention": {"Messaging", "Access", "Events", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "Disposition": {"Retention", "Events", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "Deadlines": {"RecordkeeperCore"},
    "DemoData": {"Events", "Ledger", "LedgerStore", "Messaging", "RecordkeeperCore", "WhatsApp"},
    "Requests": {"Deadlines", "Retention", "Inbox", "Messaging", "Access", "Classification", "Events", "Ledger", "LedgerStore", "RecordkeeperCore", "Exports", "ExportSources"},
    "ExportSources": {"Events", "Ledger", "LedgerStore", "Messaging", "Access", "RecordkeeperCore", "Exports"},
    "Transfers": {"Disposition", "Retention", "ExportSources", "Exports", "Events", "Ledger", "LedgerStore", "RecordkeeperCore"},
    "API": {"Deadlines", "Retention", "Disposition", "Requests", "Exports", "Messaging", "Inbox", "Access", "Classification", "Events", "Ledger", "LedgerStore", "RecordkeeperCore", "WhatsApp"},
    "Checkpoints": {"Ledger", "LedgerStore", "RecordkeeperCore", "Timestamping"},
    "Workers": {"Checkpoints", "Disposition", "Retention", "Inbox", "Messaging", "Access", "Classification", "Events", "WhatsApp", "LedgerStore", "RecordkeeperCore", "Requests", "WebhookRelay"},
    "RecordkeeperRuntime": {"Ledger", "LedgerStore", "SchemaMigrator", "RecordkeeperCore"},
    "Exports": {"Ledger", "Zstd", "RecordkeeperCore"},
    # The pages, split by job: the framework, three areas that import only it (never each
    # other), and `Web`, which lists their routes for `Server`.
    "WebFoundation": {"Access", "Classification", "Inbox", "Messaging", "Ledger", "LedgerStore", "RecordkeeperCore", "Requests", "Deadlines", "Retention", "Disposition"},
}
WEB_AREAS = {"WebTeamPages", "WebRecordsPages", "WebAdminPages"}
for area in WEB_AREAS:
    ALLOWED[area] = ALLOWED["WebFoundation"] | {"WebFoundation"}
# The relays page (administration) is the one page area that uses the relay.
ALLOWED["WebAdminPages"] = ALLOWED["WebAdminPages"] | {"WebhookRelay"}
ALLOWED["Web"] = ALLOWED["WebFoundation"] | {"WebFoundation"} | WEB_AREAS
WEB = {"Web", "WebFoundation"} | WEB_AREAS
# Server is HTTP only: the workers and checkpoint policy are composed by the executables.
ALLOWED["Server"] = set(ALLOWED) - {"Server", "Workers", "Checkpoints"}
# The records officer's CLI: what the executable may import, but not the HTTP layer.
ALLOWED["RetentionCommands"] = set(ALLOWED) - {"Server"} - WEB
ALLOWED["recordkeeper"] = set(ALLOWED) - {"recordkeeper"}
ALLOWED["recordkeeper-bench"] = set(ALLOWED) - {"recordkeeper-bench"}
DOMAIN = {"Ledger", "RecordkeeperCore", "KeyLookups", "LedgerStore", "SchemaMigrator", "WhatsApp", "Events", "Classification", "Access", "Messaging", "Inbox", "Retention", "Disposition", "Requests", "Zstd", "Timestamping", "Checkpoints", "Workers", "Exports", "Deadlines", "DemoData", "ExportSources", "Transfers", "WebhookRelay"}
HTTP_SERVING = re.compile(r"^Hummingbird")

root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
manifest = json.loads(subprocess.run(
    ["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True).stdout)
ours = {t["name"] for t in manifest["targets"]}
problems = []

for target in manifest["targets"]:
    name = target["name"]
    if name not in ALLOWED:
        continue
    declared = set()
    for dependency in target["dependencies"]:
        kind = next(iter(dependency))
        declared.add(dependency[kind][0])
    for dep in sorted(declared & ours - ALLOWED[name]):
        problems.append(f"Package.swift: {name} depends on {dep}, which the module map does not allow")
    path = os.path.join(root, target.get("path") or os.path.join("Sources", name))
    lines = 0
    for directory, _, files in os.walk(path):
        for file in sorted(files):
            if not file.endswith(".swift"):
                continue
            source = os.path.join(directory, file)
            relative = os.path.relpath(source, root)
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
            lines += text.count("\n")
            for match in re.finditer(r"^\s*(?:@\w+\s+)?(?:public |package |internal )?import (?:\w+ )?(\w+)", text, re.M):
                module = match.group(1)
                if module in ours and module != name:
                    if module not in ALLOWED[name]:
                        problems.append(f"{relative}: {name} imports {module}, which the module map does not allow")
                    elif module not in declared:
                        problems.append(f"{relative}: imports {module}, which {name} does not declare in Package.swift")
                if name in DOMAIN and HTTP_SERVING.match(module) and module != "HummingbirdBcrypt":
                    problems.append(f"{relative}: domain module {name} imports {module}")
                if name == "API" and HTTP_SERVING.match(module):
                    problems.append(f"{relative}: API imports {module}: the /v1 handlers stay free of the HTTP server (Server mounts them)")
    if lines > MAX_LINES:
        problems.append(f"{os.path.relpath(path, root)}: {name} has {lines} lines of Swift, more than {MAX_LINES}: split it by job")

if problems:
    print("check-modules: the module graph breaks the map (docs/architecture.md):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    sys.exit(1)
print(f"check-modules: {sum(1 for t in manifest['targets'] if t['name'] in ALLOWED)} modules follow the map")
