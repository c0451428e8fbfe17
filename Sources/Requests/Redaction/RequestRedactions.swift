public import Access
import Events
public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// Redactions of a public-records request's responsive records (docs/public-records.md,
/// "Redaction"): suggestions from the detectors, redactions applied with an exemption and a
/// record-specific explanation, their review, their withdrawal, and what an installment may
/// release (``approved(request:)``).
///
/// Every action takes the requests' advisory lock (``RecordsRequests/lockKey``), catches the
/// `requests` projection up, checks the action, appends one event on `requests/<id>` and catches
/// up again. A refused action throws ``RedactionError`` (or ``RecordsRequestError`` for the
/// request itself) before anything is appended. Redactions never alter the record: the message's
/// entry and payload are only read.
public struct RequestRedactions: Sendable {
    public let store: LedgerStore
    public let ledger: String
    /// The exemption list in force.
    public let exemptions: ExemptionList

    /// The entry types that are messages a redaction may apply to.
    public static let messageTypes: Set<String> = [EventType.WhatsApp.messageReceived, EventType.Outbound.sendRequested]

    public init(store: LedgerStore, ledger: String, exemptions: ExemptionList = .washington) {
        self.store = store
        self.ledger = ledger
        self.exemptions = exemptions
    }

    // MARK: Acting

    /// Applies a redaction: `redaction.applied`, waiting for review.
    /// - Throws: ``RedactionError`` for an unknown exemption code, an explanation empty or only
    ///   boilerplate (``ExplanationRule``), a position that is not a message or not in the
    ///   request's search results, a span outside the text or overlapping another redaction of the
    ///   message, a media the message does not have, a final request; ``RecordsRequestError`` for
    ///   a role that may not act or an unknown request. Nothing is written.
    @discardableResult
    public func apply(_ new: NewRedaction, to request: String, actor: String, role: StaffRole, now: Date = Date()) async throws -> Redaction {
        try RecordsRequests.require(role, acting: true, "redact records")
        guard let exemption = exemptions.exemption(new.exemption) else {
            throw RedactionError.unknownExemption(code: new.exemption, known: exemptions.exemptions.map(\.code))
        }
        let explanation = new.explanation.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !explanation.isEmpty else { throw RedactionError.explanationMissing }
        let own = ExplanationRule.ownWords(explanation, exemption: exemption).count
        guard own >= ExplanationRule.minimumOwnWords else { throw RedactionError.explanationBoilerplate(exemption: exemption.code, ownWords: own) }
        if case .span(let start, let length) = new.target, start < 0 || length <= 0 {
            throw RedactionError.spanOutside(start: start, length: length, textLength: 0)
        }
        let message = try await self.message(at: new.messagePosition)
        switch new.target {
        case .span(let start, let length):
            guard let text = message.text else {
                throw RedactionError.textUnavailable(position: new.messagePosition, why: message.why ?? "unreadable")
            }
            let total = RedactableText.length(of: text)
            guard start + length <= total else { throw RedactionError.spanOutside(start: start, length: length, textLength: total) }
        case .media(let media):
            guard message.media.contains(media) else {
                throw RedactionError.noSuchMedia(id: media, position: new.messagePosition, present: message.media)
            }
        case .message: break
        }
        var new = new
        new.explanation = explanation
        let redaction = new
        return try await act(request) { request, connection, ref in
            try await requireResult(request: request.id, position: redaction.messagePosition, on: connection)
            let others = try await Self.redactions(request.id, ledger: ref, message: redaction.messagePosition, on: connection, logger: store.logger)
            if let clash = others.first(where: { $0.state != .withdrawn && Self.overlaps($0.target, redaction.target) }) {
                throw RedactionError.overlaps(redaction: clash.id, kind: clash.target.kind)
            }
            let id = "R\(try await Self.nextNumber(request.id, ledger: ref, on: connection, logger: store.logger))"
            let event = try RedactionEvents.applied(
                request: request.id, status: request.status, id: id, redaction: redaction, citation: exemption.citation,
                explanation: redaction.explanation, actor: actor, now: now)
            return (event, id)
        }
    }

