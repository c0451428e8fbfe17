#!/usr/bin/env python3
"""Generate docs/test-vectors.json for Recordkeeper ledger format v1.

This is an independent implementation of docs/ledger-format.md. It shares no code with the
Swift implementation in Sources/Ledger; the Swift test suite (Tests/LedgerTests) reproduces
every vector this script writes, so the two implementations check each other. It also holds a
small reference verifier (verify_ledger, section 10.2 of the document) that it runs on the chained
vectors, intact and tampered, before writing anything.

Requirements: Python 3.9 or later and the `cryptography` package (for AES-256-GCM).
Every input is fixed: the output is byte-identical on every run.

Usage:
    python3 tools/gen_test_vectors.py            write docs/test-vectors.json
    python3 tools/gen_test_vectors.py --check    exit 1 if the file on disk differs
    python3 tools/gen_test_vectors.py --explain first-entry
                                                 print one vector's encoding field by field
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import json
import re
import struct
import sys
import unicodedata
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

# ---------------------------------------------------------------------------------------------
# Format v1, as specified in docs/ledger-format.md
# ---------------------------------------------------------------------------------------------

ENTRY_DOMAIN = b"RK-LEDGER-ENTRY\x00"
FORMAT_VERSION = 1
PAYLOAD_AD_DOMAIN = b"RK-PAYLOAD-V1\x00"
DATA_KEY_AD_DOMAIN = b"RK-DATA-KEY-V1\x00"
MASTER_KEY_ID_DOMAIN = b"RK-MASTER-KEY-ID\x00"
GENESIS = bytes(32)
SALT_LENGTH = 32
NONCE_LENGTH = 12
TAG_LENGTH = 16

LIMITS = {  # maximum UTF-8 byte lengths
    "ledger": 63,
    "stream": 512,
    "event_type": 128,
    "actor": 256,
    "dedupe_key": 512,
    "header": 8192,
}
LEDGER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def u8(n: int) -> bytes:
    return struct.pack(">B", n)


def u16(n: int) -> bytes:
    return struct.pack(">H", n)


def u32(n: int) -> bytes:
    return struct.pack(">I", n)


def u64(n: int) -> bytes:
    return struct.pack(">Q", n)


def i64(n: int) -> bytes:
    return struct.pack(">q", n)


def string(text: str) -> bytes:
    """str = u32 byte length, then the UTF-8 bytes exactly as given (no normalisation)."""
    raw = text.encode("utf-8")  # raises on lone surrogates: such text is not valid
    return u32(len(raw)) + raw


def uuid_bytes(text: str) -> bytes:
    """The 16 bytes in the order the textual form writes them (RFC 9562 network order)."""
    return uuid.UUID(text).bytes


def validate_entry(e: dict) -> None:
    """The limits a writer enforces; vectors must be valid entries."""
    assert LEDGER_NAME.fullmatch(e["ledger"]), e["ledger"]
    assert 1 <= e["position"] <= I64_MAX, e["position"]
    for key in ("occurred_at_us", "recorded_at_us"):
        assert I64_MIN <= e[key] <= I64_MAX
    for key in ("stream", "event_type", "actor"):
        assert 1 <= len(e[key].encode("utf-8")) <= LIMITS[key], key
    if e["dedupe_key"] is not None:
        assert 1 <= len(e["dedupe_key"].encode("utf-8")) <= LIMITS["dedupe_key"]
    assert len(e["header"].encode("utf-8")) <= LIMITS["header"]
    # The service additionally requires the header to be a JSON object.
    assert isinstance(json.loads(e["header"]), dict)


def commitment(salt: bytes, payload: bytes) -> bytes:
    """payload commitment = SHA-256(salt || payload)."""
    assert len(salt) == SALT_LENGTH
    return sha256(salt + payload)


def encoding_parts(e: dict, prev_hash: bytes, payload_commitment: bytes) -> list[tuple[str, bytes]]:
    """The entry encoding, field by field, in order."""
    parts = [
        ("domain", ENTRY_DOMAIN),
        ("version", u16(FORMAT_VERSION)),
        ("prev_hash", prev_hash),
        ("ledger", string(e["ledger"])),
        ("position", u64(e["position"])),
        ("event_id", uuid_bytes(e["event_id"])),
        ("stream", string(e["stream"])),
        ("event_type", string(e["event_type"])),
        ("occurred_at_us", i64(e["occurred_at_us"])),
        ("recorded_at_us", i64(e["recorded_at_us"])),
        ("actor", string(e["actor"])),
    ]
    if e["dedupe_key"] is None:
        parts.append(("dedupe_key_present", u8(0)))
    else:
        parts.append(("dedupe_key_present", u8(1)))
        parts.append(("dedupe_key", string(e["dedupe_key"])))
    parts.append(("header", string(e["header"])))
    parts.append(("payload_commitment", payload_commitment))
    return parts


def merkle_leaf_hash(entry_hash: bytes) -> bytes:
    """RFC 9162 leaf hash of an entry: SHA-256(0x00 || entry hash)."""
    return sha256(b"\x00" + entry_hash)


def payload_associated_data(ledger: str, event_id: str) -> bytes:
    return PAYLOAD_AD_DOMAIN + string(ledger) + uuid_bytes(event_id)


def data_key_associated_data(ledger: str, stream: str, period: str) -> bytes:
    return DATA_KEY_AD_DOMAIN + string(ledger) + string(stream) + string(period)


def seal_payload(data_key: bytes, nonce: bytes, ledger: str, event_id: str, salt: bytes, payload: bytes) -> bytes:
    """sealed = nonce (12) || AES-256-GCM ciphertext of (salt || payload) || tag (16)."""
    assert len(data_key) == 32 and len(nonce) == NONCE_LENGTH and len(salt) == SALT_LENGTH
    return nonce + AESGCM(data_key).encrypt(nonce, salt + payload, payload_associated_data(ledger, event_id))


def open_payload(data_key: bytes, sealed: bytes, ledger: str, event_id: str) -> tuple[bytes, bytes]:
    plain = AESGCM(data_key).decrypt(sealed[:NONCE_LENGTH], sealed[NONCE_LENGTH:], payload_associated_data(ledger, event_id))
    assert len(plain) >= SALT_LENGTH
    return plain[:SALT_LENGTH], plain[SALT_LENGTH:]


def wrap_data_key(master: bytes, nonce: bytes, scope: dict, data_key: bytes) -> bytes:
    """wrapped = nonce (12) || AES-256-GCM ciphertext of the 32-byte data key || tag (16)."""
    assert len(master) == 32 and len(data_key) == 32 and len(nonce) == NONCE_LENGTH
    ad = data_key_associated_data(scope["ledger"], scope["stream"], scope["period"])
    return nonce + AESGCM(master).encrypt(nonce, data_key, ad)


def unwrap_data_key(master: bytes, wrapped: bytes, scope: dict) -> bytes:
    ad = data_key_associated_data(scope["ledger"], scope["stream"], scope["period"])
    key = AESGCM(master).decrypt(wrapped[:NONCE_LENGTH], wrapped[NONCE_LENGTH:], ad)
    assert len(key) == 32
    return key


def master_key_id(master: bytes) -> str:
    return sha256(MASTER_KEY_ID_DOMAIN + master).hex()[:16]


def verify_ledger(ledger: str, rows: list[dict], head: tuple[int, bytes]) -> tuple[int, str] | None:
    """Verification as in section 10.2, over rows already in position order.

    Each row: the entry fields (as in encoding_parts), "prev_hash" and "entry_hash" (bytes), and
    "evidence": ("opened", salt, payload) | ("not_checked",) | ("destroyed", authorised_by,
    authorising_type, authorising_header, data_key_id) | ("missing",) | ("unreadable",).
    Returns (position, code) of the first failure, or None.
    """
    expected, prev = 1, GENESIS
    for r in rows:
        if r["position"] > expected:
            return expected, "missing_entry"
        if r["position"] < expected:
            return r["position"], "unexpected_position"
        if r["ledger"] != ledger:
            return r["position"], "wrong_ledger"
        if r["prev_hash"] != prev:
            return r["position"], "broken_link"
        parts = encoding_parts(r, prev, r["payload_commitment"])
        if sha256(b"".join(v for _, v in parts)) != r["entry_hash"]:
            return r["position"], "entry_hash_mismatch"
        kind = r["evidence"][0]
        if kind == "opened":
            _, salt, payload = r["evidence"]
            if len(salt) != SALT_LENGTH or sha256(salt + payload) != r["payload_commitment"]:
                return r["position"], "payload_commitment_mismatch"
        elif kind == "destroyed":
            _, by, auth_type, auth_header, key_id = r["evidence"]
            try:
                ids = json.loads(auth_header).get("data_key_ids")
            except (ValueError, AttributeError):
                ids = None
            authorised = (
                by > r["position"]
                and auth_type == "record.destroyed"
                and isinstance(ids, list)
                and any(type(i) in (int, float) and i == key_id for i in ids)
            )
            if not authorised:
                return r["position"], "payload_missing"
        elif kind == "missing":
            return r["position"], "payload_missing"
        elif kind == "unreadable":
            return r["position"], "payload_unreadable"
        prev = r["entry_hash"]
        expected += 1
    last = expected - 1
    if head[0] > last:
        return last + 1, "missing_entry"
    if head[0] < last:
        return head[0] + 1, "entries_beyond_head"
    if head[1] != prev:
        return head[0], "head_hash_mismatch"
    return None


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def utc(us: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=us)


def civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count since 1970-01-01, proleptic Gregorian calendar
    (Howard Hinnant's days-to-civil algorithm; floor division throughout)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (1 if month <= 2 else 0), month, day


def rfc3339(us: int) -> str:
    """The text form of a timestamp (ledger-format.md section 4, "Text form of timestamps"):
    YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC, proleptic Gregorian, exactly six fractional digits.
    Years outside 0000-9999 (not RFC 3339) are written -YYYY (before year 0) or +YYYYY (after 9999)."""
    seconds, fraction = divmod(us, 1_000_000)     # floor: the fraction is never negative
    days, second_of_day = divmod(seconds, 86_400)
    year, month, day = civil_from_days(days)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    if year < 0:
        year_text = "-%04d" % -year
    elif year > 9999:
        year_text = "+%d" % year
    else:
        year_text = "%04d" % year
    text = "%s-%02d-%02dT%02d:%02d:%02d.%06dZ" % (year_text, month, day, hour, minute, second, fraction)
    if 1 <= year <= 9999:  # cross-check with Python's own (proleptic Gregorian) calendar
        t = utc(us)
        assert text == t.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + ".%06dZ" % t.microsecond, text
    return text


def period(us: int) -> str:
    """The data key period: the UTC calendar month of occurred-at, YYYY-MM."""
    t = utc(us)
    return "%04d-%02d" % (t.year, t.month)


def micros(text: str) -> int:
    """Microseconds since the epoch for an RFC 3339 UTC time with six fractional digits."""
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    delta = t - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


# ---------------------------------------------------------------------------------------------
# Fixed inputs. Salts, nonces and keys are derived from labels so that they are fixed yet
# distinct; the derivation is a convenience of this script, not part of the format.
# ---------------------------------------------------------------------------------------------


def fixed(label: str, length: int = 32) -> bytes:
    return sha256(b"recordkeeper test vector: " + label.encode("utf-8"))[:length]


def generated_payload(pattern: bytes, length: int) -> bytes:
    """The pattern repeated and truncated to `length` bytes."""
    count = -(-length // len(pattern))
    return (pattern * count)[:length]


def payload_bytes(spec: dict | None) -> bytes | None:
    if spec is None:
        return None
    if "utf8" in spec:
        return spec["utf8"].encode("utf-8")
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    gen = spec["generator"]
    return generated_payload(bytes.fromhex(gen["pattern_hex"]), gen["length"])


MAIN = "agency-main"
WA_STREAM = "whatsapp:+15551234567/+5511987654321"
STREAM_NFC = unicodedata.normalize("NFC", "conversa\u00e7\u00e3o/Jos\u00e9 Concei\u00e7\u00e3o")
STREAM_NFD = unicodedata.normalize("NFD", STREAM_NFC)
assert STREAM_NFC != STREAM_NFD


def header(obj: dict) -> str:
    """Headers are stored and hashed as text; this script writes them compactly."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def padded_header(size: int, fill: str) -> str:
    """A JSON object header of exactly `size` UTF-8 bytes."""
    base = '{"retention":"GS2-011","padding":""}'
    room = size - len(base.encode("utf-8"))
    unit = len(fill.encode("utf-8"))
    count, rest = divmod(room, unit)
    text = '{"retention":"GS2-011","padding":"' + fill * count + "x" * rest + '"}'
    assert len(text.encode("utf-8")) == size
    return text


