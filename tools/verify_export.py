#!/usr/bin/env python3
"""Standalone verifier of Recordkeeper export bundles (.tar.zst), written from
docs/export-format.md and docs/ledger-format.md alone.

Needs Python 3.9+, the `cryptography` package (Ed25519), and a zstd decompressor: the
`compression.zstd` module (Python 3.14), the `zstandard` package, or the `zstd` command.

    python3 verify_export.py [--json] [--key NAME+ID+BASE64 ...] BUNDLE.tar.zst

Exit status: 0 the bundle verifies, 1 it does not (each problem is named), 2 it could not run.
"""
import argparse
import base64
import hashlib
import json
import re
import shutil
import struct
import subprocess
import sys
import uuid

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # pragma: no cover
    print("verify_export.py: the 'cryptography' package is required "
          "(pip install cryptography, or apt-get install python3-cryptography)", file=sys.stderr)
    sys.exit(2)

FORMAT = "recordkeeper-export"
FORMAT_VERSION = 1
CHUNK = 1 << 20


class Unreadable(Exception):
    """The bundle is not a complete zstd-compressed ustar archive (section 2)."""


class CannotRun(Exception):
    """No zstd decompressor is available."""


# --- Reading: zstd, then ustar (section 2) -------------------------------------------------------

def decompressed_chunks(path):
    """Yields the decompressed bytes of the file in pieces."""
    try:
        from compression import zstd as stdzstd  # Python 3.14
        decompressor = stdzstd.ZstdDecompressor
    except ImportError:
        decompressor = None
    if decompressor is None:
        try:
            import zstandard
        except ImportError:
            zstandard = None
        if zstandard is not None:
            with open(path, "rb") as handle:
                reader = zstandard.ZstdDecompressor().stream_reader(handle, read_across_frames=True)
                try:
                    while True:
                        piece = reader.read(CHUNK)
                        if not piece:
                            return
                        yield piece
                except zstandard.ZstdError as error:
                    raise Unreadable(f"the bundle is not a complete zstd file ({error})")
            return
    tool = shutil.which("zstd")
    if tool is None:
        raise CannotRun("no zstd decompressor: install the zstd command, or `pip install zstandard`")
    process = subprocess.Popen([tool, "-d", "-c", "-q", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while True:
            piece = process.stdout.read(CHUNK)
            if not piece:
                break
            yield piece
    finally:
        process.stdout.close()
        error = process.stderr.read().decode("utf-8", "replace").strip()
        status = process.wait()
    if status != 0:
        raise Unreadable(f"the bundle is not a complete zstd file ({error or 'zstd exit ' + str(status)})")


def octal(field):
    digits = field.replace(b"\0", b"").replace(b" ", b"")
    if not digits:
        return 0
    if not re.fullmatch(rb"[0-7]+", digits):
        return None
    return int(digits, 8)


def read_members(path, begin, data, end):
    """Streams the archive: begin(path, size), data(piece)..., end() for each member."""
    buffer = bytearray()
    remaining = 0
    padding = 0
    in_member = False
    ended = False
    for piece in decompressed_chunks(path):
        view = memoryview(piece)
        offset = 0
        while offset < len(view) and not ended:
            if remaining > 0:
                take = min(remaining, len(view) - offset)
                data(view[offset:offset + take])
                remaining -= take
                offset += take
                if remaining == 0:
                    in_member = False
                    end()
            elif padding > 0:
                take = min(padding, len(view) - offset)
                padding -= take
                offset += take
            else:
                take = min(512 - len(buffer), len(view) - offset)
                buffer += view[offset:offset + take]
                offset += take
                if len(buffer) == 512:
                    block = bytes(buffer)
                    buffer.clear()
                    if block == b"\0" * 512:
                        ended = True
                        break
                    stored = octal(block[148:156])
                    if stored != sum(block[:148]) + 32 * 8 + sum(block[156:]):
                        raise Unreadable("a tar header is damaged (bad checksum)")
                    size = octal(block[124:136])
                    if size is None:
                        raise Unreadable("a tar header has a malformed size")
                    name = block[0:100].split(b"\0", 1)[0].decode("utf-8", "replace")
                    prefix = block[345:500].split(b"\0", 1)[0].decode("utf-8", "replace")
                    member = prefix + "/" + name if prefix else name
                    in_member = True
                    begin(member, size)
                    remaining = size
                    padding = (512 - size % 512) % 512
                    if size == 0:
                        in_member = False
                        end()
    if in_member or remaining or (buffer and not ended):
        raise Unreadable("the tar archive ends in the middle of a file")
    if not ended:
        raise Unreadable("the tar archive has no end-of-archive marker: it was cut off")


# --- Ledger format: entry hash, Merkle proofs, checkpoints (ledger-format.md) ----------------------

def u32(n):
    return struct.pack(">I", n)


def text(s):
    raw = s.encode("utf-8")
    return u32(len(raw)) + raw


def entry_hash(entry, prev_hash):
    """LF §4-5: SHA-256 over the entry encoding."""
    out = b"RK-LEDGER-ENTRY\x00" + struct.pack(">H", 1) + prev_hash
    out += text(entry["ledger"]) + struct.pack(">Q", entry["position"])
    out += uuid.UUID(entry["event_id"]).bytes
    out += text(entry["stream"]) + text(entry["event_type"])
    out += struct.pack(">q", entry["occurred_at_us"]) + struct.pack(">q", entry["recorded_at_us"])
    out += text(entry["actor"])
    dedupe = entry.get("dedupe_key")
    out += b"\x00" if dedupe is None else b"\x01" + text(dedupe)
    out += text(entry["header"]) + bytes.fromhex(entry["payload_commitment"])
    return hashlib.sha256(out).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf_hash, index, size, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size or len(proof) > 64:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def b64(s):
    return base64.b64decode(s.encode("ascii"), validate=True)


def is_hex(s, length=None):
    return isinstance(s, str) and re.fullmatch(r"[0-9a-fA-F]*", s) is not None and len(s) % 2 == 0 \
        and (length is None or len(s) == 2 * length)


def parse_note(note):
    """LF §12.3: (signed text, [(name, key id, signature)])."""
    if not note.endswith("\n"):
        raise ValueError("the note does not end with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError("there is no empty line before the signatures")
    body = note[:split] + "\n"
    signatures = []
    for line in note[split + 2:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise ValueError("a signature line does not start with an em dash and a space")
        fields = line[2:].split(" ")
        if len(fields) != 2 or not fields[0]:
            raise ValueError("a signature line is not '— NAME BASE64'")
        blob = b64(fields[1])
        if len(blob) <= 4:
            raise ValueError("a signature is too short")
        signatures.append((fields[0], blob[:4], blob[4:]))
    if not signatures:
        raise ValueError("the note has no signature")
    return body, signatures


def parse_checkpoint(body):
    """LF §12.2: (origin, tree size, root)."""
    if "\r" in body:
        raise ValueError("the checkpoint contains a carriage return")
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise ValueError("the checkpoint has fewer than three lines or an empty origin")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]) or int(lines[1]) >= 1 << 64:
        raise ValueError("the tree size is not a decimal without leading zeros")
    root = b64(lines[2])
    if len(root) != 32 or base64.b64encode(root).decode() != lines[2]:
        raise ValueError("the root is not the base64 of 32 bytes")
    seen = set()
    for line in lines[3:]:
        if not line:
            raise ValueError("the checkpoint has an empty line")
        for keyword in ("recordkeeper-chain-head ", "recordkeeper-created "):
            if line.startswith(keyword):
                value = line[len(keyword):]
                if keyword in seen:
                    raise ValueError(f"duplicated {keyword.strip()} line")
                seen.add(keyword)
                if keyword.startswith("recordkeeper-chain") and not is_hex(value, 32):
                    raise ValueError("bad recordkeeper-chain-head line")
                if keyword.startswith("recordkeeper-created") and not re.fullmatch(
                        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
                    raise ValueError("bad recordkeeper-created line")
    return lines[0], int(lines[1]), root


def key_id(name, public_key):
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()[:4]


def parse_key(line):
    """LF §12.4: (name, key id, public key)."""
    parts = line.strip().split("+", 2)
    if len(parts) != 3:
        raise ValueError("a verifier key is not NAME+KEYID+BASE64")
    name, id_hex, key_text = parts
    if not name or re.search(r"[\s+]", name):
        raise ValueError("a verifier key's name is empty or has a space")
    if not re.fullmatch(r"[0-9a-fA-F]{8}", id_hex):
        raise ValueError("a verifier key's ID is not 8 hex digits")
    blob = b64(key_text)
    if len(blob) != 33 or blob[0] != 1:
        raise ValueError("a verifier key is not 0x01 and a 32-byte Ed25519 key")
    if key_id(name, blob[1:]) != bytes.fromhex(id_hex):
        raise ValueError("a verifier key's ID does not match its key and name")
    return name, bytes.fromhex(id_hex), blob[1:]


def check_checkpoint(note, key_lines, ledger):
    """Section 6 step 4: (tree size, root) or raises ValueError saying why not."""
    body, signatures = parse_note(note)
    origin, size, root = parse_checkpoint(body)
    keys = [parse_key(line) for line in key_lines if line.strip()]
    if not keys:
        raise ValueError("no verifier key was given")
    trusted = False
    for name, kid, public in keys:
        for sig_name, sig_id, signature in signatures:
            if sig_name == name and sig_id == kid and len(signature) == 64:
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(signature, body.encode("utf-8"))
                    trusted = True
                except InvalidSignature:
                    pass
    if not trusted:
        raise ValueError("no signature on it verifies with the given key(s)")
    at = origin.rfind("/ledgers/")
    if at < 0 or origin[at + len("/ledgers/"):] != ledger:
        raise ValueError(f"its origin {origin} is not of ledger {ledger}")
    return size, root


def timestamp_text(us):
    """LF §4 text form of a microsecond time."""
    seconds, fraction = divmod(us, 1_000_000)
    days, second = divmod(seconds, 86_400)
    z = days + 719_468
    era = (z if z >= 0 else z - 146_096) // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    year_text = f"-{-year:04d}" if year < 0 else (f"+{year}" if year > 9999 else f"{year:04d}")
    return f"{year_text}-{month:02d}-{day:02d}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.{fraction:06d}Z"


def json_pointer(document, pointer):
    """RFC 6901; the string designated, or None."""
    try:
        current = json.loads(document.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if pointer:
        if not pointer.startswith("/"):
            return None
        for raw in pointer[1:].split("/"):
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(current, dict) and token in current:
                current = current[token]
            elif isinstance(current, list) and re.fullmatch(r"0|[1-9][0-9]*", token) and int(token) < len(current):
                current = current[int(token)]
            else:
                return None
    return current if isinstance(current, str) else None


# --- The manifest's shape (section 5) -------------------------------------------------------------

def is_int(value, minimum=None):
    return isinstance(value, int) and not isinstance(value, bool) and (minimum is None or value >= minimum)


def is_str(value):
    return isinstance(value, str)


def manifest_shape_ok(m):
    if not isinstance(m, dict) or not all(is_str(m.get(k)) for k in ("format", "ledger")) or not is_int(m.get("format_version")):
        return False
    c = m.get("checkpoint")
    if not isinstance(c, dict) or not is_str(c.get("file")) or not is_str(c.get("keys_file")) \
            or not is_int(c.get("tree_size"), 0) or not is_str(c.get("root_hash")):
        return False
    files = m.get("files")
    if not isinstance(files, list) or not all(
            isinstance(f, dict) and is_str(f.get("path")) and is_int(f.get("size"), 0) and is_str(f.get("sha256")) for f in files):
        return False
    messages = m.get("messages")
    if not isinstance(messages, list):
        return False
    for message in messages:
        if not isinstance(message, dict):
            return False
        if not all(is_str(message.get(k)) for k in ("record_id", "conversation", "state", "entry_hash")):
            return False
        if not is_int(message.get("position")) or not is_int(message.get("leaf_index"), 0):
            return False
        proof = message.get("proof")
        if not isinstance(proof, list) or not all(is_str(p) for p in proof):
            return False
        for key in ("payload_file", "salt", "text_pointer"):
            if message.get(key) is not None and not is_str(message[key]):
                return False
        if message.get("payload_size") is not None and not is_int(message["payload_size"], 0):
            return False
        entry = message.get("entry")
        if not isinstance(entry, dict):
            return False
        if not all(is_str(entry.get(k)) for k in
                   ("ledger", "event_id", "stream", "event_type", "actor", "header", "payload_commitment", "prev_hash")):
            return False
        if not all(is_int(entry.get(k)) for k in ("position", "occurred_at_us", "recorded_at_us")):
            return False
        if entry.get("dedupe_key") is not None and not is_str(entry["dedupe_key"]):
            return False
    if m.get("transfer") is not None and not transfer_shape_ok(m["transfer"]):
        return False
    return True


def transfer_shape_ok(t):
    """The `transfer` member of a transfer package (section 5.1): its required members and types."""
    if not isinstance(t, dict) or not all(is_str(t.get(k)) for k in
                                          ("list", "agency", "archives", "listed_at", "produced_at", "transmittal_letter")):
        return False
    if not is_int(t.get("record_count")):
        return False
    series, records, approvals, dates = t.get("series"), t.get("records"), t.get("approvals"), t.get("date_range")
    if not isinstance(series, dict) or not all(is_str(series.get(k)) for k in
                                               ("citation", "dan", "title", "designation", "office", "retention", "trigger", "final_action")):
        return False
    if not is_int(series.get("revision")) or not isinstance(series.get("essential"), bool):
        return False
    if not isinstance(records, list) or not all(isinstance(r, dict) and is_str(r.get("stream")) and is_str(r.get("month")) for r in records):
        return False
    if not isinstance(approvals, list) or not all(isinstance(a, dict) and is_str(a.get("by")) and is_str(a.get("at")) for a in approvals):
        return False
    if not isinstance(dates, dict) or not all(dates.get(k) is None or is_str(dates[k]) for k in ("from", "to")):
        return False
    return True


def check_transfer(manifest, problem):
    """Section 6, step 8: a transfer package releases every message in full, each of a record its
    `transfer` member lists, and `record_count` is the number of records, each listed once."""
    transfer = manifest.get("transfer")
    if transfer is None:
        return
    ids = [f"{r['stream']}@{r['month']}" for r in transfer["records"]]
    records = set(ids)
    if len(records) != len(ids) or transfer["record_count"] != len(ids):
        problem("transfer_mismatch", "manifest.json",
                "the transfer member's record_count is not the number of its records, or a record is listed twice")
    for message in manifest["messages"]:
        subject = f"position {message['position']}"
        if message["state"] != "released":
            problem("transfer_mismatch", subject, f"a transfer package releases every message in full, but this one is {message['state']}")
        if message["record_id"] not in records:
            problem("transfer_mismatch", subject, f"its record {message['record_id']} is not among the records the transfer member lists")


# --- Verification (section 6) ----------------------------------------------------------------------

def verify(path, trusted_keys=None):
    report = {"ok": False, "released": 0, "redacted": 0, "withheld": 0, "files": 0, "ledger": None,
              "checkpoint_size": None, "problems": []}

    def problem(code, subject, message):
        report["problems"].append({"code": code, "subject": subject, "message": message})

    # 1-2: the manifest (pass 1).
    state = {"current": None, "buffer": None, "manifest": None}

    def begin1(name, size):
        state["current"] = name
        state["buffer"] = bytearray() if name == "manifest.json" else None

    def data1(piece):
        if state["buffer"] is not None:
            state["buffer"] += piece

    def end1():
        if state["current"] == "manifest.json":
            state["manifest"] = bytes(state["buffer"])

    try:
        read_members(path, begin1, data1, end1)
    except Unreadable as error:
        problem("bundle_unreadable", "bundle", f"{error}; it cannot be verified: obtain the bundle again")
        return report
    if state["manifest"] is None:
        problem("manifest_missing", "manifest.json", "the bundle has no manifest.json: nothing in it can be checked")
        return report
    try:
        manifest = json.loads(state["manifest"].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if manifest is None or not manifest_shape_ok(manifest):
        problem("manifest_malformed", "manifest.json", "manifest.json is not a valid export manifest")
        return report
    if manifest["format"] != FORMAT or manifest["format_version"] != FORMAT_VERSION:
        problem("manifest_malformed", "manifest.json",
                f"manifest.json is format {manifest['format']} version {manifest['format_version']}; this verifier reads {FORMAT} {FORMAT_VERSION}")
        return report
    report["ledger"] = manifest["ledger"]
    report["checkpoint_size"] = manifest["checkpoint"]["tree_size"]
    if manifest.get("transfer") is not None:
        report["transfer_list"] = manifest["transfer"]["list"]

    files = {f["path"]: f for f in manifest["files"]}
    by_payload = {m["payload_file"]: m for m in manifest["messages"] if m.get("payload_file") is not None}
    seen_files, seen_payloads = set(), set()
    payload_texts = {}  # position -> text or None, for payloads that matched their commitment and have a pointer
    lines, line_order = {}, []
    kept = {}
    cur = {}

    def consume_line(raw):
        if not raw:
            return
        try:
            line = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            line = None
        if not isinstance(line, dict) or not all(is_str(line.get(k)) for k in ("record_id", "conversation", "state", "time")) \
                or not is_int(line.get("position")) or not (line.get("text") is None or is_str(line.get("text"))):
            problem("messages_jsonl_malformed", "messages.jsonl", "a line of messages.jsonl is not a message object: the file was altered")
            return
        if line["position"] in lines:
            problem("message_duplicated", f"position {line['position']}", f"messages.jsonl lists position {line['position']} twice")
        lines[line["position"]] = line
        line_order.append(line["position"])

    def begin2(name, size):
        report["files"] += 1
        cur.clear()
        cur.update(name=name, size=size, sha=hashlib.sha256(), keep=None, lines=None, commit=None)
        if name in ("checkpoint.txt", "checkpoint.pub"):
            cur["keep"] = bytearray()
        if name == "messages.jsonl":
            cur["lines"] = bytearray()
        if name in by_payload:
            message = by_payload[name]
            salt = message.get("salt") or ""
            cur["commit"] = hashlib.sha256(bytes.fromhex(salt) if is_hex(salt) else b"")
            if message.get("text_pointer") is not None:
                cur["keep"] = bytearray()

    def data2(piece):
        cur["sha"].update(piece)
        if cur["commit"] is not None:
            cur["commit"].update(piece)
        if cur["keep"] is not None:
            cur["keep"] += piece
        if cur["lines"] is not None:
            buffer = cur["lines"]
            buffer += piece
            while True:
                at = buffer.find(b"\n")
                if at < 0:
                    break
                consume_line(bytes(buffer[:at]))
                del buffer[:at + 1]

    def end2():
        name = cur["name"]
        if name == "messages.jsonl" and cur["lines"]:
            consume_line(bytes(cur["lines"]))
        if name in ("checkpoint.txt", "checkpoint.pub"):
            kept[name] = bytes(cur["keep"]).decode("utf-8", "replace")
        if name == "manifest.json":
            return
        if name in by_payload:
            message = by_payload[name]
            seen_payloads.add(name)
            if cur["commit"].hexdigest() != message["entry"]["payload_commitment"].lower():
                problem("payload_commitment_mismatch", f"position {message['position']}",
                        f"the released payload {name} and its salt do not give the entry's commitment: the payload was altered")
            elif message.get("text_pointer") is not None:
                payload_texts[message["position"]] = json_pointer(bytes(cur["keep"]), message["text_pointer"])
            return
        record = files.get(name)
        if record is None:
            problem("file_extra", name, f"{name} is in the bundle but not in manifest.json: it was added after the export")
            return
        if name in seen_files:
            problem("file_duplicated", name, f"{name} appears twice in the bundle")
        seen_files.add(name)
        if record["size"] != cur["size"] or record["sha256"].lower() != cur["sha"].hexdigest():
            problem("file_changed", name, f"{name} differs from what manifest.json records (size or SHA-256): it was altered")

    try:
        read_members(path, begin2, data2, end2)
    except Unreadable as error:
        problem("bundle_unreadable", "bundle", str(error))
        return report

    # 3: files missing.
    for record in manifest["files"]:
        if record["path"] not in seen_files:
            problem("file_missing", record["path"], f"{record['path']} is listed in manifest.json but is not in the bundle")

    # 4: the checkpoint.
    root = None
    if "checkpoint.txt" in kept:
        key_lines = trusted_keys if trusted_keys is not None else kept.get("checkpoint.pub", "").split("\n")
        try:
            size, root = check_checkpoint(kept["checkpoint.txt"], key_lines, manifest["ledger"])
            if size != manifest["checkpoint"]["tree_size"] or root.hex() != manifest["checkpoint"]["root_hash"].lower():
                problem("checkpoint_mismatch", "checkpoint.txt", "manifest.json names another tree size or root than the signed checkpoint")
        except (ValueError, UnicodeError) as error:
            root = None
            problem("checkpoint_invalid", "checkpoint.txt", f"the checkpoint cannot be trusted: {error}")
    else:
        problem("checkpoint_invalid", "checkpoint.txt", "the bundle has no checkpoint.txt: no message can be proven")

    # 5 and 7: every message.
    positions = set()
    tree_size = manifest["checkpoint"]["tree_size"]
    for message in manifest["messages"]:
        position = message["position"]
        subject = f"position {position}"
        if position in positions:
            problem("message_duplicated", subject, f"manifest.json lists position {position} twice")
        positions.add(position)
        if message["state"] in ("released", "redacted", "withheld"):
            report[message["state"]] += 1
        else:
            problem("manifest_malformed", subject, f"its state {message['state']} is not released, redacted or withheld")
        check_entry(message, manifest["ledger"], root, tree_size, seen_payloads, problem)
        check_line(message, lines.get(position), payload_texts, problem)
    for position in line_order:
        if position not in positions:
            problem("message_not_in_manifest", f"position {position}",
                    f"messages.jsonl has a message at position {position} that manifest.json does not prove")
    check_transfer(manifest, problem)
    report["ok"] = not report["problems"]
    return report


def check_entry(message, ledger, root, tree_size, seen_payloads, problem):
    subject = f"position {message['position']}"
    entry = message["entry"]
    try:
        uuid.UUID(entry["event_id"])
        valid_uuid = re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", entry["event_id"])
    except ValueError:
        valid_uuid = None
    if not valid_uuid or not is_hex(entry["payload_commitment"], 32) or not is_hex(entry["prev_hash"], 32) \
            or entry["position"] != message["position"] or entry["ledger"] != ledger or message["position"] < 1 \
            or message["leaf_index"] != message["position"] - 1:
        problem("manifest_malformed", subject, "its entry fields are malformed or name another ledger or position")
        return
    computed = entry_hash(entry, bytes.fromhex(entry["prev_hash"]))
    if computed.hex() != message["entry_hash"].lower():
        problem("entry_hash_mismatch", subject, "its entry fields do not hash to the entry hash the manifest records: they were altered")
    if root is not None:
        proof = message["proof"]
        well_formed = all(is_hex(p, 32) for p in proof)
        leaf = hashlib.sha256(b"\x00" + computed).digest()
        if not well_formed or not verify_inclusion(leaf, message["leaf_index"], tree_size, [bytes.fromhex(p) for p in proof], root):
            problem("proof_invalid", subject, "its entry and inclusion proof do not give the signed checkpoint's root")
    if message["state"] == "released":
        if message.get("payload_file") is not None:
            if message["payload_file"] not in seen_payloads:
                problem("payload_missing", subject, f"its released payload {message['payload_file']} is not in the bundle")
        else:
            problem("manifest_malformed", subject, "it is released but names no payload file")
        if not is_hex(message.get("salt"), 32):
            problem("manifest_malformed", subject, "it is released but its salt is not 32 bytes of hex")
    elif message.get("payload_file") is not None or message.get("salt") is not None:
        problem("manifest_malformed", subject, f"it is {message['state']} but the manifest carries its payload or salt")


def check_line(message, line, payload_texts, problem):
    position = message["position"]
    subject = f"position {position}"
    if line is None:
        problem("message_missing", subject, f"manifest.json proves a message at position {position} that messages.jsonl leaves out")
        return
    time = timestamp_text(message["entry"]["occurred_at_us"])
    if line["record_id"] != message["record_id"] or line["conversation"] != message["conversation"] \
            or line["state"] != message["state"] or line["time"] != time:
        problem("message_mismatch", subject, "messages.jsonl and manifest.json disagree on its record id, conversation, state or time")
    if message["state"] == "withheld" and line.get("text") is not None:
        problem("message_mismatch", subject, "it is withheld but messages.jsonl shows a text")
    if message["state"] == "released" and position in payload_texts:
        expected = payload_texts[position]
        if expected is None or expected != line.get("text"):
            problem("text_mismatch", subject, "its text in messages.jsonl is not the text of its released payload: the text was altered")


def main():
    parser = argparse.ArgumentParser(description="Verify a Recordkeeper export bundle offline (docs/export-format.md).")
    parser.add_argument("bundle")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--key", action="append", help="a verifier key you trust (NAME+KEYID+BASE64); repeatable")
    args = parser.parse_args()
    try:
        report = verify(args.bundle, args.key)
    except (CannotRun, OSError) as error:
        print(f"verify_export.py: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        counts = f"{report['released']} released, {report['redacted']} redacted, {report['withheld']} withheld; {report['files']} files"
        if report["ok"]:
            print(f"OK: {counts}; every file, entry, proof and released payload checks against the checkpoint")
        else:
            print(f"FAILED: {len(report['problems'])} problem(s) ({counts})")
            for p in report["problems"]:
                print(f"  {p['code']} ({p['subject']}): {p['message']}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
