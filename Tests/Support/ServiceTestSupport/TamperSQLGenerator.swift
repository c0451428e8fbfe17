import Foundation

/// Writes the SQL of the tampering scenarios that need hashes (a forged entry with a correct hash,
/// a chain rewritten consistently with its stored tree and head …) for ``IndependentVerifierTests``.
///
/// The hashes are computed by `tools/verify_ledger.py`'s encoder, which is written from
/// `docs/ledger-format.md` alone, never by the Swift code under test. The script is kept here as a
/// string (a `.py` file in the test target would be an unhandled resource for SwiftPM) and written
/// to the test's directory at run time.
///
///     python3 tamper_sql.py VERIFY_LEDGER_PY DATABASE_URL LEDGER MASTER_KEY_FILE OUT_JSON
///
/// It exports the untouched ledger as `docs/ledger-format.md` §15 shows, and writes
/// `{"head": N, "scenarios": {name: [SQL statement, …]}}`.
package enum TamperSQLGenerator {
    package struct Output: Decodable {
        package var head: Int
        package var scenarios: [String: [String]]
    }

    package static let fileName = "tamper_sql.py"

    package static let source = #"""
        import hashlib, importlib.util, json, os, sys, tempfile, uuid
        from pathlib import Path

        verifier_path, url, ledger, master_key_file, out = sys.argv[1:6]
        sys.dont_write_bytecode = True  # no __pycache__ in the repository's tools/
        spec = importlib.util.spec_from_file_location("verify_ledger", verifier_path)
        vl = importlib.util.module_from_spec(spec)
        sys.modules["verify_ledger"] = vl
        spec.loader.exec_module(vl)

        master = vl.read_master_key_file(master_key_file)
        with tempfile.TemporaryDirectory() as tmp:
            vl.export_with_psql(url, ledger, Path(tmp))
            paths = vl.export_paths(Path(tmp), ledger)
            rows = list(vl.iter_entries(paths["entries"]))
            payloads = {int(r["position"]): r for _, r in vl.iter_csv(paths["payloads"], vl.PAYLOAD_COLUMNS)}
            keys = vl.read_data_keys(paths["data-keys"])
        head = len(rows)
        assert [r.fields.position for r in rows] == list(range(1, head + 1)), "the ledger must be intact"
        L = f"(SELECT id FROM ledgers WHERE name = '{ledger}')"


        def lit(s):
            return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


        def bx(b):
            return "'\\x" + b.hex() + "'::bytea"


        def seal_in_scope_of(pos, event_id, payload):
            """(commitment, sealed, data key id): a valid payload under the data key of entry pos."""
            kid = int(payloads[pos]["data_key_id"])
            k = keys[kid]
            key = vl.unwrap_data_key(master, k.wrapped_key, ledger, k.stream, k.period)
            salt = os.urandom(32)
            sealed = vl.aes_gcm_seal(key, os.urandom(12), salt + payload,
                                     vl.payload_associated_data(ledger, event_id))
            return vl.payload_commitment(salt, payload), sealed, kid


        def insert_entry(f, prev, h):
            return ("INSERT INTO ledger_entries (ledger_id, position, event_id, stream, event_type, occurred_at_us, "
                    "recorded_at_us, actor, dedupe_key, header, payload_commitment, prev_hash, entry_hash) VALUES "
                    f"({L}, {f.position}, '{uuid.UUID(bytes=f.event_id)}', {lit(f.stream)}, {lit(f.event_type)}, "
                    f"{f.occurred_at_us}, {f.recorded_at_us}, {lit(f.actor)}, {lit(f.dedupe_key)}, {lit(f.header)}, "
                    f"{bx(f.payload_commitment)}, {bx(prev)}, {bx(h)})")


        def insert_payload(pos, kid, sealed):
            return (f"INSERT INTO ledger_payloads (ledger_id, position, data_key_id, sealed) "
                    f"VALUES ({L}, {pos}, {kid}, {bx(sealed)})")


        def shift_up(table, k):
            return [f"UPDATE {table} SET position = position + 1000000 WHERE ledger_id = {L} AND position >= {k}",
                    f"UPDATE {table} SET position = position - 999999 WHERE ledger_id = {L} AND position > 1000000"]


        def forged_like(pos, new_pos):
            """A forged entry at new_pos in the scope (stream, month) of entry pos, with a valid payload."""
            f = rows[pos - 1].fields
            event_id = uuid.uuid4().bytes
            commitment, sealed, kid = seal_in_scope_of(pos, event_id, b'{"text":"forged"}')
            forged = vl.EntryFields(ledger, new_pos, event_id, f.stream, f.event_type, f.occurred_at_us,
                                    f.recorded_at_us, "mallory", None, '{"direction":"inbound"}', commitment)
            return forged, sealed, kid


        def rewrite_from(k, nodes_and_head):
            """Entry k's actor changed and every hash from k on recomputed; optionally the stored
            tree (every node of level 4 or more, section 11.1) and the head rewritten to match."""
            stmts, hashes = [], [r.entry_hash for r in rows[:k - 1]]
            prev = hashes[-1] if hashes else vl.GENESIS
            for r in rows[k - 1:]:
                f = r.fields
                if f.position == k:
                    f = vl.EntryFields(**{**f.__dict__, "actor": "mallory"})
                h = vl.entry_hash(f, prev)
                stmts.append(f"UPDATE ledger_entries SET actor = {lit(f.actor)}, prev_hash = {bx(prev)}, "
                             f"entry_hash = {bx(h)} WHERE ledger_id = {L} AND position = {f.position}")
                hashes.append(h)
                prev = h
            if nodes_and_head:
                tree, values = vl.CompactRange(), []
                for pos, h in enumerate(hashes, start=1):
                    completed = tree.push(h)
                    values += [f"({L}, {pos}, {level}, {bx(completed[level])})"
                               for level in range(4, len(completed))]
                stmts.append(f"DELETE FROM merkle_nodes WHERE ledger_id = {L}")
                stmts.append("INSERT INTO merkle_nodes (ledger_id, last_position, level, hash) VALUES "
                             + ", ".join(values))
                stmts.append(f"UPDATE ledger_heads SET head_hash = {bx(prev)} WHERE ledger_id = {L}")
            return stmts


        S = {}
        k = 150
        forged, sealed, kid = forged_like(k, k)
        fh = vl.entry_hash(forged, rows[k - 2].entry_hash)
        inserted = shift_up("ledger_entries", k) + shift_up("ledger_payloads", k) + [
            insert_entry(forged, rows[k - 2].entry_hash, fh), insert_payload(k, kid, sealed),
            f"UPDATE ledger_heads SET position = position + 1 WHERE ledger_id = {L}"]
        S["forged-inserted-next-prev-left"] = inserted
        S["forged-inserted-next-prev-rewritten"] = inserted + [
            f"UPDATE ledger_entries SET prev_hash = {bx(fh)} WHERE ledger_id = {L} AND position = {k + 1}"]
        S["forged-inserted-wrong-hash"] = shift_up("ledger_entries", k) + shift_up("ledger_payloads", k) + [
            insert_entry(forged, rows[k - 2].entry_hash, hashlib.sha256(fh).digest()),
            insert_payload(k, kid, sealed)]

        app, app_sealed, app_kid = forged_like(head, head + 1)
        S["forged-appended-head-left"] = [
            insert_entry(app, rows[-1].entry_hash, vl.entry_hash(app, rows[-1].entry_hash)),
            insert_payload(head + 1, app_kid, app_sealed)]

        S["tail-rewritten-head-left"] = rewrite_from(head - 20, nodes_and_head=False)
        S["rewritten-consistently-from-200"] = rewrite_from(200, nodes_and_head=True)
        S["rewritten-consistently-last-10"] = rewrite_from(head - 9, nodes_and_head=True)

        p = 210
        _, resealed, _ = seal_in_scope_of(p, rows[p - 1].fields.event_id, b'{"text":"something else"}')
        S["payload-replaced-under-right-key"] = [
            f"UPDATE ledger_payloads SET sealed = {bx(resealed)} WHERE ledger_id = {L} AND position = {p}"]

        Path(out).write_text(json.dumps({"head": head, "scenarios": S}))
        """#
}