BIG_PATTERN = bytes.fromhex("00ff10ef20df30cf40bf50af609f708f") + "Recordkeeper ✓ ".encode("utf-8")
BIG_LENGTH = 3 * 1024 * 1024

# The chain on ledger agency-main: positions 1..6, each vector linked to the one before.
CHAIN = [
    dict(
        name="first-entry",
        description="Position 1 of a ledger: prev_hash is the genesis value (32 zero bytes). "
        "An inbound WhatsApp message 'yes' with a dedupe key.",
        ledger=MAIN,
        position=1,
        event_id="0195a1c4-8f2e-7b3a-9c41-5d6e7f808192",
        stream=WA_STREAM,
        event_type="whatsapp.message.received",
        occurred_at="2025-03-14T09:26:53.589793Z",
        recorded_at="2025-03-14T09:26:53.870123Z",
        actor="whatsapp",
        dedupe_key="wamid.HBgLMTU1NTEyMzQ1NjcA",
        header=header({"direction": "inbound", "kind": "text"}),
        payload={"utf8": "yes"},
    ),
    dict(
        name="second-entry",
        description="Position 2, chained to first-entry (prev_hash = first-entry's entry_hash). No dedupe key; JSON payload.",
        ledger=MAIN,
        position=2,
        event_id="0195a1c4-9a11-7c02-8d33-0123456789ab",
        stream=WA_STREAM,
        event_type="whatsapp.status.updated",
        occurred_at="2025-03-14T09:26:54.000000Z",
        recorded_at="2025-03-14T09:26:54.412000Z",
        actor="whatsapp",
        dedupe_key=None,
        header=header({"message_id": "wamid.HBgLMTU1NTEyMzQ1NjcA", "status": "read"}),
        payload={"utf8": '{"status":"read","timestamp":"1741944414","recipient_id":"15551234567"}'},
    ),
    dict(
        name="unicode-emoji",
        description="Non-ASCII and emoji (including a ZWJ sequence and a skin-tone modifier) in stream, actor and header; "
        "lengths count UTF-8 bytes, not characters.",
        ledger=MAIN,
        position=3,
        event_id="0195a1c5-0000-7000-8000-00000000000c",
        stream="équipe-🛂/dossier-Ünïcödé-👩🏽‍⚖️",
        event_type="note.added",
        occurred_at="2025-03-14T10:00:00.000001Z",
        recorded_at="2025-03-14T10:00:00.250000Z",
        actor="Zoë Ångström 👩‍💼",
        dedupe_key=None,
        header=header({"author": "Zoë Ångström 👩‍💼", "visibility": "team", "tag": "🔒 confidential"}),
        payload={"utf8": "Called back; citizen confirmed 👍 — will send the form."},
    ),
    dict(
        name="empty-payload",
        description="An empty payload: the commitment is SHA-256 of the 32-byte salt alone.",
        ledger=MAIN,
        position=4,
        event_id="0195a1c5-1111-7111-8111-111111111111",
        stream=WA_STREAM,
        event_type="conversation.closed",
        occurred_at="2025-03-31T23:59:59.999999Z",
        recorded_at="2025-04-01T00:00:00.000000Z",
        actor="staff:maria.lopez",
        dedupe_key=None,
        header=header({"reason": "resolved"}),
        payload={"hex": ""},
    ),
    dict(
        name="payload-destroyed",
        description="An entry whose payload (and salt) were lawfully destroyed: only the commitment is known. "
        "The entry hash is still verifiable from the fields and the commitment.",
        ledger=MAIN,
        position=5,
        event_id="0195a1c6-2222-7222-8222-222222222222",
        stream="whatsapp:+15551234567/+5511900000001",
        event_type="whatsapp.message.received",
        occurred_at="2023-01-05T14:03:11.000123Z",
        recorded_at="2023-01-05T14:03:11.204000Z",
        actor="whatsapp",
        dedupe_key="wamid.HBgLNTUxMTkwMDAwMDAxFQIAEhgUM0VCMDZGRkYzMDc4QjE1MkE4NDcA",
        header=header({"direction": "inbound", "kind": "text", "retention": "GS2-011"}),
        payload=None,
        # SHA-256(salt || payload) of a payload that no longer exists; given as an input.
        payload_commitment=fixed("destroyed payload commitment").hex(),
    ),
    dict(
        name="record-destroyed",
        description="The record.destroyed event that authorises destroying data key 17 (the key of payload-destroyed's "
        "stream and month), as a destruction run writes it: data_key_ids, the number of records, the approved "
        "disposition list, the series (citation, DAN, revision), the approval entries and the method.",
        ledger=MAIN,
        position=6,
        event_id="0195a1c7-3333-7333-8333-333333333333",
        stream="retention/destruction",
        event_type="record.destroyed",
        occurred_at="2025-04-02T08:00:00.000000Z",
        recorded_at="2025-04-02T08:00:00.031337Z",
        actor="cli:records.officer",
        dedupe_key=None,
        header=header({"v": 1, "data_key_ids": [17], "records": 1, "list": "DL-20250402-3f9a1c2b", "series": "GS2010-001",
                       "dan": "GS2010-001", "revision": 0, "approvals": [3], "method": "crypto-shred"}),
        payload={"utf8": '{"approvers":["cli:records.officer"],"list":"DL-20250402-3f9a1c2b",'
                 '"records":["whatsapp:+15551234567/+5511900000001@2023-01"],"series":"GS2010-001"}'},
    ),
]

