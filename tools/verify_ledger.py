#!/usr/bin/env python3
"""Independent verifier for a Recordkeeper ledger (format v1).

Written from ``docs/ledger-format.md`` alone: it shares no code with the Swift
implementation or with ``tools/gen_test_vectors.py``.  Section numbers (§) below
refer to that document.

What it checks, for one ledger:

* the hash chain, exactly as the algorithm of §10.2 (same failure codes and
  positions; the first failure wins), streaming the entries in stored order;
* with a master key (§8), every stored payload: unwrap its data key, open the
  sealed payload (§7) and compare ``SHA-256(salt ‖ payload)`` with the
  commitment (§6); a missing payload must be authorised by a destruction (§9);
* stored Merkle nodes (§11.1), when a ``merkle_nodes`` export is available:
  every stored node must be the hash the entries give, and every complete
  perfect subtree of level 4 or more must be stored;
* the RFC 9162 Merkle root (§11) of the whole ledger and of every checkpoint
  size, with the compact range (O(log n) memory);
* each signed checkpoint (§12.6): signature by a trusted key, origin, size,
  root and chain head.  Checkpoint files (``--checkpoint``) are checked first,
  in the order given; with ``--stored-checkpoints`` the checkpoints stored in
  the database follow, in ``id`` order.  A stored checkpoint is trusted only if
  it verifies with a key given on the command line (``--public-key``,
  ``--public-key-file``): the database's own ``signing_keys`` are never used.

What is reported (§12.6): the first chain failure (§10.2) if any; else the
first finding (``head_missing``, ``payload_key_unavailable``, ``orphan_payload``:
§10.2 notes and step 8); else the first failing checkpoint, in the order above;
else the first stored Merkle node that is wrong (``tree_node_mismatch``).
Every finding is listed.  Memory (§10 "Memory"): constant for the chain, plus
the ``(event_type, header)`` of every authorising entry of a destruction, the
ledger's data keys (with a master key) and the orphan payload positions.

Input is either a PostgreSQL database (``--database URL``; the tool runs
``psql`` itself and exports the tables inside one read-only REPEATABLE READ
transaction, as §15 shows) or a directory of CSV files exported as §15 shows
(``--export-dir DIR``).  The files of ledger ``L`` are named as in §15:

=============================  ==================================================
``L-ledger.csv``               id, name (optional: without it, a ledger with no
                               head row and no entries cannot be told from no
                               ledger at all)
``L-entries.csv``              ledger, position, event_id, stream, event_type,
                               occurred_at_us, recorded_at_us, actor, dedupe_key,
                               header, payload_commitment, prev_hash, entry_hash
``L-head.csv``                 ledger, position, head_hash
``L-destructions.csv``         position, data_key_id, authorised_by_position
``L-data-keys.csv``            id, stream, period, master_key_id, wrapped_key,
                               destroyed_by_position
``L-payloads.csv``             position, data_key_id, sealed
``L-merkle-nodes.csv``         last_position, level, hash, ordered by
                               last_position then level (optional: an export
                               of a schema older than version 3 has none)
``L-checkpoints.csv``          id, tree_size, note (read only with
                               ``--stored-checkpoints``)
``L-signing-keys.csv``         id, public_key, master_key_id (optional: a
                               master key that wraps a signing key is confirmed
                               as the right one even if it wraps none of the
                               ledger's data keys; the public keys are never
                               trusted)
=============================  ==================================================

Byte columns are hex, CSV with a header line, UTF-8.  The entries file is read
in stored order (as §10.4 expects for a tampered export); the payloads,
destructions and merkle-nodes files must be in the ``ORDER BY`` order of §15.

Exit status: 0 everything verifies, 1 tampering or a failed check, 2 could not
run (bad arguments, unreadable or malformed files, psql failure, wrong master
key).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import csv
import dataclasses
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

try:
    from cryptography.exceptions import InvalidSignature, InvalidTag
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:  # pragma: no cover - reported at run time
    print("verify_ledger.py: the 'cryptography' package is required "
          "(pip install cryptography, or apt-get install python3-cryptography)",
          file=sys.stderr)
    sys.exit(2)

# ---------------------------------------------------------------------------
# Constants of the format
# ---------------------------------------------------------------------------

GENESIS = bytes(32)                                   # §2
ENTRY_DOMAIN = b"RK-LEDGER-ENTRY\x00"                 # §4 field 1
FORMAT_VERSION = 1                                    # §4 field 2
PAYLOAD_DOMAIN = b"RK-PAYLOAD-V1\x00"                 # §7
DATA_KEY_DOMAIN = b"RK-DATA-KEY-V1\x00"               # §8
MASTER_KEY_ID_DOMAIN = b"RK-MASTER-KEY-ID\x00"        # §8
EMPTY_TREE_ROOT = hashlib.sha256(b"").digest()        # §11
RECORD_DESTROYED = "record.destroyed"                 # §9
ED25519_ALG = b"\x01"                                 # §12.3
EM_DASH = "\u2014"                                    # §12.3
LEDGER_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")   # §2
INT_RE = re.compile(r"^-?[0-9]+$")
SIZE_RE = re.compile(r"^(0|[1-9][0-9]*)$")            # §12.2: no leading zeros
HEX_RE = re.compile(r"^[0-9a-fA-F]*$")
CREATED_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
MAX_POSITION = 2**63 - 1

EXIT_OK, EXIT_FAILED, EXIT_COULD_NOT_RUN = 0, 1, 2

ENTRY_COLUMNS = ("ledger", "position", "event_id", "stream", "event_type",
                 "occurred_at_us", "recorded_at_us", "actor", "dedupe_key",
                 "header", "payload_commitment", "prev_hash", "entry_hash")
HEAD_COLUMNS = ("ledger", "position", "head_hash")
DESTRUCTION_COLUMNS = ("position", "data_key_id", "authorised_by_position")
DATA_KEY_COLUMNS = ("id", "stream", "period", "master_key_id", "wrapped_key",
                    "destroyed_by_position")
PAYLOAD_COLUMNS = ("position", "data_key_id", "sealed")
NODE_COLUMNS = ("last_position", "level", "hash")
CHECKPOINT_COLUMNS = ("id", "tree_size", "note")
LEDGER_COLUMNS = ("id", "name")
SIGNING_KEY_COLUMNS = ("id", "public_key", "master_key_id")
LOWEST_NODE_LEVEL = 4                                 # §11.1: every level from 4 up


class CouldNotRun(Exception):
    """A set-up problem (exit 2): never reported as tampering."""


@dataclasses.dataclass(frozen=True)
class Failure:
    """A verification failure: where (or None), the §10.3 code, and why."""

    position: Optional[int]
    code: str
    reason: str


# ---------------------------------------------------------------------------
# §1, §4: integers, strings and the entry encoding
# ---------------------------------------------------------------------------

def u8(v: int) -> bytes:
    """Unsigned 8-bit integer."""
    return struct.pack(">B", v)


def u16(v: int) -> bytes:
    """Unsigned 16-bit big-endian integer."""
    return struct.pack(">H", v)


def u32(v: int) -> bytes:
    """Unsigned 32-bit big-endian integer."""
    return struct.pack(">I", v)


def u64(v: int) -> bytes:
    """Unsigned 64-bit big-endian integer."""
    return struct.pack(">Q", v)


def i64(v: int) -> bytes:
    """Signed 64-bit big-endian two's-complement integer."""
    return struct.pack(">q", v)


def enc_str(s: str) -> bytes:
    """``str(s)`` of §1: u32 byte length, then the UTF-8 bytes, never normalised."""
    b = s.encode("utf-8")
    return u32(len(b)) + b


@dataclasses.dataclass(frozen=True)
class EntryFields:
    """The hashed fields of an entry (§3), as read from storage."""

    ledger: str
    position: int
    event_id: bytes
    stream: str
    event_type: str
    occurred_at_us: int
    recorded_at_us: int
    actor: str
    dedupe_key: Optional[str]
    header: str
    payload_commitment: bytes


def entry_encoding_parts(f: EntryFields, prev_hash: bytes) -> list[tuple[str, bytes]]:
    """The §4 encoding, field by field (names as in the test vectors)."""
    parts: list[tuple[str, bytes]] = [
        ("domain", ENTRY_DOMAIN),
        ("version", u16(FORMAT_VERSION)),
        ("prev_hash", prev_hash),
        ("ledger", enc_str(f.ledger)),
        ("position", u64(f.position)),
        ("event_id", f.event_id),
        ("stream", enc_str(f.stream)),
        ("event_type", enc_str(f.event_type)),
        ("occurred_at_us", i64(f.occurred_at_us)),
        ("recorded_at_us", i64(f.recorded_at_us)),
        ("actor", enc_str(f.actor)),
    ]
    if f.dedupe_key is None:
        parts.append(("dedupe_key_present", u8(0)))
    else:
        parts.append(("dedupe_key_present", u8(1)))
        parts.append(("dedupe_key", enc_str(f.dedupe_key)))
    parts.append(("header", enc_str(f.header)))
    parts.append(("payload_commitment", f.payload_commitment))
    return parts


def entry_encoding(f: EntryFields, prev_hash: bytes) -> bytes:
    """The byte string whose SHA-256 is the entry hash (§4)."""
    return b"".join(p for _, p in entry_encoding_parts(f, prev_hash))


def entry_hash(f: EntryFields, prev_hash: bytes) -> bytes:
    """§5: SHA-256 of the encoding under ``prev_hash``."""
    return hashlib.sha256(entry_encoding(f, prev_hash)).digest()


def payload_commitment(salt: bytes, payload: bytes) -> bytes:
    """§6: SHA-256(salt ‖ payload)."""
    return hashlib.sha256(salt + payload).digest()


# ---------------------------------------------------------------------------
# §7, §8: sealed payloads, data keys, master key
# ---------------------------------------------------------------------------

def payload_associated_data(ledger: str, event_id: bytes) -> bytes:
    """§7: "RK-PAYLOAD-V1" 0x00 ‖ str(ledger) ‖ event_id."""
    return PAYLOAD_DOMAIN + enc_str(ledger) + event_id


def data_key_associated_data(ledger: str, stream: str, period: str) -> bytes:
    """§8: "RK-DATA-KEY-V1" 0x00 ‖ str(ledger) ‖ str(stream) ‖ str(period)."""
    return DATA_KEY_DOMAIN + enc_str(ledger) + enc_str(stream) + enc_str(period)


def master_key_id(master_key: bytes) -> str:
    """§8: first 16 hex digits of SHA-256("RK-MASTER-KEY-ID" 0x00 ‖ master key)."""
    return hashlib.sha256(MASTER_KEY_ID_DOMAIN + master_key).hexdigest()[:16]


