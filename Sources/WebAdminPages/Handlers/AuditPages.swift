import Access
import Foundation
import Hummingbird
import Ledger
import LedgerStore
import Messaging
import WebFoundation

/// The auditor's pages: `GET /audit` (the ledger's head, its Merkle root, the last signed
/// checkpoint with its signatures and trusted timestamp, the last verification),
/// `POST /audit/verification` and `GET /audit/verification` (verify the service's ledger with
/// ``LedgerStore/verify(ledger:from:pageSize:trust:progress:)`` in a task, and follow it),
/// `GET /audit/proofs` (an entry's inclusion proof, as `GET /v1/ledgers/{ledger}/proofs/inclusion`)
/// and `GET /audit/accesses` (the access log, as `GET /v1/access`).
extension WebApplication {
    func auditHome(_ page: PageRequest) async throws -> Response {
        let ledger = settings.ledger
        var context: [String: Any] = ["ledger": ledger, "csrf": page.frame.csrfToken]
        if let ref = try await store.existingLedger(named: ledger) {
            let head = try await store.head(of: ref)
            let root = try await store.treeRoot(ledger: ledger, size: head.position)
            context["head"] = ["size": head.position, "hash": head.hash.hex, "root": root.hex]
            if let checkpoint = try await store.latestCheckpoint(ledger: ledger) {
                let timestamped = try await store.timestampToken(checkpointID: checkpoint.id) != nil
                context["checkpoint"] = AuditView.checkpoint(checkpoint, timestamped: timestamped)
            } else {
                context["noCheckpoint"] = true
            }
        } else {
            context["noLedger"] = true
        }
        if let run = await AuditVerificationRuns.shared.run(store, ledger: ledger) { context["verification"] = AuditView.run(run) }
        return renderer.page("audit-home", title: "Audit", frame: page.frame, context: context)
    }

    /// Starts a verification (unless one runs) and shows its page.
    func startVerification(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        _ = await AuditVerificationRuns.shared.start(store, ledger: settings.ledger, by: principal.actor)
        return PageRenderer.redirect(to: "/audit/verification")
    }

    func verificationPage(_ page: PageRequest) async throws -> Response {
        var context: [String: Any] = ["ledger": settings.ledger, "csrf": page.frame.csrfToken]
        if let run = await AuditVerificationRuns.shared.run(store, ledger: settings.ledger) {
            context["verification"] = AuditView.run(run)
        } else {
            context["none"] = true
        }
        return renderer.page("audit-verification", title: "Verify the ledger", frame: page.frame, context: context)
    }

    /// The inclusion proof of `?position=` in the tree of the last checkpoint that covers it (the
    /// whole ledger when none does), checked here against that checkpoint's root.
    func inclusionProofPage(_ page: PageRequest) async throws -> Response {
        let ledger = settings.ledger
        var context: [String: Any] = ["ledger": ledger]
        var error: String?
        var status = HTTPResponse.Status.ok
        if let text = page.query("position") {
            context["value"] = text
            if let position = Int64(text), position >= 1 {
                let checkpoint = try await store.latestCheckpoint(ledger: ledger)
                let size = checkpoint.flatMap { $0.treeSize >= position ? $0.treeSize : nil }
                do {
                    let proof = try await store.inclusionProof(ledger: ledger, position: position, treeSize: size)
                    context["proof"] = AuditView.proof(proof, checkpoint: size == nil ? nil : checkpoint)
                } catch LedgerStoreError.positionOutOfRange(_, let treeSize) {
                    error = "The ledger has \(treeSize) entries: give a position from 1 to \(treeSize)."
                } catch LedgerStoreError.ledgerNotFound {
                    error = "The ledger has no entries yet."
                }
            } else {
                error = "Give a position as a whole number, 1 or more."
            }
        }
        if let error {
            status = .badRequest
            context["error"] = ["text": error]
        }
        context["field"] =
            FormField(
                id: "position", label: "Ledger position", value: page.query("position") ?? "", inputMode: "numeric",
                hint: "The entry's number in the ledger, e.g. 42.", error: error
            ).context
        return renderer.page("audit-proofs", title: "Inclusion proof", frame: page.frame, status: status, context: context)
    }