# Stand-alone vectors: each names its own prev_hash.
SINGLES = [
    dict(
        name="destruction-halted",
        description="A retention.destruction.halted event: the records of the record.destroyed at position 6 whose "
        "data key 18 was not destroyed when the run resumed, because hold H-2 placed in between covers them.",
        ledger=MAIN,
        position=9,
        event_id="0195a1c9-5555-7555-8555-555555555555",
        stream="retention/destruction",
        event_type="retention.destruction.halted",
        occurred_at="2025-04-02T09:00:00.000000Z",
        recorded_at="2025-04-02T09:00:00.000100Z",
        actor="cli:records.officer",
        dedupe_key="retention:halted:6",
        header=header({"v": 1, "authorisation": 6, "data_key_ids": [18], "holds": ["H-2"]}),
        payload={"utf8": '{"authorisation":6,"data_key_ids":[18],"holds":["H-2"],"v":1}'},
    ),
    dict(
        name="large-payload-3mib",
        description="A 3 MiB payload, not inlined: pattern_hex repeated and truncated to length bytes.",
        ledger="agency-media",
        position=42,
        event_id="0195a1c8-4444-7444-8444-444444444444",
        stream=WA_STREAM,
        event_type="whatsapp.message.received",
        occurred_at="2025-03-14T11:11:11.111111Z",
        recorded_at="2025-03-14T11:11:12.000000Z",
        actor="whatsapp",
        dedupe_key="wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQ2MEI0QUYyQkQ3NTVEM0E4MjFBNAA=",
        header=header({"direction": "inbound", "kind": "document", "mime_type": "application/pdf", "bytes": BIG_LENGTH}),
        payload={"generator": {"pattern_hex": BIG_PATTERN.hex(), "length": BIG_LENGTH}},
    ),
    dict(
        name="position-2^53+1",
        description="Position 9007199254740993 (2^53+1), which a binary64 double cannot represent: use 64-bit integers.",
        ledger="agency-main",
        position=2**53 + 1,
        event_id="ffffffff-ffff-4fff-bfff-fffffffffffe",
        stream="system",
        event_type="access.viewed",
        occurred_at="2030-12-31T23:59:59.999999Z",
        recorded_at="2031-01-01T00:00:00.000001Z",
        actor="staff:auditor",
        dedupe_key=None,
        header=header({"viewed": "inbox"}),
        payload={"utf8": "{}"},
    ),
    dict(
        name="position-2^63-1",
        description="The largest position, 9223372036854775807 (2^63-1); positions are signed 64-bit in PostgreSQL and "
        "encoded as u64.",
        ledger="agency-main",
        position=2**63 - 1,
        event_id="00000000-0000-0000-0000-000000000000",
        stream="system",
        event_type="access.exported",
        occurred_at="2031-01-01T00:00:00.000000Z",
        recorded_at="2031-01-01T00:00:00.000000Z",
        actor="system",
        dedupe_key=None,
        header="{}",
        payload={"utf8": "last"},
    ),
    dict(
        name="stream-arabic",
        description="An Arabic (right-to-left) stream name and header value; bytes are hashed in logical order as stored.",
        ledger="agency-dubai",
        position=7,
        event_id="0195a1c9-5555-7555-8555-555555555555",
        stream="محادثة/+971501234567",
        event_type="whatsapp.message.received",
        occurred_at="2025-02-28T20:15:00.000000Z",
        recorded_at="2025-02-28T20:15:00.500000Z",
        actor="whatsapp",
        dedupe_key="wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUNDdBRkM0RjNBMTcyQjNFMTUzN0YA",
        header=header({"direction": "inbound", "subject": "طلب سجلات عامة"}),
        payload={"utf8": "مرحبا، أريد نسخة من ملفي"},
    ),
    dict(
        name="stream-cjk",
        description="A CJK stream name (Japanese) and a Chinese actor.",
        ledger="agency-tokyo",
        position=8,
        event_id="0195a1ca-6666-7666-8666-666666666666",
        stream="会話/顧客-山田太郎",
        event_type="conversation.assigned",
        occurred_at="2025-05-01T00:00:00.000000Z",
        recorded_at="2025-05-01T00:00:00.000000Z",
        actor="职员:王小明",
        dedupe_key=None,
        header=header({"team": "窓口", "assignee": "职员:王小明"}),
        payload={"utf8": "担当者を割り当てました"},
    ),
    dict(
        name="stream-nfc",
        description="Stream with precomposed characters (NFC: U+00E7, U+00E3, U+00E9). Compare stream-nfd: same text "
        "to a reader, different bytes, different hash. Implementations must not normalise.",
        ledger=MAIN,
        position=9,
        event_id="0195a1cb-7777-7777-8777-777777777777",
        stream=STREAM_NFC,
        event_type="whatsapp.message.received",
        occurred_at="2025-06-10T12:00:00.000000Z",
        recorded_at="2025-06-10T12:00:00.100000Z",
        actor="whatsapp",
        dedupe_key=None,
        header=header({"direction": "inbound"}),
        payload={"utf8": "Olá"},
    ),
    dict(
        name="stream-nfd",
        description="stream-nfc's stream in decomposed form (NFD: c + U+0327, a + U+0303, e + U+0301). Every other "
        "input (prev_hash, salt and payload included) equals stream-nfc; the hashes differ.",
        ledger=MAIN,
        position=9,
        event_id="0195a1cb-7777-7777-8777-777777777777",
        stream=STREAM_NFD,
        event_type="whatsapp.message.received",
        occurred_at="2025-06-10T12:00:00.000000Z",
        recorded_at="2025-06-10T12:00:00.100000Z",
        actor="whatsapp",
        dedupe_key=None,
        header=header({"direction": "inbound"}),
        payload={"utf8": "Olá"},
        salt_label="stream-nfc",
        prev_hash_label="stream-nfc",
    ),
    dict(
        name="dedupe-key-present",
        description="A dedupe key is present: byte 0x01, then str(dedupe_key). Compare dedupe-key-absent.",
        ledger=MAIN,
        position=10,
        event_id="0195a1cc-8888-7888-8888-888888888888",
        stream=WA_STREAM,
        event_type="message.send.requested",
        occurred_at="2025-03-20T16:45:00.000000Z",
        recorded_at="2025-03-20T16:45:00.000500Z",
        actor="staff:maria.lopez",
        dedupe_key="client-request-7f3a",
        header=header({"direction": "outbound", "kind": "template"}),
        payload={"utf8": '{"template":"case_update","lang":"en_US"}'},
    ),
    dict(
        name="dedupe-key-absent",
        description="No dedupe key: the single byte 0x00 and nothing else. Every other input (prev_hash, salt and payload "
        "included) equals dedupe-key-present. "
        "An empty dedupe key is not allowed (use absent instead), so 0x01 00000000 never occurs.",
        ledger=MAIN,
        position=10,
        event_id="0195a1cc-8888-7888-8888-888888888888",
        stream=WA_STREAM,
        event_type="message.send.requested",
        occurred_at="2025-03-20T16:45:00.000000Z",
        recorded_at="2025-03-20T16:45:00.000500Z",
        actor="staff:maria.lopez",
        dedupe_key=None,
        header=header({"direction": "outbound", "kind": "template"}),
        payload={"utf8": '{"template":"case_update","lang":"en_US"}'},
        salt_label="dedupe-key-present",
        prev_hash_label="dedupe-key-present",
    ),
    dict(
        name="occurred-before-1970",
        description="occurred_at before the Unix epoch (a record imported from 1969): a negative i64 in two's complement.",
        ledger="agency-archive",
        position=11,
        event_id="0195a1cd-9999-7999-8999-999999999999",
        stream="archive/apollo-11",
        event_type="note.added",
        occurred_at="1969-07-20T20:17:40.123456Z",
        recorded_at="2025-03-14T12:00:00.000000Z",
        actor="staff:archivist",
        dedupe_key=None,
        header=header({"source": "paper file 1969/07", "retention": "PERMANENT"}),
        payload={"utf8": "The Eagle has landed."},
    ),
    dict(
        name="occurred-last-microsecond-of-1969",
        description="occurred_at = -1 (1969-12-31T23:59:59.999999Z, data key period 1969-12) and recorded_at = 0 "
        "(the epoch itself).",
        ledger="agency-archive",
        position=12,
        event_id="0195a1ce-aaaa-7aaa-8aaa-aaaaaaaaaaaa",
        stream="archive/new-year",
        event_type="note.added",
        occurred_at="1969-12-31T23:59:59.999999Z",
        recorded_at="1970-01-01T00:00:00.000000Z",
        actor="system",
        dedupe_key=None,
        header="{}",
        payload={"utf8": "."},
    ),
    dict(
        name="binary-payload",
        description="A payload that is not UTF-8 text: payloads are opaque bytes, committed and sealed exactly as given.",
        ledger=MAIN,
        position=13,
        event_id="0195a1cf-bbbb-7bbb-8bbb-bbbbbbbbbbbb",
        stream=WA_STREAM,
        event_type="whatsapp.message.received",
        occurred_at="2025-03-15T07:30:00.000000Z",
        recorded_at="2025-03-15T07:30:00.750000Z",
        actor="whatsapp",
        dedupe_key="wamid.binary.0001",
        header=header({"direction": "inbound", "kind": "image", "mime_type": "image/jpeg"}),
        payload={"hex": "ffd8ffe000104a46494600010100000100010000fffe0000c0ffee00ff"},
    ),
    dict(
        name="max-size-header",
        description="A header of exactly 8192 UTF-8 bytes, the largest allowed.",
        ledger=MAIN,
        position=14,
        event_id="0195a1d0-cccc-7ccc-8ccc-cccccccccccc",
        stream=WA_STREAM,
        event_type="record.classified",
        occurred_at="2025-03-16T09:00:00.000000Z",
        recorded_at="2025-03-16T09:00:00.000000Z",
        actor="staff:records.officer",
        dedupe_key=None,
        header=padded_header(8192, "ab"),
        payload={"utf8": "classified"},
    ),
    dict(
        name="all-fields-at-limits",
        description="Every variable-length field at its byte limit, with multi-byte characters: ledger 63, stream 512 "
        "(256 x U+03A9), event_type 128, actor 256 (85 x U+20AC + 'a'), dedupe_key 512 (128 x U+1F4E8), header 8192.",
        ledger="a" + "0123456789._-" * 4 + "abcdefghij",
        position=15,
        event_id="0195a1d1-dddd-7ddd-8ddd-dddddddddddd",
        stream="Ω" * 256,
        event_type="x." + "e" * 126,
        occurred_at="2025-03-17T10:00:00.000000Z",
        recorded_at="2025-03-17T10:00:00.000001Z",
        actor="€" * 85 + "a",
        dedupe_key="📨" * 128,
        header=padded_header(8192, "é"),
        payload={"utf8": "limits"},
    ),
]