def aes_gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce (12) ‖ ciphertext ‖ tag (16), the layout of §7 and §8."""
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aes_gcm_open(key: bytes, sealed: bytes, aad: bytes) -> Optional[bytes]:
    """Open nonce ‖ ciphertext ‖ tag; None when it does not authenticate."""
    if len(key) != 32 or len(sealed) < 12 + 16:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad)
    except InvalidTag:
        return None


def unwrap_data_key(master_key: bytes, wrapped: bytes, ledger: str,
                    stream: str, period: str) -> Optional[bytes]:
    """§8: unwrap a data key under its scope; None unless it yields 32 bytes."""
    key = aes_gcm_open(master_key, wrapped,
                       data_key_associated_data(ledger, stream, period))
    return key if key is not None and len(key) == 32 else None


def open_payload(data_key: bytes, sealed: bytes, ledger: str,
                 event_id: bytes) -> Optional[tuple[bytes, bytes]]:
    """§7 "Opening": (salt, payload), or None when unreadable (< 60 bytes or bad tag)."""
    if len(sealed) < 12 + 32 + 16:
        return None
    plain = aes_gcm_open(data_key, sealed, payload_associated_data(ledger, event_id))
    if plain is None or len(plain) < 32:
        return None
    return plain[:32], plain[32:]


def parse_master_key_text(text: str) -> bytes:
    """§8: standard base64 with padding of 32 bytes, surrounding white space ignored."""
    s = text.strip()
    try:
        key = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError) as e:
        raise CouldNotRun(f"master key is not valid base64: {e}") from None
    if len(s) != 44 or len(key) != 32:
        raise CouldNotRun(f"master key must be base64 of 32 bytes (44 characters), got {len(key)} bytes")
    return key


def read_master_key_file(path: str) -> bytes:
    """Read and parse a master key file (§8)."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as e:
        raise CouldNotRun(f"cannot read master key file {path}: {e}") from None
    return parse_master_key_text(text)


def days_to_civil(days: int) -> tuple[int, int, int]:
    """Proleptic Gregorian (year, month, day) of a day count since 1970-01-01."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (1 if m <= 2 else 0), m, d)


def data_key_period(occurred_at_us: int) -> str:
    """§8: "YYYY-MM", the UTC calendar month of occurred_at (floor division for negatives)."""
    y, m, _ = days_to_civil(occurred_at_us // 86_400_000_000)
    return f"{y:04d}-{m:02d}"


def rfc3339_us(us: int) -> str:
    """§4 "Text form of timestamps": YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC, proleptic
    Gregorian, six fractional digits, floor division); a year before 0000 is
    written -YYYY, one after 9999 +YYYYY (not RFC 3339)."""
    days, rem = divmod(us, 86_400_000_000)
    y, m, d = days_to_civil(days)
    secs, micros = divmod(rem, 1_000_000)
    hh, rest = divmod(secs, 3600)
    mm, ss = divmod(rest, 60)
    year = f"-{-y:04d}" if y < 0 else f"+{y}" if y > 9999 else f"{y:04d}"
    return f"{year}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{micros:06d}Z"


# ---------------------------------------------------------------------------
# §11: Merkle tree
# ---------------------------------------------------------------------------

def merkle_leaf_hash(entry_hash_value: bytes) -> bytes:
    """SHA-256(0x00 ‖ entry hash)."""
    return hashlib.sha256(b"\x00" + entry_hash_value).digest()


def merkle_node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class CompactRange:
    """Roots of the perfect subtrees covering leaves 0 … size−1, largest first (§11)."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []   # (level, hash)

    def push(self, entry_hash_value: bytes) -> list[bytes]:
        """Append one leaf; return the hashes of the perfect subtrees it completes,
        indexed by level (level 0 is the leaf hash itself)."""
        h = merkle_leaf_hash(entry_hash_value)
        level = 0
        completed = [h]
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            h = merkle_node_hash(left, h)
            level += 1
            completed.append(h)
        self._stack.append((level, h))
        self.size += 1
        return completed

    def root(self) -> bytes:
        """MTH of the leaves so far: the subtree roots folded from the right."""
        if not self._stack:
            return EMPTY_TREE_ROOT
        r = self._stack[-1][1]
        for _, h in reversed(self._stack[:-1]):
            r = merkle_node_hash(h, r)
        return r


def largest_power_of_two_below(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2), the split point of §11."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of §11 for a list of leaf *hashes* (recursive; for proofs and tests)."""
    if not leaves:
        return EMPTY_TREE_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = largest_power_of_two_below(len(leaves))
    return merkle_node_hash(mth(leaves[:k]), mth(leaves[k:]))


def inclusion_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1 (leaf hashes in, audit path out)."""
    n = len(leaves)
    if n <= 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def consistency_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1; empty for m = 0 and m = n (§11)."""
    def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
        n = len(d)
        if m == n:
            return [] if b else [mth(d)]
        k = largest_power_of_two_below(n)
        if m <= k:
            return subproof(m, d[:k], b) + [mth(d[k:])]
        return subproof(m - k, d[k:], False) + [mth(d[:k])]
    if m == 0 or m == len(leaves):
        return []
    return subproof(m, leaves, True)