    /// The access log, newest first, filtered by user, record and days, 50 a page.
    func accessLogPage(_ page: PageRequest) async throws -> Response {
        let limit = 50
        let user = page.query("user")
        var record = page.query("record")
        var errors: [String: String] = [:]
        let utc = TimeZone(identifier: "UTC") ?? .current
        let since = Self.day(page.query("from"), field: "from", in: utc, errors: &errors)
        let until = Self.day(page.query("to"), field: "to", in: utc, errors: &errors).map { $0.addingTimeInterval(86_400) }
        var before: Int64?
        if let text = page.query("before") {
            guard let value = Int64(text), value > 0 else {
                throw PageError.badRequest("This page of the access log does not exist. Start again from the first page.")
            }
            before = value
        }
        if let text = record, text.hasPrefix("conversation:") {
            // The API's form of a conversation id names the same record as its stream form (as `GET /v1/access`).
            let id = String(text.dropFirst("conversation:".count))
            record = "conversation:" + (ids.conversationID(fromAPIID: id) ?? id)
        }
        var entries: [AccessLogEntry] = []
        if errors.isEmpty {
            do {
                entries = try await AccessLogQueries(store: store).entries(
                    ledger: settings.ledger, user: user, record: record, since: since, until: until, before: before, limit: limit + 1)
            } catch LedgerStoreError.ledgerNotFound {
                entries = []
            }
        }
        let shown = Array(entries.prefix(limit))
        var filters: [String] = []
        for (name, value) in [("user", user), ("record", page.query("record")), ("from", page.query("from")), ("to", page.query("to"))] {
            if let value { filters.append("\(name)=\(PageGate.percentEncoded(value))") }
        }
        var context: [String: Any] = [
            "rows": shown.map(AuditView.access), "empty": shown.isEmpty,
            "fields": [
                FormField(id: "user", label: "User", value: user ?? "", autocomplete: "off", hint: "A member of staff's name, e.g. quinn.", required: false),
                FormField(
                    id: "record", label: "Record", value: page.query("record") ?? "", autocomplete: "off",
                    hint: "e.g. request:PRR-2026-0001, message:42, installment:PRR-2026-0001-1.", required: false),
                FormField(
                    id: "from", label: "From (day, UTC)", value: page.query("from") ?? "", hint: "e.g. 2026-12-01.", error: errors["from"], required: false),
                FormField(id: "to", label: "To (day, UTC)", value: page.query("to") ?? "", hint: "e.g. 2026-12-07.", error: errors["to"], required: false),
            ].map(\.context),
            "filtered": !filters.isEmpty,
        ]
        if entries.count > limit, let last = shown.last {
            context["older"] = ["path": "/audit/accesses?" + (filters + ["before=\(last.position)"]).joined(separator: "&")]
        }
        if before != nil { context["newest"] = ["path": "/audit/accesses" + (filters.isEmpty ? "" : "?" + filters.joined(separator: "&"))] }
        return renderer.page(
            "audit-accesses", title: "Access log", frame: page.frame, status: errors.isEmpty ? .ok : .badRequest, context: context)
    }

    /// The start of day `text` (`YYYY-MM-DD`) in `zone`; nil when absent; an error for `field` when not a day.
    static func day(_ text: String?, field: String, in zone: TimeZone, errors: inout [String: String]) -> Date? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd"
        guard let date = formatter.date(from: text) else {
            errors[field] = "Enter a day as 2026-12-07."
            return nil
        }
        return date
    }
}

/// What the audit pages show of the ledger, its checkpoints, verifications, proofs and accesses.
enum AuditView {
    static func checkpoint(_ checkpoint: StoredCheckpoint, timestamped: Bool) -> [String: Any] {
        // A signed note's signature lines start with an em dash and name the key (C2SP signed-note).
        let signatures = checkpoint.note.split(separator: "\n").filter { $0.hasPrefix("\u{2014} ") }.map { line in
            String(line.dropFirst(2).split(separator: " ").first ?? "")
        }
        return [
            "size": checkpoint.treeSize, "root": checkpoint.rootHash.hex, "chainHead": checkpoint.chainHead.hex,
            "created": PageText.time(checkpoint.createdAt), "note": checkpoint.note,
            "signatures": signatures.isEmpty ? "None: the checkpoint is not signed" : "Signed by \(signatures.joined(separator: ", "))",
            "timestamp": timestamped ? "A trusted timestamp (RFC 3161) is recorded for it" : "No trusted timestamp recorded for it yet",
        ]
    }

    static func run(_ run: AuditVerificationRuns.Run) -> [String: Any] {
        var context: [String: Any] = [
            "startedBy": run.startedBy, "started": PageText.time(run.startedAt), "running": run.running, "checked": run.checked,
            "head": run.head,
        ]
        if run.running {
            context["percent"] = run.head > 0 ? Int(Double(run.checked) * 100 / Double(run.head)) : 0
        }
        if let finished = run.finishedAt { context["finished"] = PageText.time(finished) }
        if let error = run.error { context["error"] = error }
        if let report = run.report {
            var result: [String: Any] = [
                "ok": report.ok, "entries": report.entries, "payloadsVerified": report.payloadsVerified,
                "payloadsDestroyed": report.payloadsDestroyed, "head": report.headPosition, "level": PageText.words(report.level.rawValue),
                "checkpoints": report.checkpoints.count, "treeNodes": report.treeNodesChecked,
                "problems": report.problems.prefix(20).map { problem -> [String: Any] in
                    ["code": problem.code, "position": problem.position.map(String.init) ?? "—", "reason": problem.reason]
                },
            ]
            if let root = report.merkleRoot { result["root"] = root.hex }
            context["result"] = result
        }
        return context
    }

    static func proof(_ proof: InclusionProof, checkpoint: StoredCheckpoint?) -> [String: Any] {
        var context: [String: Any] = [
            "position": proof.position, "leafIndex": proof.leafIndex, "treeSize": proof.treeSize, "entryHash": proof.entryHash,
            "leafHash": proof.leafHash, "root": proof.rootHash, "path": proof.proof.enumerated().map { ["step": $0.offset + 1, "hash": $0.element] },
        ]
        if let checkpoint {
            context["checkpoint"] = [
                "size": checkpoint.treeSize, "verifies": proof.verifies(againstRoot: checkpoint.rootHash),
                "created": PageText.time(checkpoint.createdAt),
            ]
        } else {
            context["uncheckpointed"] = true
        }
        return context
    }

    static func access(_ entry: AccessLogEntry) -> [String: Any] {
        var context: [String: Any] = [
            "position": entry.position, "user": entry.user, "outcome": PageText.words(entry.outcome), "action": entry.action, "route": entry.route,
            "records": entry.records.joined(separator: ", "), "when": PageText.time(Date(timeIntervalSince1970: Double(entry.occurredAtUs) / 1_000_000)),
            "breakGlass": entry.breakGlass, "credential": entry.credential,
        ]
        if let reason = entry.reason { context["reason"] = reason }
        return context
    }
}