# Inputs that a writer must reject (the format never contains them).
REJECTIONS = [
    dict(field="ledger", value="", reason="invalid_ledger_name", note="empty"),
    dict(field="ledger", value="Agency-Main", reason="invalid_ledger_name", note="upper case"),
    dict(field="ledger", value="-agency", reason="invalid_ledger_name", note="must start with a letter or digit"),
    dict(field="ledger", value="agency main", reason="invalid_ledger_name", note="space"),
    dict(field="ledger", value_repeat={"text": "a", "count": 64}, reason="invalid_ledger_name", note="64 bytes"),
    dict(field="stream", value="", reason="empty"),
    dict(field="stream", value_repeat={"text": "Ω", "count": 257}, reason="too_long", note="514 bytes"),
    dict(field="event_type", value="", reason="empty"),
    dict(field="event_type", value_repeat={"text": "e", "count": 129}, reason="too_long"),
    dict(field="actor", value="", reason="empty"),
    dict(field="actor", value_repeat={"text": "€", "count": 86}, reason="too_long", note="258 bytes, 86 characters"),
    dict(field="dedupe_key", value="", reason="empty", note="an absent dedupe key is encoded as 0x00; empty is not allowed"),
    dict(field="dedupe_key", value_repeat={"text": "📨", "count": 129}, reason="too_long"),
    dict(field="header", value_repeat={"text": "a", "count": 8193}, reason="too_long"),
]

