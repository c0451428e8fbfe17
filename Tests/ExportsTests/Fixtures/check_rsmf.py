#!/usr/bin/env python3
"""Checks an .rsmf file: an RFC 5322 message with X-RSMF-Version and exactly one attachment,
rsmf.zip (CRCs checked), whose rsmf_manifest.json validates against the RSMF 2.0 JSON Schema
(draft-07, relativitydev/rsmf-validator-samples), plus the referential rules the schema text
states: participants, conversations, custodians and attachment files exist.

Usage: check_rsmf.py FILE.rsmf SCHEMA.json   (needs the `jsonschema` package)
Prints a JSON summary; exit 0 valid, 1 invalid, 2 could not run.
"""
import email
import email.policy
import io
import json
import sys
import zipfile

try:
    import jsonschema
except ImportError:
    print("check_rsmf.py: the jsonschema package is required", file=sys.stderr)
    sys.exit(2)


def main():
    path, schema_path = sys.argv[1], sys.argv[2]
    problems = []
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    if message["X-RSMF-Version"] != "2.0.0":
        problems.append(f"X-RSMF-Version is {message['X-RSMF-Version']!r}")
    attachments = [part for part in message.iter_attachments() if part.get_content_disposition() == "attachment"]
    if len(attachments) != 1 or attachments[0].get_filename() != "rsmf.zip":
        problems.append(f"expected exactly one attachment rsmf.zip, found {[a.get_filename() for a in attachments]}")
        print(json.dumps({"valid": False, "problems": problems}))
        return 1
    archive = zipfile.ZipFile(io.BytesIO(attachments[0].get_content()))
    bad = archive.testzip()
    if bad is not None:
        problems.append(f"bad CRC in {bad}")
    names = set(archive.namelist())
    manifest = json.loads(archive.read("rsmf_manifest.json"))
    validator = jsonschema.Draft7Validator(json.load(open(schema_path)), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    for error in validator.iter_errors(manifest):
        problems.append(f"schema: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    participants = {p["id"] for p in manifest.get("participants", [])}
    conversations = {c["id"]: c for c in manifest.get("conversations", [])}
    for conversation in conversations.values():
        for pid in conversation.get("participants", []) + ([conversation["custodian"]] if "custodian" in conversation else []):
            if pid not in participants:
                problems.append(f"conversation {conversation['id']} names unknown participant {pid}")
        if "custodian" in conversation and conversation["custodian"] not in conversation["participants"]:
            problems.append(f"conversation {conversation['id']}: custodian is not a participant")
    for event in manifest.get("events", []):
        if event.get("conversation") not in conversations:
            problems.append(f"event {event.get('id')} names unknown conversation")
        if "participant" in event and event["participant"] not in participants:
            problems.append(f"event {event.get('id')} names unknown participant")
        for attachment in event.get("attachments", []):
            if attachment["id"] not in names:
                problems.append(f"event {event.get('id')}: attachment {attachment['id']} is not in rsmf.zip")
            elif archive.getinfo(attachment["id"]).file_size != attachment.get("size"):
                problems.append(f"event {event.get('id')}: attachment {attachment['id']} size differs")
    summary = {
        "valid": not problems, "problems": problems, "events": len(manifest.get("events", [])),
        "event_count_header": message["X-RSMF-EventCount"], "files": sorted(names),
        "bodies": [event.get("body") for event in manifest.get("events", [])],
    }
    print(json.dumps(summary))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