    /// Withdraws a redaction that was not withdrawn already: `redaction.withdrawn` with `reason`.
    @discardableResult
    public func withdraw(
        _ request: String, redaction id: String, reason: String, actor: String, role: StaffRole, now: Date = Date()
    ) async throws
        -> Redaction
    {
        try RecordsRequests.require(role, acting: true, "withdraw redactions")
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RedactionError.reasonMissing("withdrawn") }
        return try await act(request) { request, connection, ref in
            let redaction = try await Self.redaction(request.id, id, ledger: ref, on: connection, logger: store.logger)
            guard redaction.state != .withdrawn else { throw RedactionError.wrongState(id: id, state: .withdrawn, action: "be withdrawn again", hint: "") }
            return (try RedactionEvents.withdrawn(request: request.id, status: request.status, id: id, reason: reason, actor: actor, now: now), id)
        }
    }

    /// Reviews a redaction waiting for review: approves it, or returns it with a reason (the
    /// officer then withdraws it and applies a better one).
    @discardableResult
    public func review(
        _ request: String, redaction id: String, approve: Bool, reason: String? = nil, actor: String, role: StaffRole, now: Date = Date()
    ) async throws -> Redaction {
        try RecordsRequests.require(role, acting: true, "review redactions")
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !approve, reason?.isEmpty ?? true { throw RedactionError.reasonMissing("returned") }
        return try await act(request) { request, connection, ref in
            let redaction = try await Self.redaction(request.id, id, ledger: ref, on: connection, logger: store.logger)
            guard redaction.state == .applied else {
                let hint =
                    redaction.state == .returned ? "withdraw it and apply a new one" : redaction.state == .approved ? "it was approved already" : ""
                throw RedactionError.wrongState(id: id, state: redaction.state, action: "be reviewed", hint: hint)
            }
            let event = try RedactionEvents.reviewed(
                request: request.id, status: request.status, id: id, approved: approve, reason: approve ? nil : reason, actor: actor, now: now)
            return (event, id)
        }
    }

    // MARK: Parts

    /// Locks, catches up, reads the request (refusing a final one), lets `decide` make the event,
    /// appends it and returns the redaction it names as projected after it.
    private func act(
        _ id: String, _ decide: (RecordsRequest, PostgresConnection, LedgerRef) async throws -> (NewEvent, String)
    ) async throws -> Redaction {
        guard RecordsRequests.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        return try await locked(ref) { connection in
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw RecordsRequestError.unknownRequest(id)
            }
            guard !request.status.isFinal else { throw RedactionError.requestClosed(request: id, status: request.status.rawValue) }
            let (event, redaction) = try await decide(request, connection, ref)
            _ = try await store.append(event, to: ledger)
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            return try await Self.redaction(id, redaction, ledger: ref, on: connection, logger: store.logger)
        }
    }

    /// Runs `body` in a transaction holding the requests' advisory lock, the projection caught up
    /// (tried, not waited for, as ``RecordsRequests`` does).
    func locked<T: Sendable>(_ ref: LedgerRef, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(30)
        var pause = Duration.milliseconds(5)
        while true {
            do {
                return try await store.withTransaction { connection in
                    let rows = try await connection.query("SELECT pg_try_advisory_xact_lock(\(RecordsRequests.lockKey))", logger: store.logger)
                        .collect()
                    guard try rows.first?.decode(Bool.self) == true else { throw LockBusy() }
                    try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
                    return try await body(connection)
                }
            } catch is LockBusy {
                guard ContinuousClock.now < deadline else { throw RecordsRequestError.busy }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    private struct LockBusy: Error {}

    /// Whether two redactions of one message overlap: a whole message overlaps any text
    /// redaction, spans overlap when their ranges do, a media only the same media.
    static func overlaps(_ a: RedactionTarget, _ b: RedactionTarget) -> Bool {
        switch (a, b) {
        case (.message, .message), (.message, .span), (.span, .message): return true
        case (.span(let s1, let l1), .span(let s2, let l2)): return (s1..<(s1 + l1)).overlaps(s2..<(s2 + l2))
        case (.media(let m1), .media(let m2)): return m1 == m2
        default: return false
        }
    }

    /// A message entry read for redaction: its redactable text (nil with why, when unreadable)
    /// and media ids.
    struct MessageText {
        var text: String?
        var why: String?
        var media: [String]
    }

    /// The message at `position`.
    /// - Throws: ``RedactionError/notAMessage(position:)`` when the entry is not a message.
    func message(at position: Int64) async throws -> MessageText {
        guard position > 0, let record = try await store.record(ledger: ledger, position: position),
            Self.messageTypes.contains(record.entry.fields.eventType)
        else { throw RedactionError.notAMessage(position: position) }
        switch record.payload {
        case .bytes(let bytes):
            guard let json = try? JSONValue.parse(bytes) else { return MessageText(text: nil, why: "the payload is not JSON", media: []) }
            return MessageText(text: RedactableText.text(ofPayload: json), why: nil, media: RedactableText.mediaIDs(ofPayload: json))
        case .sealed: return MessageText(text: nil, why: "sealed: no master key", media: [])
        case .destroyed(let by): return MessageText(text: nil, why: "destroyed by the entry at position \(by)", media: [])
        case .unavailable(let why): return MessageText(text: nil, why: why, media: [])
        }
    }
}