MASTER_1 = bytes(range(32))
MASTER_2 = fixed("master key 2")

# Text form of timestamps (section 4): microseconds -> the exact text. The text is never hashed
# (entries hash the integer); these pin the form that tools print, including the calendar
# (proleptic Gregorian: no Julian dates before 1582) and floor division below 1970.
TIMESTAMPS = [
    ("epoch", 0, "The Unix epoch."),
    ("one-microsecond", 1, "Six fractional digits always, leading zeros kept."),
    ("last-microsecond-of-1969", -1, "Negative: seconds and fraction are floored, the fraction is never negative."),
    ("one-second-before-epoch", -1_000_000, "A whole negative second: fraction .000000."),
    ("one-second-and-one-microsecond-before-epoch", -1_000_001, "Floor, not truncation towards zero."),
    ("whole-second", 1_741_944_413_000_000, "Fraction zero is still written as .000000."),
    ("first-entry-occurred", 1_741_944_413_589_793, "Vector first-entry's occurred_at."),
    ("leap-day-2000", 951_782_400_000_000, "2000 is a leap year (divisible by 400)."),
    ("end-of-february-2100", 4_107_542_399_999_999, "2100 is not a leap year (divisible by 100, not by 400)."),
    ("before-gregorian-reform", -12_219_336_000_000_000, "1582-10-14 exists in the proleptic Gregorian calendar; a "
     "hybrid Julian/Gregorian calendar (the default of some date libraries) has no such day."),
    ("year-0001", -62_135_596_800_000_000, "The first instant of year 1."),
    ("year-0000", -62_167_219_200_000_000, "Year 0 (1 BC in ISO 8601 numbering), four digits."),
    ("before-year-0000", -62_167_219_200_000_001, "Before year 0: not RFC 3339; written with a minus sign."),
    ("last-microsecond-of-9999", 253_402_300_799_999_999, "The last instant RFC 3339 can write."),
    ("year-10000", 253_402_300_800_000_000, "After 9999: not RFC 3339; written with a plus sign."),
    ("i64-max", I64_MAX, "The largest i64 (2^63-1 microseconds)."),
    ("i64-min", I64_MIN, "The smallest i64 (-2^63 microseconds)."),
]