def verify_inclusion(leaf_index: int, tree_size: int, leaf_hash: bytes,
                     path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if leaf_index >= tree_size or leaf_index < 0:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = merkle_node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = merkle_node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       path: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2, with §11's conventions for an old size of 0 and equal sizes."""
    if first < 0 or first > second:
        return False
    if first == 0:
        return not path and first_root == EMPTY_TREE_ROOT
    if first == second:
        return not path and first_root == second_root
    if not path:
        return False
    if first & (first - 1) == 0:                 # an exact power of two
        path = [first_root] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = merkle_node_hash(c, fr)
            sr = merkle_node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = merkle_node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


# ---------------------------------------------------------------------------
# §12: checkpoints, signed notes, verifier keys
# ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class VerifierKey:
    """A trusted Ed25519 key in signed-note verifier-key form (§12.4)."""

    name: str
    key_id: bytes
    public_key: bytes


def note_key_id(name: str, public_key: bytes) -> bytes:
    """§12.3: first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_ALG + public_key).digest()[:4]


def parse_verifier_key(text: str) -> VerifierKey:
    """Parse ``<name>+<8 hex>+<base64(0x01 ‖ key)>``; the key ID must match the key."""
    parts = text.strip().split("+", 2)      # base64 may itself contain "+"
    if len(parts) != 3 or not parts[0] or len(parts[1]) != 8 or not HEX_RE.match(parts[1]):
        raise CouldNotRun(f"malformed verifier key {text.strip()!r}: expected NAME+KEYID+BASE64")
    name, hex_id, b64 = parts
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise CouldNotRun(f"verifier key {name}: key is not valid base64") from None
    if len(raw) != 33 or raw[:1] != ED25519_ALG:
        raise CouldNotRun(f"verifier key {name}: not an Ed25519 key (0x01 ‖ 32 bytes)")
    key_id = bytes.fromhex(hex_id)
    if note_key_id(name, raw[1:]) != key_id:
        raise CouldNotRun(f"verifier key {name}: key ID {hex_id} does not match the key")
    return VerifierKey(name, key_id, raw[1:])


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """A parsed checkpoint body (§12.2)."""

    origin: str
    tree_size: int
    root: bytes
    chain_head: Optional[bytes]
    created: Optional[str]


class NoteError(Exception):
    """The note does not parse as §12.2–12.3 describe."""


def parse_checkpoint_body(body: str) -> Checkpoint:
    """Parse the body lines; raise NoteError if malformed (§12.2)."""
    if "\r" in body or not body.endswith("\n"):
        raise NoteError("body has carriage returns or does not end in a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("body has fewer than three lines")
    origin, size_text, root_b64 = lines[0], lines[1], lines[2]
    if not origin:
        raise NoteError("empty origin line")
    if not SIZE_RE.match(size_text) or int(size_text) > MAX_POSITION:
        raise NoteError(f"malformed tree size {size_text!r}")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("root hash is not base64") from None
    if len(root) != 32 or base64.b64encode(root).decode() != root_b64:
        raise NoteError("root hash is not the base64 of 32 bytes")
    chain_head: Optional[bytes] = None
    created: Optional[str] = None
    for line in lines[3:]:
        keyword, _, value = line.partition(" ")
        if keyword == "recordkeeper-chain-head":
            if chain_head is not None or len(value) != 64 or not HEX_RE.match(value):
                raise NoteError("malformed or repeated recordkeeper-chain-head line")
            chain_head = bytes.fromhex(value)
        elif keyword == "recordkeeper-created":
            if created is not None or not CREATED_RE.match(value):
                raise NoteError("malformed or repeated recordkeeper-created line")
            created = value
        elif not line:
            raise NoteError("empty line in the body")
        # Unknown extension lines are ignored (§12.2).
    return Checkpoint(origin, int(size_text), root, chain_head, created)


def split_signed_note(data: bytes) -> tuple[str, list[tuple[str, bytes]]]:
    """Split a signed note into its body (with final newline) and signature lines
    (key name, key ID ‖ signature); raise NoteError if malformed (§12.3)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("note is not UTF-8") from None
    cut = text.rfind("\n\n")
    if cut < 0:
        raise NoteError("no empty line between body and signatures")
    body, sig_block = text[:cut + 1], text[cut + 2:]
    if not sig_block.endswith("\n"):
        raise NoteError("signature block does not end in a newline")
    sigs: list[tuple[str, bytes]] = []
    for line in sig_block[:-1].split("\n"):
        if not line.startswith(EM_DASH + " "):
            raise NoteError(f"malformed signature line {line!r}")
        fields = line[2:].split(" ")
        if len(fields) != 2 or not fields[0]:
            raise NoteError(f"malformed signature line {line!r}")
        try:
            blob = base64.b64decode(fields[1], validate=True)
        except (binascii.Error, ValueError):
            raise NoteError("signature is not base64") from None
        if len(blob) < 5:
            raise NoteError("signature too short")
        sigs.append((fields[0], blob))
    return body, sigs


def note_signature_ok(body: str, sigs: list[tuple[str, bytes]],
                      keys: list[VerifierKey]) -> bool:
    """True if a signature line by a trusted key (same name and key ID) verifies."""
    message = body.encode("utf-8")
    for name, blob in sigs:
        for key in keys:
            if key.name != name or key.key_id != blob[:4]:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(key.public_key).verify(blob[4:], message)
                return True
            except InvalidSignature:
                continue
    return False


@dataclasses.dataclass
class CheckpointResult:
    """The outcome of §12.6 for one checkpoint (a file, or a row of ``checkpoints``)."""

    source: str                 # "file" or "stored"
    label: str                  # the file name, or "id N"
    tree_size: Optional[int]
    checkpoint: Optional[Checkpoint]
    failure: Optional[Failure] = None
    checked: bool = False       # steps 3–5 ran (only when the chain verified)

    def status(self) -> str:
        """ok, failed, or not_checked (steps 1–2 passed, the chain did not verify)."""
        if self.failure is not None:
            return "failed"
        return "ok" if self.checked else "not_checked"

    def as_json(self) -> dict[str, Any]:
        """The JSON object of the ``checkpoints`` array."""
        return {"source": self.source,
                ("file" if self.source == "file" else "id"): self.label,
                "tree_size": self.tree_size, "status": self.status(),
                "ok": self.failure is None and self.checked,
                "first_bad_position": self.failure.position if self.failure else None,
                "reason_code": self.failure.code if self.failure else None,
                "reason": self.failure.reason if self.failure else self.status()}


def read_checkpoint_file(path: str) -> bytes:
    """The bytes of a checkpoint file given with --checkpoint."""
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise CouldNotRun(f"cannot read checkpoint {path}: {e}") from None


def precheck_checkpoint(source: str, label: str, data: bytes, keys: list[VerifierKey],
                        ledger: str, log_name: Optional[str]) -> CheckpointResult:
    """§12.6 steps 1–2 (parse, signature, origin), which need no entries."""
    try:
        body, sigs = split_signed_note(data)
        cp = parse_checkpoint_body(body)
    except NoteError as e:
        return CheckpointResult(source, label, None, None, Failure(
            None, "checkpoint_signature_invalid", f"checkpoint does not parse: {e}"))
    if not note_signature_ok(body, sigs, keys):
        return CheckpointResult(source, label, cp.tree_size, cp, Failure(
            None, "checkpoint_signature_invalid",
            "no signature by a trusted key verifies"))
    suffix = f"/ledgers/{ledger}"
    if log_name is not None:
        origin_ok = cp.origin == log_name + suffix
    else:
        origin_ok = cp.origin.endswith(suffix) and len(cp.origin) > len(suffix)
    if not origin_ok:
        return CheckpointResult(source, label, cp.tree_size, cp, Failure(
            None, "checkpoint_origin_mismatch",
            f"origin {cp.origin!r} is not ledger {ledger!r}"
            + (f" of log {log_name!r}" if log_name else "")))
    return CheckpointResult(source, label, cp.tree_size, cp)


def finish_checkpoint(res: CheckpointResult, entries: int,
                      roots: dict[int, bytes], heads: dict[int, bytes]) -> None:
    """§12.6 steps 3–5, from the roots and entry hashes recorded while streaming.

    Called only when the chain verified (head check included), so ``entries`` is
    the ledger's last position."""
    cp = res.checkpoint
    if res.failure is not None or cp is None:
        return
    res.checked = True
    n = cp.tree_size
    if n > entries:
        res.failure = Failure(entries + 1, "checkpoint_beyond_head",
                              f"checkpoint has {n} entries, the ledger only {entries}")
        return
    if roots[n] != cp.root:
        res.failure = Failure(n, "checkpoint_root_mismatch",
                              f"Merkle root of positions 1…{n} is {roots[n].hex()}, "
                              f"the checkpoint says {cp.root.hex()}")
        return
    if cp.chain_head is not None and heads[n] != cp.chain_head:
        res.failure = Failure(n, "checkpoint_chain_head_mismatch",
                              f"entry hash at {n} is {heads[n].hex()}, "
                              f"the checkpoint says {cp.chain_head.hex()}")


# ---------------------------------------------------------------------------
# §15: reading the exported CSV files
# ---------------------------------------------------------------------------

def export_paths(directory: Path, ledger: str) -> dict[str, Path]:
    """The §15 file names of one ledger's export."""
    return {kind: directory / f"{ledger}-{kind}.csv"
            for kind in ("ledger", "entries", "head", "destructions", "data-keys", "payloads",
                         "merkle-nodes", "checkpoints", "signing-keys")}


def iter_csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream (line number, row) from a CSV file with a header naming ``columns``."""
    try:
        fh = open(path, newline="", encoding="utf-8", errors="strict")
    except OSError as e:
        raise CouldNotRun(f"cannot open {path}: {e}") from None
    with fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader, None)
            if header is None or tuple(header) != columns:
                raise CouldNotRun(f"{path}: header must be {','.join(columns)}, got {header}")
            for row in reader:
                if len(row) != len(columns):
                    raise CouldNotRun(f"{path}:{reader.line_num}: expected {len(columns)} fields")
                yield reader.line_num, dict(zip(columns, row))
        except (csv.Error, UnicodeDecodeError) as e:
            raise CouldNotRun(f"{path}: not a valid UTF-8 CSV file: {e}") from None


def parse_int(value: str, what: str, where: str) -> int:
    """A decimal integer field (no '+', spaces or underscores)."""
    if not INT_RE.match(value):
        raise CouldNotRun(f"{where}: {what} is not an integer: {value!r}")
    return int(value)


def parse_hex(value: str, what: str, where: str) -> bytes:
    """A hex byte field (upper case accepted, §1)."""
    if len(value) % 2 or not HEX_RE.match(value):
        raise CouldNotRun(f"{where}: {what} is not hex: {value!r}")
    return bytes.fromhex(value)


@dataclasses.dataclass(frozen=True)
class EntryRow:
    """One ``ledger_entries`` row: the hashed fields plus the stored hashes."""

    fields: EntryFields
    prev_hash: bytes
    entry_hash: bytes


def parse_entry_row(row: dict[str, str], where: str) -> EntryRow:
    """Convert a CSV row of the entries export to an EntryRow (§15 "reading back")."""
    try:
        event_id = uuid.UUID(row["event_id"]).bytes
    except ValueError:
        raise CouldNotRun(f"{where}: event_id is not a UUID: {row['event_id']!r}") from None
    occurred = parse_int(row["occurred_at_us"], "occurred_at_us", where)
    recorded = parse_int(row["recorded_at_us"], "recorded_at_us", where)
    for value, what in ((occurred, "occurred_at_us"), (recorded, "recorded_at_us")):
        if not -2**63 <= value < 2**63:
            raise CouldNotRun(f"{where}: {what} is not a 64-bit integer")
    fields = EntryFields(
        ledger=row["ledger"],
        position=parse_int(row["position"], "position", where),
        event_id=event_id,
        stream=row["stream"],
        event_type=row["event_type"],
        occurred_at_us=occurred,
        recorded_at_us=recorded,
        actor=row["actor"],
        dedupe_key=row["dedupe_key"] if row["dedupe_key"] != "" else None,
        header=row["header"],
        payload_commitment=parse_hex(row["payload_commitment"], "payload_commitment", where),
    )
    return EntryRow(fields, parse_hex(row["prev_hash"], "prev_hash", where),
                    parse_hex(row["entry_hash"], "entry_hash", where))


def iter_entries(path: Path) -> Iterator[EntryRow]:
    """Stream the entries export in stored order."""
    for line, row in iter_csv(path, ENTRY_COLUMNS):
        yield parse_entry_row(row, f"{path}:{line}")


class SortedByPosition:
    """Merge-join helper: a CSV stream that must be in strictly ascending
    ``position`` order; ``take(p)`` returns the row at ``p`` or None."""

    def __init__(self, path: Path, columns: tuple[str, ...]) -> None:
        self._path = path
        self._rows = iter_csv(path, columns)
        self._pending: Optional[tuple[int, dict[str, str]]] = None
        self._last = -2**64
        self._advance()

    def _advance(self) -> None:
        item = next(self._rows, None)
        if item is None:
            self._pending = None
            return
        line, row = item
        pos = parse_int(row["position"], "position", f"{self._path}:{line}")
        if pos <= self._last:
            raise CouldNotRun(f"{self._path}:{line}: rows are not in ascending position order")
        self._last = pos
        self._pending = (pos, row)

    def take(self, position: int) -> Optional[dict[str, str]]:
        """The row at ``position`` (rows before it are skipped), or None."""
        while self._pending is not None and self._pending[0] < position:
            self._advance()
        if self._pending is not None and self._pending[0] == position:
            row = self._pending[1]
            self._advance()
            return row
        return None


@dataclasses.dataclass(frozen=True)
class DataKeyRow:
    """One ``data_keys`` row (§15)."""

    id: int
    stream: str
    period: str
    master_key_id: Optional[str]
    wrapped_key: Optional[bytes]


def read_data_keys(path: Path) -> dict[int, DataKeyRow]:
    """All data keys of the ledger (memory grows with keys, not with entries)."""
    keys: dict[int, DataKeyRow] = {}
    for line, row in iter_csv(path, DATA_KEY_COLUMNS):
        where = f"{path}:{line}"
        kid = parse_int(row["id"], "id", where)
        keys[kid] = DataKeyRow(
            id=kid, stream=row["stream"], period=row["period"],
            master_key_id=row["master_key_id"] or None,
            wrapped_key=parse_hex(row["wrapped_key"], "wrapped_key", where)
            if row["wrapped_key"] else None)
    return keys


def read_ledger(path: Path, ledger: str) -> Optional[bool]:
    """Whether the ``ledgers`` export (§15: id, name) has a row for ``ledger``; None
    when the export has no such file (an export made before §15 listed it)."""
    if not path.exists():
        return None
    return any(row["name"] == ledger for _, row in iter_csv(path, LEDGER_COLUMNS))


def read_signing_key_masters(path: Path) -> Optional[set[str]]:
    """The ``master_key_id`` of every checkpoint signing key (§15 signing_keys
    export), or None when the export has no such file (schema < 3, or an older export)."""
    if not path.exists():
        return None
    masters: set[str] = set()
    for line, row in iter_csv(path, SIGNING_KEY_COLUMNS):
        where = f"{path}:{line}"
        parse_int(row["id"], "id", where)
        if len(parse_hex(row["public_key"], "public_key", where)) != 32:
            raise CouldNotRun(f"{where}: a signing key's public_key is 32 bytes")
        masters.add(row["master_key_id"])
    return masters


def read_head(path: Path, ledger: str) -> Optional[tuple[int, bytes]]:
    """The ``ledger_heads`` row: (position, head_hash); None when there is none (a
    ledger with entries but no head row is the ``head_missing`` finding, §10.2 notes;
    with no entries either, there is no such ledger)."""
    rows = list(iter_csv(path, HEAD_COLUMNS))
    if not rows:
        return None
    if len(rows) > 1:
        raise CouldNotRun(f"{path}: more than one head row")
    line, row = rows[0]
    where = f"{path}:{line}"
    if row["ledger"] != ledger:
        raise CouldNotRun(f"{where}: head row names ledger {row['ledger']!r}")
    return (parse_int(row["position"], "position", where),
            parse_hex(row["head_hash"], "head_hash", where))


def authorising_entries(paths: dict[str, Path]) -> dict[int, tuple[str, str]]:
    """(event_type, header) of every entry named as ``authorised_by_position``.

    A pre-pass, so that the main pass stays a single forward stream: memory grows
    with the number of distinct authorising entries, not with the ledger."""
    wanted: set[int] = set()
    for line, row in iter_csv(paths["destructions"], DESTRUCTION_COLUMNS):
        wanted.add(parse_int(row["authorised_by_position"], "authorised_by_position",
                             f"{paths['destructions']}:{line}"))
    found: dict[int, tuple[str, str]] = {}
    if not wanted:
        return found
    for line, row in iter_csv(paths["entries"], ENTRY_COLUMNS):
        pos = parse_int(row["position"], "position", f"{paths['entries']}:{line}")
        if pos in wanted and pos not in found:
            found[pos] = (row["event_type"], row["header"])
    return found


def header_authorises(header: str, data_key_id: int) -> bool:
    """§10.2 step 5: the header is a JSON object whose "data_key_ids" array
    contains the number ``data_key_id``."""
    try:
        obj = json.loads(header)
    except (ValueError, RecursionError):
        return False
    if not isinstance(obj, dict):
        return False
    ids = obj.get("data_key_ids")
    if not isinstance(ids, list):
        return False
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) and v == data_key_id
               for v in ids)


# ---------------------------------------------------------------------------
# §10.2: the chain verifier
# ---------------------------------------------------------------------------

@dataclasses.dataclass
class ChainReport:
    """What one streaming pass found."""

    entries: int = 0            # entries that passed every check (all, when intact)
    failure: Optional[Failure] = None
    merkle_root: Optional[bytes] = None     # of the whole ledger, when the chain verified
    nodes_checked: Optional[int] = None     # stored Merkle nodes compared (None: no export)
    node_failure: Optional[Failure] = None  # the first wrong stored node (§11.1)
    payloads_checked: int = 0
    payloads_destroyed: int = 0
    # Lawfully destroyed payloads by the position of the record.destroyed entry that
    # authorised them (memory grows with destructions, not with the ledger).
    destroyed_by_authority: dict[int, int] = dataclasses.field(default_factory=dict)
    authority_headers: dict[int, str] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)
    # Problems that do not stop the chain (§10.2 notes): head_missing,
    # payload_key_unavailable (one per entry), in the order found.
    findings: list[Failure] = dataclasses.field(default_factory=list)


class PayloadChecker:
    """Step 5 with the master key: unwrap (cached) and open."""

    def __init__(self, master_key: bytes, ledger: str, keys: dict[int, DataKeyRow],
                 signing_key_masters: Optional[set[str]] = None) -> None:
        self.master_key = master_key
        self.ledger = ledger
        self.keys = keys
        self._cache: dict[int, Optional[bytes]] = {}
        self.mine = master_key_id(master_key)
        wrapped = [k for k in keys.values() if k.wrapped_key is not None]
        # §10.2 notes: a master key that wraps none of the ledger's data keys (nor,
        # when the signing_keys export is there, any checkpoint signing key) is the
        # wrong key (could not run); once one confirms it, a data key wrapped by
        # another is evidence against that key: payload_key_unavailable.
        if wrapped and not any(k.master_key_id == self.mine for k in wrapped) \
                and self.mine not in (signing_key_masters or set()):
            k = min(wrapped, key=lambda k: k.id)
            raise CouldNotRun(
                f"data key {k.id} is wrapped by master key {k.master_key_id}, but the "
                f"given master key is {self.mine}: wrong master key file (§10.2 notes)")

    def data_key(self, key_id: int) -> Optional[bytes]:
        """The unwrapped data key, or None if it is missing, destroyed, wrapped by
        another master key or does not unwrap."""
        if key_id not in self._cache:
            row = self.keys.get(key_id)
            self._cache[key_id] = None if row is None or row.wrapped_key is None \
                or row.master_key_id != self.mine else \
                unwrap_data_key(self.master_key, row.wrapped_key, self.ledger,
                                row.stream, row.period)
        return self._cache[key_id]

    def key_problem(self, key_id: int) -> str:
        """Why data key ``key_id`` cannot be had."""
        row = self.keys.get(key_id)
        if row is None:
            return f"data key {key_id} does not exist"
        if row.wrapped_key is None:
            return f"data key {key_id} was destroyed"
        if row.master_key_id != self.mine:
            return (f"data key {key_id} is wrapped by master key {row.master_key_id}, "
                    f"not by {self.mine} like the ledger's other keys")
        return f"data key {key_id} does not unwrap with the master key"

    def check(self, f: EntryFields, key_id: int, sealed: bytes) -> Optional[Failure]:
        """Step 5, payload present: payload_key_unavailable (a finding: the chain goes
        on), payload_unreadable or payload_commitment_mismatch."""
        key = self.data_key(key_id)
        if key is None:
            return Failure(f.position, "payload_key_unavailable",
                           f"payload at {f.position} cannot be checked: {self.key_problem(key_id)}")
        opened = open_payload(key, sealed, self.ledger, f.event_id)
        if opened is None:
            return Failure(f.position, "payload_unreadable",
                           f"payload at {f.position} (data key {key_id}) is unreadable: it does not open")
        if payload_commitment(*opened) != f.payload_commitment:
            return Failure(f.position, "payload_commitment_mismatch",
                           f"decrypted salt and payload at {f.position} do not match the commitment")
        return None


class ChainVerifier:
    """Streams one ledger's export through §10.2, the Merkle range and node checks."""

    def __init__(self, paths: dict[str, Path], ledger: str,
                 master_key: Optional[bytes], checkpoint_sizes: set[int]) -> None:
        self.paths = paths
        self.ledger = ledger
        self.checkpoint_sizes = checkpoint_sizes
        self.roots: dict[int, bytes] = {}
        self.heads: dict[int, bytes] = {}
        # §15 ledgers export: a ledger with no ledgers row cannot be verified (could
        # not run); one with a row but no head row and no entries is head_missing.
        self.ledger_exists = read_ledger(paths["ledger"], ledger)
        if self.ledger_exists is False:
            raise CouldNotRun(f"there is no ledger named {ledger!r} (no ledgers row in {paths['ledger'].name})")
        self.head = read_head(paths["head"], ledger)
        self.keys = read_data_keys(paths["data-keys"]) if master_key else {}
        self.payload_checker = PayloadChecker(
            master_key, ledger, self.keys,
            read_signing_key_masters(paths["signing-keys"])) if master_key else None
        self.authorisers = authorising_entries(paths)
        self.report = ChainReport()

    def _fail(self, failure: Failure) -> None:
        if self.report.failure is None:
            self.report.failure = failure

    def _check_payload(self, r: EntryRow, payloads: SortedByPosition,
                       destructions: SortedByPosition) -> Optional[Failure]:
        """Step 5 for one entry (both merge-joined streams are advanced to it)."""
        pos = r.fields.position
        prow = payloads.take(pos)
        drow = destructions.take(pos)
        if prow is not None:
            if self.payload_checker is None:
                return None
            where = f"{self.paths['payloads']} position {pos}"
            key_id = parse_int(prow["data_key_id"], "data_key_id", where)
            self._warn_scope(r.fields, key_id)
            failure = self.payload_checker.check(
                r.fields, key_id, parse_hex(prow["sealed"], "sealed", where))
            if failure is None:
                self.report.payloads_checked += 1
            elif failure.code == "payload_key_unavailable":
                self.report.findings.append(failure)      # not a chain failure
                return None
            return failure
        if drow is not None:
            where = f"{self.paths['destructions']} position {pos}"
            key_id = parse_int(drow["data_key_id"], "data_key_id", where)
            auth = parse_int(drow["authorised_by_position"], "authorised_by_position", where)
            a = self.authorisers.get(auth)
            if auth > pos and a is not None and a[0] == RECORD_DESTROYED \
                    and header_authorises(a[1], key_id):
                self.report.payloads_destroyed += 1
                self.report.destroyed_by_authority[auth] = self.report.destroyed_by_authority.get(auth, 0) + 1
                self.report.authority_headers[auth] = a[1]
                return None
            return Failure(pos, "payload_missing",
                           f"payload at {pos} is gone and the destruction naming entry {auth} "
                           "does not authorise it")
        return Failure(pos, "payload_missing",
                       f"payload at {pos} is gone and no destruction authorises it")

    def _warn_scope(self, f: EntryFields, key_id: int) -> None:
        """§10.2 notes (MAY): a data key whose scope is not the entry's."""
        k = self.keys.get(key_id)
        if k is not None and (k.stream.encode() != f.stream.encode()
                              or k.period != data_key_period(f.occurred_at_us)):
            self.report.warnings.append(
                f"position {f.position}: data key {key_id} has scope ({k.stream!r}, {k.period}), "
                f"the entry ({f.stream!r}, {data_key_period(f.occurred_at_us)})")

    def _check_nodes(self, nodes: Optional["NodeStream"], pos: int,
                     completed: list[bytes]) -> None:
        """§11.1 at a verified position ``pos``: every stored node whose last leaf is
        ``pos`` must be the hash the entries give, and every perfect subtree that
        ``pos`` completes at level 4 or more must be stored.  Only the first
        problem is kept; it is reported only if everything else holds (§12.6)."""
        if nodes is None:
            return
        stored = nodes.take(pos)
        rep = self.report
        for level, h in stored.items():
            rep.nodes_checked = (rep.nodes_checked or 0) + 1
            if rep.node_failure is None and completed[level] != h:
                rep.node_failure = Failure(
                    pos, "tree_node_mismatch",
                    f"stored Merkle node at level {level} covering positions "
                    f"{pos - (1 << level) + 1}…{pos} is not the hash the entries give")
        if rep.node_failure is None:
            for level in range(LOWEST_NODE_LEVEL, len(completed)):
                if level not in stored:
                    rep.node_failure = Failure(
                        pos, "tree_node_mismatch",
                        f"no stored Merkle node at level {level} covering positions "
                        f"{pos - (1 << level) + 1}…{pos} (§11.1: every complete subtree "
                        "of level 4 or more is stored)")
                    break

    def run(self) -> ChainReport:
        """The loop of §10.2 (stopping at the first failure), then the head check
        (step 7), the stored nodes and the roots the checkpoints need; then step 8,
        payload rows without an entry, whether or not the chain failed."""
        rep = self._run_chain()
        for pos, key_id in orphan_payloads(self.paths):
            rep.findings.append(Failure(
                pos, "orphan_payload",
                f"the payloads export has a row at position {pos} (data key {key_id}) but "
                f"ledger {self.ledger!r} has no entry there: no entry commits to it"))
        return rep

    def _run_chain(self) -> ChainReport:
        rep = self.report
        if self.head is None:
            rep.findings.append(Failure(
                None, "head_missing",
                f"ledger {self.ledger!r} has no ledger_heads row: the entries were verified without it"))
        expected, prev = 1, GENESIS
        tree = CompactRange()
        payloads = SortedByPosition(self.paths["payloads"], PAYLOAD_COLUMNS)
        destructions = SortedByPosition(self.paths["destructions"], DESTRUCTION_COLUMNS)
        nodes = NodeStream.open(self.paths["merkle-nodes"])
        if nodes is not None:
            rep.nodes_checked = 0
        if 0 in self.checkpoint_sizes:
            self.roots[0], self.heads[0] = EMPTY_TREE_ROOT, GENESIS
        for r in iter_entries(self.paths["entries"]):
            f = r.fields
            if f.position > expected:
                self._fail(Failure(expected, "missing_entry",
                                   f"no entry at {expected}; found next {f.position}"))
            elif f.position < expected:
                self._fail(Failure(f.position, "unexpected_position",
                                   f"entry at {f.position} where {expected} was expected"))
            elif f.ledger != self.ledger:
                self._fail(Failure(f.position, "wrong_ledger",
                                   f"entry at {f.position} names ledger {f.ledger!r}"))
            elif r.prev_hash != prev:
                self._fail(Failure(f.position, "broken_link",
                                   f"prev_hash at {f.position} is not the hash of the entry before"))
            elif entry_hash(f, prev) != r.entry_hash:
                self._fail(Failure(f.position, "entry_hash_mismatch",
                                   f"fields of entry {f.position} do not hash to its entry_hash"))
            else:
                failure = self._check_payload(r, payloads, destructions)
                if failure is not None:
                    self._fail(failure)
            if rep.failure is not None:
                return rep                                # the first failure wins
            prev, expected = r.entry_hash, expected + 1
            rep.entries += 1
            completed = tree.push(r.entry_hash)
            if tree.size in self.checkpoint_sizes:
                self.roots[tree.size], self.heads[tree.size] = tree.root(), r.entry_hash
            self._check_nodes(nodes, f.position, completed)
        self._check_head(expected - 1, prev)
        if rep.failure is not None:
            return rep
        rep.merkle_root = tree.root()
        if nodes is not None and rep.node_failure is None:
            extra = nodes.pending()
            if extra is not None:
                end, level = extra
                rep.node_failure = Failure(end, "tree_node_mismatch",
                                           f"stored Merkle node at level {level} ends at "
                                           f"position {end}, after the last entry")
        return rep

    def _check_head(self, last: int, prev: bytes) -> None:
        """Step 7 (a missing head row is the head_missing finding instead)."""
        if self.head is None:
            if last == 0 and not self.ledger_exists:
                raise CouldNotRun(f"no ledger_heads row and no entries for ledger {self.ledger!r}: "
                                  "there is no such ledger")
            return
        head_pos, head_hash = self.head
        if head_pos > last:
            self._fail(Failure(last + 1, "missing_entry",
                               f"the head is at {head_pos} but no entry at {last + 1}; found next none"))
        elif head_pos < last:
            self._fail(Failure(head_pos + 1, "entries_beyond_head",
                               f"entries exist after the recorded head {head_pos} (last is {last})"))
        elif head_hash != prev:
            self._fail(Failure(head_pos, "head_hash_mismatch",
                               f"recorded head hash at {head_pos} is not the last entry's hash"))


def orphan_payloads(paths: dict[str, Path]) -> list[tuple[int, int]]:
    """§10.2 step 8: (position, data_key_id) of every payload row whose position has
    no entry row, in position order.

    Streams the payloads export (ascending, §15) against the entry positions in
    stored order.  While the entry positions ascend this is a merge join; an entry
    position that does not ascend (an export that has already failed the chain) is
    remembered in a set, so the answer stays exact.  Memory: the orphans found plus
    the out-of-order entry positions."""
    ppath = paths["payloads"]
    payload_rows = iter_csv(ppath, PAYLOAD_COLUMNS)
    last = -2**64

    def next_payload() -> Optional[tuple[int, int]]:
        nonlocal last
        item = next(payload_rows, None)
        if item is None:
            return None
        line, row = item
        where = f"{ppath}:{line}"
        pos = parse_int(row["position"], "position", where)
        if pos <= last:
            raise CouldNotRun(f"{where}: rows are not in ascending position order")
        last = pos
        return pos, parse_int(row["data_key_id"], "data_key_id", where)

    candidates: list[tuple[int, int]] = []
    strays: set[int] = set()
    high: Optional[int] = None
    pending = next_payload()
    epath = paths["entries"]
    for line, row in iter_csv(epath, ENTRY_COLUMNS):
        pos = parse_int(row["position"], "position", f"{epath}:{line}")
        if high is not None and pos <= high:
            strays.add(pos)
            continue
        high = pos
        while pending is not None and pending[0] < pos:
            candidates.append(pending)
            pending = next_payload()
        if pending is not None and pending[0] == pos:
            pending = next_payload()
    while pending is not None:
        candidates.append(pending)
        pending = next_payload()
    return [c for c in candidates if c[0] not in strays]


class NodeStream:
    """The merkle-nodes export (§15: last_position, level, hash, ordered by
    last_position then level), read forward one position at a time."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._rows = iter_csv(path, NODE_COLUMNS)
        self._last = (0, 0)
        self._pending: Optional[tuple[int, int, bytes]] = None
        self._advance()

    @staticmethod
    def open(path: Path) -> Optional["NodeStream"]:
        """The stream, or None when the export has no node file (schema < 3)."""
        return NodeStream(path) if path.exists() else None

    def _advance(self) -> None:
        item = next(self._rows, None)
        if item is None:
            self._pending = None
            return
        line, row = item
        where = f"{self._path}:{line}"
        end = parse_int(row["last_position"], "last_position", where)
        level = parse_int(row["level"], "level", where)
        # §11.1/§15: a node covers last_position − 2^level + 1 … last_position, so
        # last_position is a positive multiple of 2^level; levels are 4 and up.
        if not (LOWEST_NODE_LEVEL <= level < 63
                and 0 < end <= MAX_POSITION and end % (1 << level) == 0):
            raise CouldNotRun(f"{where}: impossible Merkle node (last_position {end}, level {level})")
        if (end, level) <= self._last:
            raise CouldNotRun(f"{where}: nodes are not ordered by last_position, then level")
        self._last = (end, level)
        h = parse_hex(row["hash"], "hash", where)
        if len(h) != 32:
            raise CouldNotRun(f"{where}: a node hash is 32 bytes")
        self._pending = (end, level, h)

    def take(self, position: int) -> dict[int, bytes]:
        """The stored nodes whose last leaf is ``position``, by level (the caller
        visits every position in order, so nothing earlier is left)."""
        found: dict[int, bytes] = {}
        while self._pending is not None and self._pending[0] == position:
            found[self._pending[1]] = self._pending[2]
            self._advance()
        return found

    def pending(self) -> Optional[tuple[int, int]]:
        """The (last_position, level) of the first node not yet taken, if any."""
        return None if self._pending is None else self._pending[:2]


def read_stored_checkpoints(path: Path) -> list[tuple[str, int, bytes]]:
    """The checkpoints export (§15: id, tree_size, note), as (id, tree_size, note bytes)."""
    if not path.exists():
        raise CouldNotRun(f"--stored-checkpoints: missing export file {path}")
    out: list[tuple[str, int, bytes]] = []
    for line, row in iter_csv(path, CHECKPOINT_COLUMNS):
        where = f"{path}:{line}"
        parse_int(row["id"], "id", where)
        out.append((row["id"], parse_int(row["tree_size"], "tree_size", where),
                    row["note"].encode("utf-8")))
    return out


# ---------------------------------------------------------------------------
# §15: exporting with psql
# ---------------------------------------------------------------------------

def export_script(ledger: str, directory: Path) -> str:
    """The psql script of §15 for one ledger, writing into ``directory``.

    The ledger name is checked against §2's pattern before it is put in a literal
    (``\\copy`` does no variable interpolation)."""
    p = export_paths(directory, ledger)
    lit = "'" + ledger + "'"
    where = f"JOIN ledgers l ON l.id = {{a}}.ledger_id WHERE l.name = {lit}"
    return "\n".join([
        "\\set ON_ERROR_STOP on",
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;",
        f"\\copy (SELECT l.id, l.name FROM ledgers l WHERE l.name = {lit}) "
        f"TO '{p['ledger']}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        "\\copy (SELECT l.name AS ledger, e.position, e.event_id, e.stream, e.event_type, "
        "e.occurred_at_us, e.recorded_at_us, e.actor, e.dedupe_key, e.header, "
        "encode(e.payload_commitment, 'hex') AS payload_commitment, "
        "encode(e.prev_hash, 'hex') AS prev_hash, encode(e.entry_hash, 'hex') AS entry_hash "
        f"FROM ledger_entries e {where.format(a='e')} ORDER BY e.position) "
        f"TO '{p['entries']}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        "\\copy (SELECT l.name AS ledger, h.position, encode(h.head_hash, 'hex') AS head_hash "
        f"FROM ledger_heads h {where.format(a='h')}) "
        f"TO '{p['head']}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        "\\copy (SELECT d.position, d.data_key_id, d.authorised_by_position "
        f"FROM payload_destructions d {where.format(a='d')} ORDER BY d.position) "
        f"TO '{p['destructions']}' WITH (FORMAT csv, HEADER true)",
        "\\copy (SELECT k.id, k.stream, k.period, k.master_key_id, "
        "encode(k.wrapped_key, 'hex') AS wrapped_key, k.destroyed_by_position "
        f"FROM data_keys k {where.format(a='k')} ORDER BY k.id) "
        f"TO '{p['data-keys']}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        "\\copy (SELECT p.position, p.data_key_id, encode(p.sealed, 'hex') AS sealed "
        f"FROM ledger_payloads p {where.format(a='p')} ORDER BY p.position) "
        f"TO '{p['payloads']}' WITH (FORMAT csv, HEADER true)",
        # Schema version 3 (§15): absent from an older database.
        "SELECT to_regclass('merkle_nodes') IS NOT NULL AS rk_has_v3 \\gset",
        "\\if :rk_has_v3",
        "\\copy (SELECT n.last_position, n.level, encode(n.hash, 'hex') AS hash "
        f"FROM merkle_nodes n {where.format(a='n')} ORDER BY n.last_position, n.level) "
        f"TO '{p['merkle-nodes']}' WITH (FORMAT csv, HEADER true)",
        "\\copy (SELECT c.id, c.tree_size, c.note "
        f"FROM checkpoints c {where.format(a='c')} ORDER BY c.id) "
        f"TO '{p['checkpoints']}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        "\\copy (SELECT s.id, encode(s.public_key, 'hex') AS public_key, s.master_key_id "
        f"FROM signing_keys s ORDER BY s.id) TO '{p['signing-keys']}' WITH (FORMAT csv, HEADER true)",
        "\\endif",
        "COMMIT;",
        "",
    ])


def export_with_psql(url: str, ledger: str, directory: Path) -> None:
    """Run psql once, in one read-only REPEATABLE READ transaction (§15)."""
    psql = shutil.which("psql")
    if psql is None:
        raise CouldNotRun("psql not found on PATH")
    env = dict(os.environ)
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c default_transaction_read_only=on").strip()
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    proc = subprocess.run(
        [psql, "--no-psqlrc", "--quiet", "--no-password", "--set", "ON_ERROR_STOP=1", "-d", url],
        input=export_script(ledger, directory), text=True, capture_output=True, env=env)
    if proc.returncode != 0:
        raise CouldNotRun(f"psql failed (exit {proc.returncode}): {proc.stderr.strip()}")


# ---------------------------------------------------------------------------
# --self-test: the vectors of docs/test-vectors.json (§17)
# ---------------------------------------------------------------------------

def vector_payload(p: Optional[dict[str, Any]]) -> Optional[bytes]:
    """Decode a vector payload: utf8, hex or generator (§17)."""
    if p is None:
        return None
    if "utf8" in p:
        return p["utf8"].encode("utf-8")
    if "hex" in p:
        return bytes.fromhex(p["hex"])
    gen = p["generator"]
    pattern, length = bytes.fromhex(gen["pattern_hex"]), int(gen["length"])
    data = (pattern * (length // len(pattern) + 1))[:length]
    if hashlib.sha256(data).hexdigest() != p["sha256"].lower():
        raise ValueError("generated payload does not match its sha256")
    return data


def vector_fields(inp: dict[str, Any], commitment: bytes) -> EntryFields:
    """EntryFields from a vector's inputs."""
    return EntryFields(
        ledger=inp["ledger"], position=int(inp["position"]),
        event_id=uuid.UUID(inp["event_id"]).bytes, stream=inp["stream"],
        event_type=inp["event_type"], occurred_at_us=int(inp["occurred_at_us"]),
        recorded_at_us=int(inp["recorded_at_us"]), actor=inp["actor"],
        dedupe_key=inp["dedupe_key"], header=inp["header"],
        payload_commitment=commitment)


class SelfTest:
    """Collects checks and mismatches."""

    def __init__(self) -> None:
        self.checks = 0
        self.mismatches: list[str] = []

    def eq(self, name: str, what: str, got: Any, want: Any) -> None:
        """Record one comparison (hex strings compared case-insensitively)."""
        self.checks += 1
        if isinstance(got, bytes):
            got = got.hex()
        if isinstance(want, bytes):
            want = want.hex()
        if isinstance(want, str) and isinstance(got, str):
            ok = got.lower() == want.lower() if re.fullmatch(r"[0-9a-fA-F]*", want) else got == want
        else:
            ok = got == want
        if not ok:
            self.mismatches.append(f"{name}: {what}: got {got}, expected {want}")


def selftest_entries(t: SelfTest, vectors: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Entry vectors: commitment, encoding, entry hash, leaf hash, period, chain links."""
    by_name: dict[str, dict[str, Any]] = {}
    chains: dict[str, tuple[int, bytes, CompactRange]] = {}
    for v in vectors.get("entries", []):
        name, inp, exp = v["name"], v["inputs"], v["expected"]
        by_name[name] = v
        payload = vector_payload(inp.get("payload"))
        if inp.get("salt") is not None and payload is not None:
            commitment = payload_commitment(bytes.fromhex(inp["salt"]), payload)
        else:
            commitment = bytes.fromhex(inp["payload_commitment"])
        t.eq(name, "payload_commitment", commitment, exp["payload_commitment"])
        fields = vector_fields(inp, commitment)
        prev = bytes.fromhex(inp["prev_hash"])
        parts = entry_encoding_parts(fields, prev)
        encoding = b"".join(p for _, p in parts)
        if "encoding" in exp:
            t.eq(name, "encoding", encoding, exp["encoding"])
        if "encoding_length" in exp:
            t.eq(name, "encoding_length", len(encoding), exp["encoding_length"])
        if "encoding_parts" in exp:
            t.eq(name, "encoding_parts", [[n, b.hex()] for n, b in parts],
                 [[n, h.lower()] for n, h in exp["encoding_parts"]])
        h = hashlib.sha256(encoding).digest()
        t.eq(name, "entry_hash", h, exp["entry_hash"])
        t.eq(name, "merkle_leaf_hash", merkle_leaf_hash(h), exp["merkle_leaf_hash"])
        if "data_key_period" in exp:
            t.eq(name, "data_key_period", data_key_period(fields.occurred_at_us),
                 exp["data_key_period"])
        for key in ("occurred_at", "recorded_at"):
            if key in exp:
                t.eq(name, key, rfc3339_us(getattr(fields, key + "_us")), exp[key])
        if v.get("chain"):
            last, last_hash, tree = chains.get(v["chain"], (0, GENESIS, CompactRange()))
            t.eq(name, f"chain {v['chain']} position", fields.position, last + 1)
            t.eq(name, f"chain {v['chain']} prev_hash", prev, last_hash)
            tree.push(bytes.fromhex(exp["entry_hash"]))
            chains[v["chain"]] = (fields.position, bytes.fromhex(exp["entry_hash"]), tree)
    return by_name


def selftest_keys(t: SelfTest, vectors: dict[str, Any]) -> dict[str, bytes]:
    """Wrapped data key vectors: master key id, associated data, wrap and unwrap."""
    data_keys: dict[str, bytes] = {}
    for v in vectors.get("wrapped_data_keys", []):
        name, inp, exp = v["name"], v["inputs"], v["expected"]
        master = bytes.fromhex(inp["master_key"])
        if "master_key_base64" in inp:
            t.eq(name, "master_key_base64", parse_master_key_text(inp["master_key_base64"]), master.hex())
        t.eq(name, "master_key_id", master_key_id(master), exp["master_key_id"])
        s = inp["scope"]
        aad = data_key_associated_data(s["ledger"], s["stream"], s["period"])
        t.eq(name, "associated_data", aad, exp["associated_data"])
        wrapped = aes_gcm_seal(master, bytes.fromhex(inp["nonce"]), bytes.fromhex(inp["data_key"]), aad)
        t.eq(name, "wrapped", wrapped, exp["wrapped"])
        unwrapped = unwrap_data_key(master, bytes.fromhex(exp["wrapped"]),
                                    s["ledger"], s["stream"], s["period"])
        t.eq(name, "unwrap(wrapped)", unwrapped.hex() if unwrapped else None, inp["data_key"])
        data_keys[name] = bytes.fromhex(inp["data_key"])
    return data_keys


def selftest_seals(t: SelfTest, vectors: dict[str, Any], data_keys: dict[str, bytes],
                   entries: dict[str, dict[str, Any]]) -> None:
    """Sealed payload vectors: associated data, seal, open, commitment."""
    for v in vectors.get("sealed_payloads", []):
        name, inp, exp = v["name"], v["inputs"], v["expected"]
        key = bytes.fromhex(inp["data_key"])
        if inp.get("data_key_from") in data_keys:
            t.eq(name, "data_key = unwrap(data_key_from)", key, data_keys[inp["data_key_from"]].hex())
        event_id = uuid.UUID(inp["event_id"]).bytes
        aad = payload_associated_data(inp["ledger"], event_id)
        t.eq(name, "associated_data", aad, exp["associated_data"])
        salt, payload = bytes.fromhex(inp["salt"]), vector_payload(inp["payload"]) or b""
        sealed = aes_gcm_seal(key, bytes.fromhex(inp["nonce"]), salt + payload, aad)
        t.eq(name, "sealed", sealed, exp["sealed"])
        t.eq(name, "len(sealed)", len(bytes.fromhex(exp["sealed"])), 12 + 32 + len(payload) + 16)
        opened = open_payload(key, bytes.fromhex(exp["sealed"]), inp["ledger"], event_id)
        t.eq(name, "open(sealed)", opened is not None and opened == (salt, payload), True)
        if opened:
            t.eq(name, "payload_commitment", payload_commitment(*opened), exp["payload_commitment"])
        other = bytearray(event_id)
        other[-1] ^= 1
        t.eq(name, "open under another event id fails",
             open_payload(key, bytes.fromhex(exp["sealed"]), inp["ledger"], bytes(other)), None)
        ent = entries.get(v.get("entry", ""))
        if ent:
            t.eq(name, f"commitment = entry {v['entry']}'s", exp["payload_commitment"],
                 ent["expected"]["payload_commitment"])


def utc_seconds(seconds: int) -> str:
    """YYYY-MM-DDTHH:MM:SSZ of seconds since the epoch (the recordkeeper-created line)."""
    return rfc3339_us(seconds * 1_000_000)[:19] + "Z"


def checkpoint_body(origin: str, size: int, root: bytes, chain_head: bytes,
                    created: str) -> str:
    """The body of §12.2, every line ending in \\n."""
    return (f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
            f"recordkeeper-chain-head {chain_head.hex()}\n"
            f"recordkeeper-created {created}\n")


def signed_note(body: str, key_name: str, key_id: bytes, signature: bytes) -> str:
    """The signed note of §12.3 with one signature line."""
    return f"{body}\n{EM_DASH} {key_name} {base64.b64encode(key_id + signature).decode()}\n"


def selftest_checkpoints(t: SelfTest, vectors: dict[str, Any],
                         entries: dict[str, dict[str, Any]]) -> None:
    """The ``checkpoints`` section (§17): key, bodies, roots, signatures, notes,
    inclusion and consistency proofs over the leaves of its chain."""
    sec = vectors.get("checkpoints")
    if sec is None:
        return
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
    name = "checkpoints"
    ledger, log_name, origin = sec["ledger"], sec["log_name"], sec["origin"]
    t.eq(name, "origin = <log name>/ledgers/<ledger> (§12.1)", origin,
         f"{log_name}/ledgers/{ledger}")
    signer = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(sec["signing_key_seed"]))
    pub = signer.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    t.eq(name, "public_key from signing_key_seed", pub, sec["public_key"])
    key_id = note_key_id(origin, pub)
    t.eq(name, "key_id (§12.3)", key_id, sec["key_id"])
    t.eq(name, "verifier_key (§12.4)",
         f"{origin}+{key_id.hex()}+{base64.b64encode(ED25519_ALG + pub).decode()}",
         sec["verifier_key"])
    vkey = parse_verifier_key(sec["verifier_key"])
    t.eq(name, "parse(verifier_key)", (vkey.name, vkey.key_id.hex(), vkey.public_key.hex()),
         (origin, key_id.hex(), pub.hex()))

    # The leaves: the entry vectors of this chain, in position order.
    chain = sorted((v for v in entries.values() if v.get("chain") == ledger),
                   key=lambda v: int(v["inputs"]["position"]))
    t.eq(name, f"chain {ledger} positions", [int(v["inputs"]["position"]) for v in chain],
         list(range(1, len(chain) + 1)))
    hashes = [bytes.fromhex(v["expected"]["entry_hash"]) for v in chain]
    leaves = [merkle_leaf_hash(h) for h in hashes]
    roots: dict[int, bytes] = {}
    heads: dict[int, bytes] = {0: GENESIS}
    tree = CompactRange()
    roots[0] = tree.root()
    for i, h in enumerate(hashes, start=1):
        tree.push(h)
        roots[i], heads[i] = tree.root(), h
        t.eq(name, f"compact range root {i} = MTH", roots[i], mth(leaves[:i]))
    t.eq(name, "root of the empty tree", roots[0], EMPTY_TREE_ROOT)

    sizes_seen = []
    for cp in sec["checkpoints"]:
        n, exp = int(cp["tree_size"]), cp["expected"]
        cname = f"checkpoint {n}"
        sizes_seen.append(n)
        if n not in roots:
            t.eq(cname, "tree_size within the chain", n, f"≤ {len(hashes)}")
            continue
        t.eq(cname, "root_hash", roots[n], exp["root_hash"])
        t.eq(cname, "root_hash_base64", base64.b64encode(roots[n]).decode(),
             exp["root_hash_base64"])
        t.eq(cname, "chain_head", heads[n], exp["chain_head"])
        created = utc_seconds(int(cp["created_at"]))
        body = checkpoint_body(origin, n, roots[n], heads[n], created)
        t.eq(cname, "body (§12.2)", body, exp["body"])
        parsed = parse_checkpoint_body(exp["body"])
        t.eq(cname, "parse(body)", (parsed.origin, parsed.tree_size, parsed.root.hex(),
                                    parsed.chain_head.hex() if parsed.chain_head else None,
                                    parsed.created),
             (origin, n, roots[n].hex(), heads[n].hex(), created))
        sig = signer.sign(body.encode("utf-8"))
        t.eq(cname, "signature (Ed25519 of the body, seed given)", sig, exp["signature"])
        note = signed_note(body, origin, key_id, sig)
        t.eq(cname, "note (§12.3)", note, exp["note"])
        data = exp["note"].encode("utf-8")
        nbody, sigs = split_signed_note(data)
        t.eq(cname, "split(note) body", nbody, exp["body"])
        t.eq(cname, "note verifies with verifier_key", note_signature_ok(nbody, sigs, [vkey]), True)
        for log in (log_name, None):
            res = precheck_checkpoint("file", cname, data, [vkey], ledger, log)
            finish_checkpoint(res, len(hashes), roots, heads)
            t.eq(cname, f"§12.6 against the chain (log name {log})",
                 res.failure.code if res.failure else res.status(), "ok")
        # Negative checks: each must be caught with its §12.6 code.
        bad = [("body altered", data.replace(b"recordkeeper-created 2", b"recordkeeper-created 1"),
                [vkey], ledger, "checkpoint_signature_invalid"),
               ("untrusted key", data, [VerifierKey(origin, key_id, bytes(32))], ledger,
                "checkpoint_signature_invalid"),
               ("carriage return", data.replace(b"\n", b"\r\n", 1), [vkey], ledger,
                "checkpoint_signature_invalid"),
               ("other ledger", data, [vkey], ledger + "-x", "checkpoint_origin_mismatch")]
        for what, note_bytes, keys, led, code in bad:
            res = precheck_checkpoint("file", cname, note_bytes, keys, led, log_name)
            t.eq(cname, f"rejects: {what}", res.failure.code if res.failure else "ok", code)
        if n > 0:
            res = precheck_checkpoint("file", cname, data, [vkey], ledger, log_name)
            finish_checkpoint(res, n - 1, roots, heads)
            t.eq(cname, "shorter ledger: checkpoint_beyond_head at n",
                 (res.failure.code, res.failure.position) if res.failure else None,
                 ("checkpoint_beyond_head", n))
            other = dict(roots)
            other[n] = hashlib.sha256(roots[n]).digest()
            res = precheck_checkpoint("file", cname, data, [vkey], ledger, log_name)
            finish_checkpoint(res, len(hashes), other, heads)
            t.eq(cname, "other root: checkpoint_root_mismatch at n",
                 (res.failure.code, res.failure.position) if res.failure else None,
                 ("checkpoint_root_mismatch", n))
    t.eq(name, "checkpoint sizes", sorted(sizes_seen), list(range(0, len(hashes) + 1)))

    seen_incl = []
    for v in sec["inclusion_proofs"]:
        pos, n = int(v["position"]), int(v["tree_size"])
        proof = [bytes.fromhex(h) for h in v["proof"]]
        iname = f"inclusion {pos} in {n}"
        seen_incl.append((pos, n))
        t.eq(iname, "proof = PATH (RFC 9162 §2.1.3.1)",
             [h.hex() for h in inclusion_path(pos - 1, leaves[:n])], [h.lower() for h in v["proof"]])
        t.eq(iname, "verifies (§2.1.3.2)",
             verify_inclusion(pos - 1, n, leaves[pos - 1], proof, roots[n]), True)
        if proof:
            forged = [hashlib.sha256(proof[0]).digest()] + proof[1:]
            t.eq(iname, "altered proof fails",
                 verify_inclusion(pos - 1, n, leaves[pos - 1], forged, roots[n]), False)
    t.eq(name, "inclusion proofs for every position of every size",
         sorted(seen_incl), sorted((p, n) for n in range(1, len(hashes) + 1) for p in range(1, n + 1)))

    seen_cons = []
    for v in sec["consistency_proofs"]:
        m, n = int(v["from_size"]), int(v["to_size"])
        proof = [bytes.fromhex(h) for h in v["proof"]]
        cname = f"consistency {m}→{n}"
        seen_cons.append((m, n))
        t.eq(cname, "proof = PROOF (RFC 9162 §2.1.4.1)",
             [h.hex() for h in consistency_path(m, leaves[:n])], [h.lower() for h in v["proof"]])
        t.eq(cname, "verifies (§2.1.4.2)", verify_consistency(m, n, roots[m], roots[n], proof), True)
        if proof:
            forged = proof[:-1] + [hashlib.sha256(proof[-1]).digest()]
            t.eq(cname, "altered proof fails",
                 verify_consistency(m, n, roots[m], roots[n], forged), False)
    t.eq(name, "consistency proofs for every pair",
         sorted(seen_cons), sorted((m, n) for n in range(0, len(hashes) + 1) for m in range(0, n + 1)))


def run_self_test(path: str) -> int:
    """--self-test: re-derive every vector; exit 0 if all match."""
    try:
        vectors = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"verify_ledger.py: cannot read {path}: {e}", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    t = SelfTest()
    entries = selftest_entries(t, vectors)
    keys = selftest_keys(t, vectors)
    selftest_seals(t, vectors, keys, entries)
    selftest_checkpoints(t, vectors, entries)
    for v in vectors.get("timestamps", []):
        t.eq(v["name"], "text", rfc3339_us(int(v["microseconds"])), v["text"])
    t.eq("genesis", "genesis", GENESIS, vectors.get("genesis", GENESIS.hex()))
    counts = ", ".join(f"{len(vectors.get(s, []))} {s}" for s in
                       ("entries", "wrapped_data_keys", "sealed_payloads", "timestamps")
                       if s in vectors)
    if "checkpoints" in vectors:
        sec = vectors["checkpoints"]
        counts += (f", {len(sec.get('checkpoints', []))} checkpoints, "
                   f"{len(sec.get('inclusion_proofs', []))} inclusion and "
                   f"{len(sec.get('consistency_proofs', []))} consistency proofs")
    for m in t.mismatches:
        print(f"MISMATCH {m}")
    status = "OK" if not t.mismatches else "FAILED"
    print(f"{status}  {t.checks} checks over {counts}; {len(t.mismatches)} mismatches")
    return EXIT_OK if not t.mismatches else EXIT_FAILED


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

HELP_EPILOG = """\
export directory (--export-dir DIR), as written by the \\copy commands of
docs/ledger-format.md §15 for ledger L (CSV, header line, byte columns hex):
  L-ledger.csv        id,name (optional)
  L-entries.csv       ledger,position,event_id,stream,event_type,occurred_at_us,
                      recorded_at_us,actor,dedupe_key,header,payload_commitment,
                      prev_hash,entry_hash   (read in stored order)
  L-head.csv          ledger,position,head_hash
  L-destructions.csv  position,data_key_id,authorised_by_position (by position)
  L-data-keys.csv     id,stream,period,master_key_id,wrapped_key,destroyed_by_position
  L-payloads.csv      position,data_key_id,sealed (by position)
  L-merkle-nodes.csv  last_position,level,hash (by last_position, level); optional
                      (schema < 3): checked as tree_node_mismatch, §11.1
  L-checkpoints.csv   id,tree_size,note (by id); read only with --stored-checkpoints
  L-signing-keys.csv  id,public_key,master_key_id (by id); optional: confirms the
                      master key (the public keys are never trusted)

what is reported (§12.6): the first chain failure (§10.2); else the findings
(head_missing, payload_key_unavailable, orphan_payload); else the first failing
checkpoint (--checkpoint files in the order given, then stored ones by id); else
the first stored Merkle node that differs from the entries (tree_node_mismatch).

exit status: 0 everything verifies; 1 tampering or a failed check (the first
bad position and its §10.3 code are printed); 2 could not run (bad arguments,
unreadable files, psql failure, a master key that is not the one wrapping the
data keys).

examples:
  verify_ledger.py --database postgres://auditor@db/recordkeeper --ledger agency-main
  verify_ledger.py --export-dir ./export --ledger agency-main \\
      --master-key-file master.key --checkpoint cp.checkpoint \\
      --public-key-file keys.txt --log-name records.example.wa.gov --json
  verify_ledger.py --self-test docs/test-vectors.json
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    p = argparse.ArgumentParser(
        prog="verify_ledger.py",
        description="Independently verify a Recordkeeper ledger (format v1, "
                    "docs/ledger-format.md): hash chain (§10.2), payloads (with a master "
                    "key), Merkle root (§11) and signed checkpoints (§12.6).",
        epilog=HELP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--database", metavar="URL",
                     help="PostgreSQL URL; the tables are exported with psql in one read-only "
                          "REPEATABLE READ transaction (§15) into a temporary directory")
    src.add_argument("--export-dir", metavar="DIR", help="directory of CSV files exported as in §15")
    src.add_argument("--self-test", metavar="VECTORS", nargs="?", const="__default__",
                     help="re-derive every vector of docs/test-vectors.json (or VECTORS) and "
                          "report mismatches")
    p.add_argument("--ledger", metavar="NAME", help="the ledger to verify (required)")
    p.add_argument("--checkpoint", metavar="FILE", action="append", default=[],
                   help="a signed checkpoint note (§12); repeatable")
    p.add_argument("--public-key", metavar="VKEY", action="append", default=[],
                   help="a trusted verifier key NAME+KEYID+BASE64 (§12.4); repeatable")
    p.add_argument("--public-key-file", metavar="FILE", action="append", default=[],
                   help="a file of verifier keys, one per line (blank lines and # comments "
                        "ignored); repeatable")
    p.add_argument("--stored-checkpoints", action="store_true",
                   help="also check the checkpoints stored in the database (the checkpoints "
                        "table, §15), after the --checkpoint files; each must verify with a "
                        "key given by --public-key(-file): the database's keys are not trusted")
    p.add_argument("--log-name", metavar="NAME",
                   help="the deployment's log name; checkpoints must have origin "
                        "NAME/ledgers/LEDGER (default: any origin ending in /ledgers/LEDGER)")
    p.add_argument("--master-key-file", metavar="FILE",
                   help="the master key file (base64 of 32 bytes, §8): also decrypt and check "
                        "every stored payload (level chain+payloads)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--keep-export", metavar="DIR",
                   help="with --database: export into DIR (created) and keep the files")
    return p


def load_keys(args: argparse.Namespace) -> list[VerifierKey]:
    """Trusted keys from --public-key and --public-key-file."""
    texts = list(args.public_key)
    for path in args.public_key_file:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise CouldNotRun(f"cannot read public key file {path}: {e}") from None
        texts += [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return [parse_verifier_key(t) for t in texts]


@dataclasses.dataclass
class Outcome:
    """Everything the tool reports."""

    ledger: str
    level: str
    chain: ChainReport
    checkpoints: list[CheckpointResult]

    def first_failure(self) -> Optional[Failure]:
        """§12.6: the chain failure if any; else the first failing checkpoint's, in
        the order given (files, then stored); else the first wrong stored node."""
        if self.chain.failure:
            return self.chain.failure
        if self.chain.findings:
            return self.chain.findings[0]
        cp = next((c.failure for c in self.checkpoints if c.failure), None)
        return cp or self.chain.node_failure

    def as_json(self) -> dict[str, Any]:
        """The --json object."""
        f = self.first_failure()
        c = self.chain
        return {"ok": f is None, "ledger": self.ledger, "entries": c.entries,
                "level": self.level,
                "first_bad_position": f.position if f else None,
                "reason_code": f.code if f else None,
                "reason": f.reason if f else "intact",
                "merkle_root": c.merkle_root.hex() if c.merkle_root is not None else None,
                "findings": [{"reason_code": x.code, "first_bad_position": x.position,
                              "reason": x.reason} for x in c.findings],
                "tree_nodes": {"checked": c.nodes_checked,
                               "ok": c.node_failure is None if c.nodes_checked is not None
                               and c.failure is None else None},
                "checkpoints": [cp.as_json() for cp in self.checkpoints],
                "payloads_destroyed": c.payloads_destroyed,
                "destructions": authorities(self)}


def verify(args: argparse.Namespace, directory: Path) -> Outcome:
    """Verify the export in ``directory`` and the checkpoints."""
    master = read_master_key_file(args.master_key_file) if args.master_key_file else None
    keys = load_keys(args)
    if (args.checkpoint or args.stored_checkpoints) and not keys:
        raise CouldNotRun("--checkpoint and --stored-checkpoints need at least one "
                          "--public-key or --public-key-file (the database's own keys are "
                          "never trusted)")
    paths = export_paths(directory, args.ledger)
    for kind, path in paths.items():
        if kind not in ("merkle-nodes", "checkpoints", "ledger", "signing-keys") \
                and not path.is_file():
            raise CouldNotRun(f"missing export file {path}")
    # §12.6: outside files first, in the order given, then those stored in the database.
    results = [precheck_checkpoint("file", c, read_checkpoint_file(c), keys, args.ledger,
                                   args.log_name) for c in args.checkpoint]
    if args.stored_checkpoints:
        for cid, size, note in read_stored_checkpoints(paths["checkpoints"]):
            res = precheck_checkpoint("stored", cid, note, keys, args.ledger, args.log_name)
            if res.checkpoint is not None and res.checkpoint.tree_size != size:
                print(f"verify_ledger.py: warning: stored checkpoint id {cid}: column tree_size "
                      f"{size} is not the signed note's {res.checkpoint.tree_size} (the note "
                      "is what is checked)", file=sys.stderr)
            results.append(res)
    sizes = {r.checkpoint.tree_size for r in results if r.checkpoint and r.failure is None}
    verifier = ChainVerifier(paths, args.ledger, master, sizes)
    report = verifier.run()
    if report.failure is None:          # §12.6: steps 3–5 only on a verified chain
        for r in results:
            finish_checkpoint(r, report.entries, verifier.roots, verifier.heads)
    return Outcome(args.ledger, "chain+payloads" if master else "chain", report, results)


def authorities(o: Outcome) -> list[dict[str, Any]]:
    """One object per record.destroyed authority: the payloads it lawfully destroyed and the
    series, disposition list and approvals its retained header names (§9)."""
    found = []
    for auth, count in sorted(o.chain.destroyed_by_authority.items()):
        try:
            h = json.loads(o.chain.authority_headers.get(auth, "{}"))
        except (ValueError, RecursionError):
            h = {}
        if not isinstance(h, dict):
            h = {}
        found.append({"authorised_by": auth, "payloads": count,
                      "series": h.get("series") if isinstance(h.get("series"), str) else None,
                      "list": h.get("list") if isinstance(h.get("list"), str) else None,
                      "approvals": h.get("approvals") if isinstance(h.get("approvals"), list) else [],
                      "method": h.get("method") if isinstance(h.get("method"), str) else None})
    return found


def authority_line(a: dict[str, Any]) -> str:
    """The human line of one authority."""
    approved = f", approved at positions {', '.join(str(x) for x in a['approvals'])}" \
        if a["approvals"] else ""
    listed = f", list {a['list']}" if a["list"] else ""
    return (f"lawfully destroyed: {a['payloads']} payloads under record.destroyed at position "
            f"{a['authorised_by']}: {a['series'] or 'no series named'}{listed}{approved}, "
            f"{a['method'] or 'method not named'}")


def print_human(o: Outcome) -> None:
    """A short human summary."""
    f = o.first_failure()
    c = o.chain
    print(f"{'OK' if f is None else 'FAILED'}  ledger {o.ledger}: {c.entries} entries, "
          f"level {o.level}")
    for x in c.findings:
        at = "" if x.position is None else f" at position {x.position}"
        print(f"  finding: {x.code}{at}: {x.reason}")
    if c.failure:
        print(f"  chain: {c.failure.code} at position {c.failure.position}: {c.failure.reason}")
    else:
        extra = f", {c.payloads_checked} payloads checked, {c.payloads_destroyed} destroyed" \
            if o.level == "chain+payloads" else ""
        print(f"  chain: intact{extra}")
        for a in authorities(o):
            print(f"  {authority_line(a)}")
        print(f"  merkle root: {c.merkle_root.hex() if c.merkle_root else '-'}")
        if c.nodes_checked is None:
            print("  stored merkle nodes: no export (not checked)")
        elif c.node_failure is None:
            print(f"  stored merkle nodes: {c.nodes_checked} checked, all match")
        else:
            print(f"  stored merkle nodes: {c.node_failure.code} at "
                  f"{c.node_failure.position}: {c.node_failure.reason}")
    for r in o.checkpoints:
        state = r.status() if r.failure is None else \
            f"{r.failure.code}" + (f" at {r.failure.position}" if r.failure.position else "") + \
            f": {r.failure.reason}"
        what = f"checkpoint {r.label}" if r.source == "file" else f"stored checkpoint id {r.label}"
        print(f"  {what} (size {r.tree_size}): {state}")
    if f is not None:
        print(f"  first failure: {f.code} at {'none' if f.position is None else f.position}")


def main(argv: Optional[list[str]] = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_OK if e.code == 0 else EXIT_COULD_NOT_RUN
    if args.self_test is not None:
        path = args.self_test if args.self_test != "__default__" else \
            str(Path(__file__).resolve().parent.parent / "docs" / "test-vectors.json")
        return run_self_test(path)
    if not args.ledger or not (args.database or args.export_dir):
        parser.print_usage(sys.stderr)
        print("verify_ledger.py: --ledger and one of --database/--export-dir are required",
              file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    if not LEDGER_NAME_RE.match(args.ledger):
        print(f"verify_ledger.py: invalid ledger name {args.ledger!r} (§2)", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    try:
        if args.export_dir:
            outcome = verify(args, Path(args.export_dir))
        elif args.keep_export:
            d = Path(args.keep_export)
            d.mkdir(parents=True, exist_ok=True)
            export_with_psql(args.database, args.ledger, d.resolve())
            outcome = verify(args, d)
        else:
            with tempfile.TemporaryDirectory(prefix="rk-verify-") as tmp:
                export_with_psql(args.database, args.ledger, Path(tmp))
                outcome = verify(args, Path(tmp))
    except CouldNotRun as e:
        if args.json:
            print(json.dumps({"ok": False, "ledger": args.ledger, "entries": 0,
                              "level": "chain+payloads" if args.master_key_file else "chain",
                              "first_bad_position": None, "reason_code": None,
                              "reason": f"could not run: {e}", "error": str(e),
                              "merkle_root": None, "tree_nodes": None,
                              "checkpoints": []}, indent=2))
        print(f"verify_ledger.py: could not run: {e}", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    for w in outcome.chain.warnings:
        print(f"verify_ledger.py: warning: {w}", file=sys.stderr)
    if args.json:
        print(json.dumps(outcome.as_json(), indent=2))
    else:
        print_human(outcome)
    return EXIT_OK if outcome.first_failure() is None else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