WRAPPED = [
    dict(
        name="wrap-main-2025-03",
        description="The data key of the first-entry stream in March 2025 under master key 1 (bytes 00..1f).",
        master=MASTER_1,
        scope={"ledger": MAIN, "stream": WA_STREAM, "period": "2025-03"},
    ),
    dict(
        name="wrap-main-1969-12",
        description="A data key for a period before 1970, under master key 2.",
        master=MASTER_2,
        scope={"ledger": MAIN, "stream": WA_STREAM, "period": "1969-12"},
    ),
    dict(
        name="wrap-nfd-stream",
        description="A scope with the NFD stream of stream-nfd: the associated data holds the decomposed bytes.",
        master=MASTER_1,
        scope={"ledger": MAIN, "stream": STREAM_NFD, "period": "2025-06"},
    ),
]

SEALED = [
    dict(
        name="seal-first-entry",
        description="first-entry's payload 'yes' with first-entry's salt: opening it and hashing salt || payload "
        "gives first-entry's payload_commitment.",
        data_key_from="wrap-main-2025-03",
        entry="first-entry",
    ),
    dict(
        name="seal-empty-payload",
        description="empty-payload's payload: the plaintext is the salt alone (32 bytes).",
        data_key_from="wrap-main-2025-03",
        entry="empty-payload",
    ),
    dict(
        name="seal-binary-payload",
        description="A binary payload sealed under the 1969-12 data key.",
        data_key_from="wrap-main-1969-12",
        entry=None,
        ledger=MAIN,
        event_id="0195a1d2-eeee-7eee-8eee-eeeeeeeeeeee",
        payload={"hex": "00010203fffefdfc80818283"},
    ),
    dict(
        name="seal-stream-nfd",
        description="stream-nfd's payload, sealed under the NFD stream's data key.",
        data_key_from="wrap-nfd-stream",
        entry="stream-nfd",
    ),
]


# ---------------------------------------------------------------------------------------------
# Building the file
# ---------------------------------------------------------------------------------------------


def build_entry(spec: dict, prev_hash: bytes) -> tuple[dict, bytes]:
    e = dict(spec)
    e["occurred_at_us"] = micros(spec["occurred_at"])
    e["recorded_at_us"] = micros(spec["recorded_at"])
    assert rfc3339(e["occurred_at_us"]) == spec["occurred_at"]
    validate_entry(e)
    inputs = {
        "ledger": e["ledger"],
        "position": str(e["position"]),
        "prev_hash": prev_hash.hex(),
        "event_id": e["event_id"],
        "stream": e["stream"],
        "event_type": e["event_type"],
        "occurred_at_us": str(e["occurred_at_us"]),
        "recorded_at_us": str(e["recorded_at_us"]),
        "actor": e["actor"],
        "dedupe_key": e["dedupe_key"],
        "header": e["header"],
    }
    payload = payload_bytes(spec["payload"])
    if payload is None:
        salt = None
        pc = bytes.fromhex(spec["payload_commitment"])
        inputs["salt"] = None
        inputs["payload"] = None
        inputs["payload_commitment"] = pc.hex()
    else:
        salt = fixed("salt " + spec.get("salt_label", spec["name"]))
        pc = commitment(salt, payload)
        inputs["salt"] = salt.hex()
        p = dict(spec["payload"])
        if "generator" in p:
            p["sha256"] = sha256(payload).hex()
        inputs["payload"] = p
    parts = encoding_parts(e, prev_hash, pc)
    encoding = b"".join(v for _, v in parts)
    entry_hash = sha256(encoding)
    expected = {
        "payload_commitment": pc.hex(),
        "encoding": encoding.hex(),
        "encoding_length": len(encoding),
        "entry_hash": entry_hash.hex(),
        "merkle_leaf_hash": merkle_leaf_hash(entry_hash).hex(),
        "occurred_at": rfc3339(e["occurred_at_us"]),
        "recorded_at": rfc3339(e["recorded_at_us"]),
        "data_key_period": period(e["occurred_at_us"]),
        "encoding_parts": [[k, v.hex()] for k, v in parts],
    }
    vector = {"name": spec["name"], "description": spec["description"], "inputs": inputs, "expected": expected}
    return vector, entry_hash


def self_check_chain(chain: list[tuple[dict, dict]]) -> None:
    """Verifies the chain vectors with verify_ledger, intact and tampered (section 10.4)."""
    destroyer = next(v for s, v in chain if s["event_type"] == "record.destroyed")
    rows = []
    for spec, vector in chain:
        inputs = vector["inputs"]
        row = {
            "ledger": spec["ledger"], "position": spec["position"], "event_id": spec["event_id"],
            "stream": spec["stream"], "event_type": spec["event_type"],
            "occurred_at_us": int(inputs["occurred_at_us"]), "recorded_at_us": int(inputs["recorded_at_us"]),
            "actor": spec["actor"], "dedupe_key": spec["dedupe_key"], "header": spec["header"],
            "payload_commitment": bytes.fromhex(vector["expected"]["payload_commitment"]),
            "prev_hash": bytes.fromhex(inputs["prev_hash"]), "entry_hash": bytes.fromhex(vector["expected"]["entry_hash"]),
        }
        if inputs["salt"] is None:
            row["evidence"] = ("destroyed", int(destroyer["inputs"]["position"]), "record.destroyed", destroyer["inputs"]["header"], 17)
        else:
            row["evidence"] = ("opened", bytes.fromhex(inputs["salt"]), payload_bytes(spec["payload"]))
        rows.append(row)
    head = (rows[-1]["position"], rows[-1]["entry_hash"])
    assert verify_ledger(MAIN, rows, head) is None

    def tampered(change) -> tuple[int, str] | None:
        copy = [dict(r) for r in rows]
        new_head = change(copy) or head
        return verify_ledger(MAIN, copy, new_head)

    assert tampered(lambda r: r[2].update(actor="mallory")) == (3, "entry_hash_mismatch")
    assert tampered(lambda r: r.pop(3) and None) == (4, "missing_entry")
    assert tampered(lambda r: r.pop() and None) == (6, "missing_entry")
    assert tampered(lambda r: r[1].update(evidence=("missing",))) == (2, "payload_missing")
    assert tampered(lambda r: r[4].update(evidence=("destroyed", 6, "record.destroyed", "{}", 17))) == (5, "payload_missing")
    assert tampered(lambda r: r[4].update(evidence=("destroyed", 6, "record.destroyed", '{"data_key_ids":[18]}', 17))) == (5, "payload_missing")
    assert tampered(lambda r: r[4].update(evidence=("destroyed", 5, "record.destroyed", '{"data_key_ids":[17]}', 17))) == (5, "payload_missing")
    assert tampered(lambda r: r[0].update(evidence=("opened", bytes(32), b"yes"))) == (1, "payload_commitment_mismatch")
    assert tampered(lambda r: (5, r[4]["entry_hash"])) == (6, "entries_beyond_head")
    assert tampered(lambda r: (6, r[4]["entry_hash"])) == (6, "head_hash_mismatch")


# --- Merkle tree, checkpoints and proofs (sections 11-13) -------------------------------------

def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH over leaf hashes, recursively."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def inclusion_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def consistency_path(m: int, leaves: list[bytes], b: bool = True) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return consistency_path(m, leaves[:k], b) + [mth(leaves[k:])]
    return consistency_path(m - k, leaves[k:], False) + [mth(leaves[:k])]


def note_key_id(name: str, public_key: bytes) -> bytes:
    return sha256(name.encode() + b"\n" + b"\x01" + public_key)[:4]


def checkpoint_vectors(chain_hashes: list[bytes]) -> dict:
    seed = fixed("checkpoint signing key")
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    log_name = "records.example.wa.gov"
    origin = f"{log_name}/ledgers/{MAIN}"
    key_id = note_key_id(origin, public)
    leaves = [merkle_leaf_hash(h) for h in chain_hashes]
    items = []
    for size in range(len(chain_hashes) + 1):
        created = 1764088800 + 60 * size
        root = mth(leaves[:size])
        head = chain_hashes[size - 1] if size else GENESIS
        body = (f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
                f"recordkeeper-chain-head {head.hex()}\n"
                f"recordkeeper-created {datetime.datetime.fromtimestamp(created, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
        signature = private.sign(body.encode())
        note = body + "\n" + "\u2014 " + origin + " " + base64.b64encode(key_id + signature).decode() + "\n"
        items.append({
            "tree_size": size,
            "created_at": created,
            "expected": {
                "root_hash": root.hex(),
                "root_hash_base64": base64.b64encode(root).decode(),
                "chain_head": head.hex(),
                "body": body,
                "signature": signature.hex(),
                "note": note,
            },
        })
    inclusion = []
    for size in range(1, len(leaves) + 1):
        for index in range(size):
            inclusion.append({"position": index + 1, "tree_size": size,
                              "proof": [h.hex() for h in inclusion_path(index, leaves[:size])]})
    consistency = []
    for new in range(len(leaves) + 1):
        for old in range(new + 1):
            proof = [] if old in (0, new) else consistency_path(old, leaves[:new])
            consistency.append({"from_size": old, "to_size": new, "proof": [h.hex() for h in proof]})
    return {
        "description": "Checkpoints of the agency-main chain (entries with \"chain\": \"agency-main\") at every size, "
                       "signed with a fixed Ed25519 key; RFC 9162 proofs over the same leaves.",
        "ledger": MAIN,
        "log_name": log_name,
        "origin": origin,
        "signing_key_seed": seed.hex(),
        "public_key": public.hex(),
        "key_id": key_id.hex(),
        "verifier_key": origin + "+" + key_id.hex() + "+" + base64.b64encode(b"\x01" + public).decode(),
        "checkpoints": items,
        "inclusion_proofs": inclusion,
        "consistency_proofs": consistency,
    }


def build() -> dict:
    entries = []
    by_name = {}
    prev = GENESIS
    for spec in CHAIN:
        vector, prev = build_entry(spec, prev)
        vector["chain"] = MAIN
        entries.append(vector)
        by_name[spec["name"]] = (spec, vector)
    for spec in SINGLES:
        prev_hash = fixed("prev_hash " + spec.get("prev_hash_label", spec["name"]))
        vector, _ = build_entry(spec, prev_hash)
        entries.append(vector)
        by_name[spec["name"]] = (spec, vector)

    self_check_chain([by_name[spec["name"]] for spec in CHAIN])
    chain_hashes = [bytes.fromhex(by_name[spec["name"]][1]["expected"]["entry_hash"]) for spec in CHAIN]

    wrapped = []
    data_keys = {}
    for spec in WRAPPED:
        data_key = fixed("data key " + spec["name"])
        nonce = fixed("nonce " + spec["name"], NONCE_LENGTH)
        w = wrap_data_key(spec["master"], nonce, spec["scope"], data_key)
        assert unwrap_data_key(spec["master"], w, spec["scope"]) == data_key
        data_keys[spec["name"]] = data_key
        s = spec["scope"]
        wrapped.append({
            "name": spec["name"],
            "description": spec["description"],
            "inputs": {
                "master_key": spec["master"].hex(),
                "master_key_base64": base64.b64encode(spec["master"]).decode("ascii"),
                "scope": dict(s),
                "nonce": nonce.hex(),
                "data_key": data_key.hex(),
            },
            "expected": {
                "master_key_id": master_key_id(spec["master"]),
                "associated_data": data_key_associated_data(s["ledger"], s["stream"], s["period"]).hex(),
                "wrapped": w.hex(),
            },
        })

    sealed = []
    for spec in SEALED:
        data_key = data_keys[spec["data_key_from"]]
        nonce = fixed("nonce " + spec["name"], NONCE_LENGTH)
        if spec["entry"] is not None:
            entry_spec, entry_vector = by_name[spec["entry"]]
            ledger = entry_spec["ledger"]
            event_id = entry_spec["event_id"]
            payload_spec = entry_spec["payload"]
            salt = bytes.fromhex(entry_vector["inputs"]["salt"])
        else:
            ledger = spec["ledger"]
            event_id = spec["event_id"]
            payload_spec = spec["payload"]
            salt = fixed("salt " + spec["name"])
        payload = payload_bytes(payload_spec)
        box = seal_payload(data_key, nonce, ledger, event_id, salt, payload)
        assert open_payload(data_key, box, ledger, event_id) == (salt, payload)
        pc = commitment(salt, payload)
        if spec["entry"] is not None:
            assert pc.hex() == by_name[spec["entry"]][1]["expected"]["payload_commitment"]
        sealed.append({
            "name": spec["name"],
            "description": spec["description"],
            "inputs": {
                "data_key": data_key.hex(),
                "data_key_from": spec["data_key_from"],
                "ledger": ledger,
                "event_id": event_id,
                "nonce": nonce.hex(),
                "salt": salt.hex(),
                "payload": dict(payload_spec),
            },
            "expected": {
                "associated_data": payload_associated_data(ledger, event_id).hex(),
                "sealed": box.hex(),
                "payload_commitment": pc.hex(),
            },
        })
        if spec["entry"] is not None:
            sealed[-1]["entry"] = spec["entry"]

    rejections = []
    for r in REJECTIONS:
        item = {"field": r["field"]}
        if "value" in r:
            item["value"] = r["value"]
        else:
            item["value_repeat"] = r["value_repeat"]
        item["reason"] = r["reason"]
        if "note" in r:
            item["note"] = r["note"]
        rejections.append(item)

    timestamps = []
    for name, us, description in TIMESTAMPS:
        text = rfc3339(us)
        if 1 <= int(text[:4] if text[0].isdigit() else "0") <= 9999:
            assert micros(text) == us, name
        timestamps.append({"name": name, "description": description,
                           "microseconds": str(us), "text": text})

    return {
        "format": "recordkeeper-ledger",
        "version": FORMAT_VERSION,
        "specification": "docs/ledger-format.md",
        "generator": "tools/gen_test_vectors.py",
        "conventions": [
            "Byte strings are lower-case hexadecimal.",
            "64-bit integers (position, occurred_at_us, recorded_at_us) are decimal strings: many JSON parsers lose precision above 2^53.",
            "Text is JSON text; non-ASCII characters are \\u escapes so no tool can re-normalise them. Hash the UTF-8 bytes of the decoded string exactly.",
            "payload: {\"utf8\": text} | {\"hex\": bytes} | {\"generator\": {\"pattern_hex\", \"length\"}, \"sha256\"}: pattern repeated and truncated to length bytes; null when destroyed.",
            "A null salt and payload with an inputs.payload_commitment means the payload was destroyed: verify the entry from its fields and commitment only.",
            "entries with \"chain\" form one ledger in position order: each prev_hash is the entry_hash of the entry before, the first is the genesis value.",
            "Salts, nonces and keys are fixed values chosen for these vectors; real ones are random.",
        ],
        "genesis": GENESIS.hex(),
        "entries": entries,
        "wrapped_data_keys": wrapped,
        "sealed_payloads": sealed,
        "rejections": rejections,
        "timestamps": timestamps,
        "checkpoints": checkpoint_vectors(chain_hashes),
    }


def render(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def explain(doc: dict, name: str) -> str:
    for v in doc["entries"]:
        if v["name"] == name:
            lines = ["| field | bytes | hex |", "| --- | ---: | --- |"]
            text_fields = {"ledger", "stream", "event_type", "actor", "dedupe_key", "header"}
            for field, hexed in v["expected"]["encoding_parts"]:
                if field in text_fields:
                    value = bytes.fromhex(hexed[8:]).decode("utf-8")
                    lines.append(f"| {field} (u32 length) | 4 | `{hexed[:8]}` = {int(hexed[:8], 16)} |")
                    lines.append(f"| {field} (UTF-8) | {len(hexed) // 2 - 4} | `{hexed[8:]}` = `{value}` |")
                else:
                    lines.append(f"| {field} | {len(hexed) // 2} | `{hexed}` |")
            lines.append("")
            lines.append(f"encoding_length = {v['expected']['encoding_length']}")
            lines.append(f"entry_hash = {v['expected']['entry_hash']}")
            lines.append(f"payload_commitment = {v['expected']['payload_commitment']}")
            lines.append(f"merkle_leaf_hash = {v['expected']['merkle_leaf_hash']}")
            return "\n".join(lines)
    raise SystemExit(f"no entry vector named {name!r}")


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=root / "docs" / "test-vectors.json")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    parser.add_argument("--explain", metavar="NAME", help="print one entry vector's encoding as a table")
    args = parser.parse_args()
    doc = build()
    if args.explain:
        print(explain(doc, args.explain))
        return 0
    text = render(doc)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run tools/gen_test_vectors.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({len(doc['entries'])} entry vectors)")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.output}: {len(doc['entries'])} entry vectors, {len(doc['wrapped_data_keys'])} wrapped data keys, "
        f"{len(doc['sealed_payloads'])} sealed payloads, {len(doc['rejections'])} rejections, "
        f"{len(doc['timestamps'])} timestamps"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
