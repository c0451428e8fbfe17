public import Access
public import Deadlines
import Events
public import Foundation
import Ledger
public import LedgerStore
import Logging
public import PostgresNIO
import RecordkeeperCore

/// Opens and works public-records requests, and reads them (docs/public-records.md).
///
/// Every action takes the PostgreSQL transaction-level advisory lock ``lockKey``, catches the
/// `requests` projection up, checks the action against the request as projected, appends one
/// event and catches up again before the lock is released: two actions on requests never
/// decide on the same stale state, and two opens never take the same number. A refused action
/// throws ``RecordsRequestError`` before anything is appended.
///
/// Roles: request officers and admins act; auditors read; every other role is refused.
public struct RecordsRequests: Sendable {
    /// The advisory lock key of request actions (`rk_reqs_` in ASCII).
    public static let lockKey: Int64 = 0x726b_5f72_6571_735f
    /// The roles that act on requests.
    public static let actingRoles: Set<StaffRole> = [.requestOfficer, .admin]
    /// The roles that read requests and the request log.
    public static let readingRoles: Set<StaffRole> = [.requestOfficer, .admin, .auditor]

    public let store: LedgerStore
    public let ledger: String
    /// The response clock new requests are due by.
    public let clock: ResponseClock

    public init(store: LedgerStore, ledger: String, clock: ResponseClock = .washington) {
        self.store = store
        self.ledger = ledger
        self.clock = clock
    }

    // MARK: Opening

    /// Records a request as received: numbers it `PRR-<year of receipt>-<n>` (one more than the
    /// ledger's last of that year), computes its response due date, appends `request.received`.
    /// - Throws: ``RecordsRequestError`` for a role that may not act, an empty text, a receipt
    ///   time after `now`; nothing is written.
    @discardableResult
    public func open(_ new: NewRecordsRequest, actor: String, role: StaffRole, now: Date = Date()) async throws -> RecordsRequest {
        try Self.require(role, acting: true, "open requests")
        var request = new
        guard !request.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw RecordsRequestError.missing("text") }
        request.requester = Requester(name: Self.cleaned(new.requester.name), contact: Self.cleaned(new.requester.contact))
        let receivedAt = new.receivedAt ?? now
        guard receivedAt <= now.addingTimeInterval(60) else {
            throw RecordsRequestError.receivedInFuture(received: DueDateExplanation.iso(receivedAt), now: DueDateExplanation.iso(now))
        }
        let explanation = clock.explain(receivedAt: receivedAt)
        let year = explanation.receiptDay.year
        let ref = try await store.ledger(named: ledger)
        for _ in 0..<5 {
            let opened: RecordsRequest? = try await locked(ref) { connection in
                let number = try await Self.nextNumber(year: year, ledger: ref, on: connection, logger: store.logger)
                let id = Self.id(year: year, number: number)
                let event = try RequestEvents.received(
                    id: id, request: request, receivedAt: receivedAt, explanation: explanation, actor: actor, occurredAt: LedgerTimestamp(now))
                let receipt = try await store.append(event, to: ledger)
                if receipt.alreadyRecorded { return nil }
                try await Self.catchUp(store: store, ledger: ref, on: connection)
                return try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger)
            }
            if var opened {
                opened.text = request.text
                opened.requester = request.requester
                opened.explanation = explanation
                opened.content = .present
                return opened
            }
        }
        throw RecordsRequestError.numberingContention("PRR-\(year)-…")
    }

    // MARK: Acting on a request

    /// Acknowledges the request with an estimate of when records will be provided (its first
    /// response, or the response after a clarification was answered).
    @discardableResult
    public func acknowledge(
        _ id: String, estimate: CivilDay, reason: String, actor: String, role: StaffRole, now: Date = Date()
    ) async throws
        -> RecordsRequest
    {
        let reason = try Self.required(reason, "reason")
        return try await act(id, role: role, action: "acknowledge requests") { request in
            if let current = request.estimateDate { throw RecordsRequestError.alreadyAcknowledged(id: id, estimate: current.description) }
            guard request.status == .open || request.status == .inProgress else {
                throw RecordsRequestError.notAllowedInStatus(
                    id: id, status: request.status, action: "be acknowledged", hint: request.status == .waitingForRequester ? "record the answer first" : "")
            }
            try check(estimate: estimate, request: request, now: now)
            return try event(
                EventType.Requests.acknowledged, request, status: .acknowledged,
                header: ["estimate_date": .string(estimate.description)], payload: ["reason": .string(reason)], actor: actor, now: now)
        }
    }

    /// Revises the estimate, with a reason.
    @discardableResult
    public func reviseEstimate(
        _ id: String, to date: CivilDay, reason: String, actor: String, role: StaffRole, now: Date = Date()
    ) async throws
        -> RecordsRequest
    {
        let reason = try Self.required(reason, "reason")
        return try await act(id, role: role, action: "revise estimates") { request in
            try Self.requireOpen(request, "have its estimate revised")
            guard let current = request.estimateDate else { throw RecordsRequestError.noEstimate(id) }
            guard current != date else { throw RecordsRequestError.estimateUnchanged(date.description) }
            try check(estimate: date, request: request, now: now)
            return try event(
                EventType.Requests.estimateRevised, request, status: request.status,
                header: ["estimate_date": .string(date.description), "previous_estimate_date": .string(current.description)],
                payload: ["reason": .string(reason)], actor: actor, now: now)
        }
    }

    /// Asks the requester to clarify: the request waits for them (RCW 42.56.520(3)); it may be
    /// closed as abandoned when they do not answer within 30 days.
    @discardableResult
    public func requestClarification(
        _ id: String, question: String, actor: String, role: StaffRole, now: Date = Date()
    ) async throws
        -> RecordsRequest
    {
        let question = try Self.required(question, "question")
        return try await act(id, role: role, action: "ask for clarification") { request in
            try Self.requireOpen(request, "be clarified")
            if request.clarificationPending {
                throw RecordsRequestError.notAllowedInStatus(
                    id: id, status: request.status, action: "be asked another clarification", hint: "one is pending: record the answer first")
            }
            let respondBy = CivilDay(now, in: request.timeZone).adding(days: ResponseClock.requesterDays)
            return try event(
                EventType.Requests.clarificationRequested, request, status: .waitingForRequester,
                header: ["respond_by": .string(respondBy.description)], payload: ["question": .string(question)], actor: actor, now: now)
        }
    }

    /// Records the requester's answer to the pending clarification: work resumes (in progress).
    @discardableResult
    public func answerClarification(
        _ id: String, answer: String, actor: String, role: StaffRole, now: Date = Date()
    ) async throws
        -> RecordsRequest
    {
        let answer = try Self.required(answer, "answer")
        return try await act(id, role: role, action: "record answers") { request in
            guard request.clarificationPending else {
                throw RecordsRequestError.notAllowedInStatus(
                    id: id, status: request.status, action: "take an answer", hint: "no clarification is pending (ask with `requests clarify`)")
            }
            return try event(
                EventType.Requests.clarificationAnswered, request, status: .inProgress, header: [:], payload: ["answer": .string(answer)],
                actor: actor, now: now)
        }
    }

    /// Moves the request to `status` by one of the transitions ``RequestStatus/allowedChanges``
    /// allows. An installment produced or a wait for the requester needs a note (what was
    /// provided, what is awaited).
    @discardableResult
    public func changeStatus(
        _ id: String, to status: RequestStatus, note: String?, actor: String, role: StaffRole, now: Date = Date()
    )
        async throws -> RecordsRequest
    {
        let note = Self.cleaned(note)
        return try await act(id, role: role, action: "change request statuses") { request in
            guard request.status.allowedChanges.contains(status) else {
                throw RecordsRequestError.transitionRefused(id: id, from: request.status, to: status, hint: Self.hint(from: request.status, to: status))
            }
            if status == .installmentProduced || status == .waitingForRequester, note == nil { throw RecordsRequestError.missing("note") }
            var payload: [String: JSONValue] = [:]
            if let note { payload["note"] = .string(note) }
            return try event(
                EventType.Requests.statusChanged, request, status: status, header: ["from": .string(request.status.rawValue)], payload: payload,
                actor: actor, now: now)
        }
    }

    /// Closes the request with a reason. A denial (whole or partial) needs the records withheld
    /// and why; closing as abandoned needs the request to have waited for the requester 30 days.
    @discardableResult
    public func close(
        _ id: String, reason: CloseReason, note: String? = nil, produced: String? = nil, withheld: String? = nil, actor: String,
        role: StaffRole, now: Date = Date()
    ) async throws -> RecordsRequest {
        let (note, produced, withheld) = (Self.cleaned(note), Self.cleaned(produced), Self.cleaned(withheld))
        if reason.withholds, withheld == nil { throw RecordsRequestError.missing("withheld") }
        return try await act(id, role: role, action: reason == .withdrawn ? "withdraw requests" : "close requests") { request in
            try Self.requireOpen(request, reason == .withdrawn ? "be withdrawn" : "be closed")
            if reason == .abandoned {
                guard let allowed = request.abandonableFrom, let since = request.waitingSince else {
                    throw RecordsRequestError.notAllowedInStatus(
                        id: id, status: request.status, action: "be closed as abandoned",
                        hint: "only a request waiting for the requester for 30 days may be (RCW 42.56.520(3))")
                }
                guard CivilDay(now, in: request.timeZone) >= allowed else {
                    throw RecordsRequestError.abandonedTooSoon(
                        id: id, waitingSince: CivilDay(since, in: request.timeZone).description, allowedFrom: allowed.description)
                }
            }
            var payload: [String: JSONValue] = [:]
            if let note { payload["note"] = .string(note) }
            if let produced { payload["produced"] = .string(produced) }
            if let withheld { payload["withheld"] = .string(withheld) }
            return try event(
                EventType.Requests.closed, request, status: reason.status, header: ["reason": .string(reason.rawValue)], payload: payload,
                actor: actor, now: now)
        }
    }

    /// The requester withdraws the request.
    @discardableResult
    public func withdraw(_ id: String, note: String? = nil, actor: String, role: StaffRole, now: Date = Date()) async throws -> RecordsRequest {
        try await close(id, reason: .withdrawn, note: note, actor: actor, role: role, now: now)
    }

    /// Records an appeal (a request for review of the agency's response, RCW 42.56.520(4)).
    @discardableResult
    public func appeal(_ id: String, grounds: String, actor: String, role: StaffRole, now: Date = Date()) async throws -> RecordsRequest {
        let grounds = try Self.required(grounds, "grounds")
        return try await act(id, role: role, action: "record appeals") { request in
            guard !request.appealPending else { throw RecordsRequestError.appealState(id: id, pending: true) }
            return try event(
                EventType.Requests.appealed, request, status: request.status, header: [:], payload: ["grounds": .string(grounds)], actor: actor, now: now)
        }
    }

    /// Decides the pending appeal. A reversal (whole or partial) reopens a final request: it is
    /// in progress again.
    @discardableResult
    public func decideAppeal(
        _ id: String, outcome: AppealOutcome, explanation: String, actor: String, role: StaffRole, now: Date = Date()
    )
        async throws -> RecordsRequest
    {
        let explanation = try Self.required(explanation, "explanation")
        return try await act(id, role: role, action: "decide appeals") { request in
            guard request.appealPending else { throw RecordsRequestError.appealState(id: id, pending: false) }
            let status = outcome != .affirmed && request.status.isFinal ? RequestStatus.inProgress : request.status
            return try event(
                EventType.Requests.appealDecided, request, status: status, header: ["outcome": .string(outcome.rawValue)],
                payload: ["explanation": .string(explanation)], actor: actor, now: now)
        }
    }

    /// Assesses a fee, with the deposit asked for (amounts in cents).
    @discardableResult
    public func assessFee(
        _ id: String, amountCents: Int64, depositCents: Int64 = 0, basis: String, actor: String, role: StaffRole, now: Date = Date()
    )
        async throws -> RecordsRequest
    {
        let basis = try Self.required(basis, "basis")
        guard amountCents > 0 else { throw RecordsRequestError.invalidAmount(field: "the fee", cents: amountCents, reason: "it must be more than $0.00") }
        guard (0...amountCents).contains(depositCents) else {
            throw RecordsRequestError.invalidAmount(field: "the deposit", cents: depositCents, reason: "it must be from $0.00 to the fee")
        }
        return try await act(id, role: role, action: "assess fees") { request in
            try Self.requireOpen(request, "be charged a fee")
            return try event(
                EventType.Requests.feeAssessed, request, status: request.status,
                header: ["amount_cents": .integer(amountCents), "deposit_cents": .integer(depositCents)], payload: ["basis": .string(basis)],
                actor: actor, now: now)
        }
    }

    /// Records a payment of (part of) the deposit or fee; never more than what is owed.
    @discardableResult
    public func recordPayment(
        _ id: String, amountCents: Int64, note: String? = nil, actor: String, role: StaffRole, now: Date = Date()
    )
        async throws -> RecordsRequest
    {
        let note = Self.cleaned(note)
        guard amountCents > 0 else { throw RecordsRequestError.invalidAmount(field: "the payment", cents: amountCents, reason: "it must be more than $0.00") }
        return try await act(id, role: role, action: "record payments") { request in
            guard request.feesCents > 0 else {
                throw RecordsRequestError.invalidAmount(field: "the payment", cents: amountCents, reason: "no fee was assessed (`requests fee --assess` first)")
            }
            guard amountCents <= request.balanceCents else {
                throw RecordsRequestError.invalidAmount(
                    field: "the payment", cents: amountCents, reason: "only \(RecordsRequestError.money(request.balanceCents)) is owed")
            }
            var payload: [String: JSONValue] = [:]
            if let note { payload["note"] = .string(note) }
            return try event(
                EventType.Requests.depositPaid, request, status: request.status,
                header: ["amount_cents": .integer(amountCents), "paid_cents": .integer(request.paidCents + amountCents)], payload: payload,
                actor: actor, now: now)
        }
    }

    // MARK: Reading

    /// The requests, oldest first: those of `status` when given, only those overdue at
    /// `overdueAt` when given.
    public func list(status: RequestStatus? = nil, overdueAt: Date? = nil, role: StaffRole) async throws -> [RecordsRequest] {
        try Self.require(role, acting: false, "read requests")
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        let requests = try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            return try await RequestQueries.requests(ledger: ref, id: nil, status: status, on: connection, logger: store.logger)
        }
        guard let overdueAt else { return requests }
        return requests.filter { $0.isOverdue(at: overdueAt) }
    }

    /// One request as the `requests` projection has it: its status and dates, without its content
    /// or history (no payload is opened). Cheap enough to check that a request exists.
    /// - Throws: ``RecordsRequestError/malformedID(_:)``, ``RecordsRequestError/unknownRequest(_:)``.
    public func summary(_ id: String, role: StaffRole) async throws -> RecordsRequest {
        try Self.require(role, acting: false, "read requests")
        guard Self.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        return try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw RecordsRequestError.unknownRequest(id)
            }
            return request
        }
    }

    /// One request with its history, oldest entry first, with their content (the requester, the
    /// text, the due date's explanation, reasons, questions, answers, notes) read from the
    /// entries' payloads: ``RecordsRequest/content`` and ``RequestHistoryItem/content`` say when a
    /// payload was destroyed or cannot be opened.
    /// - Throws: ``RecordsRequestError/unknownRequest(_:)``.
    public func show(_ id: String, role: StaffRole) async throws -> (request: RecordsRequest, history: [RequestHistoryItem]) {
        try Self.require(role, acting: false, "read requests")
        guard Self.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        let (request, history) = try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw RecordsRequestError.unknownRequest(id)
            }
            return (request, try await RequestQueries.history(id, ledger: ref, on: connection, logger: store.logger))
        }
        let filled = try await RequestContentReader.fill([request], histories: [id: history], ledger: ref, store: store)
        return (filled.requests.first ?? request, filled.histories[id] ?? history)
    }

    /// Brings the `requests` projection of `ledger` up to the head on `connection`.
    public static func catchUp(store: LedgerStore, ledger: LedgerRef, on connection: PostgresConnection) async throws {
        try await ProjectionRunner.catchUp(RequestsProjection(), ledger: ledger, store: store, on: connection)
    }

    // MARK: Parts

    /// Locks, catches up, reads request `id`, lets `decide` check it and make the event, appends
    /// it and returns the request as projected after it.
    private func act(
        _ id: String, role: StaffRole, action: String, _ decide: @Sendable (RecordsRequest) throws -> NewEvent
    ) async throws -> RecordsRequest {
        try Self.require(role, acting: true, action)
        guard Self.parse(id: id) != nil else { throw RecordsRequestError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw RecordsRequestError.unknownRequest(id) }
        return try await locked(ref) { connection in
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw RecordsRequestError.unknownRequest(id)
            }
            _ = try await store.append(try decide(request), to: ledger)
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            guard let after = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw RecordsRequestError.unknownRequest(id)
            }
            return after
        }
    }

    /// Runs `body` holding the requests' lock, with the projection caught up (``RequestsLock``).
    private func locked<T: Sendable>(_ ref: LedgerRef, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await RequestsLock.run(store: store, prepare: { try await Self.catchUp(store: store, ledger: ref, on: $0) }, body)
    }

    private func event(
        _ type: String, _ request: RecordsRequest, status: RequestStatus, header: [String: JSONValue], payload: [String: JSONValue],
        actor: String, now: Date
    ) throws -> NewEvent {
        var header = header
        header["status"] = .string(status.rawValue)
        return try RequestEvents.event(type, id: request.id, header: header, payload: payload, actor: actor, occurredAt: LedgerTimestamp(now))
    }

    /// An estimate is a day from today on (in the request's time zone), and not before receipt.
    private func check(estimate: CivilDay, request: RecordsRequest, now: Date) throws {
        let today = CivilDay(now, in: request.timeZone)
        let floor = max(today, CivilDay(request.receivedAt, in: request.timeZone))
        guard estimate >= floor else { throw RecordsRequestError.estimateInPast(date: estimate.description, today: today.description) }
    }

    static func require(_ role: StaffRole, acting: Bool, _ action: String) throws(RecordsRequestError) {
        guard (acting ? actingRoles : readingRoles).contains(role) else { throw .notAllowed(role: role.rawValue, action: action) }
    }

    static func requireOpen(_ request: RecordsRequest, _ action: String) throws(RecordsRequestError) {
        guard !request.status.isFinal else {
            throw .notAllowedInStatus(
                id: request.id, status: request.status, action: action, hint: "it is final; only an appeal reversed on review reopens it")
        }
    }

    static func required(_ text: String, _ field: String) throws(RecordsRequestError) -> String {
        guard let text = cleaned(text) else { throw .missing(field) }
        return text
    }

    static func cleaned(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// Why a status change is refused, and what to do instead.
    static func hint(from: RequestStatus, to: RequestStatus) -> String {
        if from == to { return "it is \(to.rawValue) already" }
        if from.isFinal { return "it is final; only an appeal reversed on review reopens it" }
        switch to {
        case .open: return "a request never returns to open"
        case .acknowledged: return "acknowledge it with an estimate: `recordkeeper requests acknowledge ID --estimate YYYY-MM-DD --reason …`"
        case .closed, .abandoned: return "close it with a reason: `recordkeeper requests close ID --reason …`"
        case .withdrawn: return "record the withdrawal: `recordkeeper requests withdraw ID`"
        case .inProgress where from == .open:
            return "give the first response first: acknowledge it with an estimate (RCW 42.56.520), ask for clarification, or produce records"
        case .waitingForRequester where from == .open: return "ask for clarification with `recordkeeper requests clarify ID --question …`"
        default:
            return from == .waitingForRequester ? "record the answer (`requests answer`) or set in_progress first" : ""
        }
    }

    /// `PRR-2026-0001` → (2026, 1); nil for anything else.
    public static func parse(id: String) -> (year: Int, number: Int)? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "PRR", parts[1].count == 4, (4...9).contains(parts[2].count),
            parts[1].utf8.allSatisfy({ (48...57).contains($0) }), parts[2].utf8.allSatisfy({ (48...57).contains($0) }),
            let year = Int(parts[1]), let number = Int(parts[2]), number > 0
        else { return nil }
        return (year, number)
    }

    /// `PRR-<year>-<number, at least 4 digits>`.
    public static func id(year: Int, number: Int) -> String {
        let digits = String(number)
        return "PRR-\(year)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)"
    }

    /// One more than the highest number of `year` in the ledger (called under the lock, caught up).
    static func nextNumber(year: Int, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "SELECT coalesce(max(number), 0) + 1 FROM requests WHERE ledger_id = \(ledger.id) AND year = \(year)", logger: logger
        ).collect()
        return try rows.first?.decode(Int.self) ?? 1
    }
}

extension RecordsRequests {
    /// The request log (RCW 40.14.026(4)) of the requests received from `from` (inclusive) to
    /// `to` (exclusive), in order of receipt, with their content read from the payloads.
    public func log(from: Date? = nil, to: Date? = nil, role: StaffRole, now: Date = Date()) async throws -> RequestLog {
        try Self.require(role, acting: false, "read the request log")
        guard let ref = try await store.existingLedger(named: ledger) else {
            return RequestLog(ledger: ledger, from: from, to: to, generatedAt: now, entries: [])
        }
        let (requests, histories) = try await store.withTransaction { connection in
            try await Self.catchUp(store: store, ledger: ref, on: connection)
            let requests = try await RequestQueries.requests(ledger: ref, id: nil, status: nil, from: from, to: to, on: connection, logger: store.logger)
            return (requests, try await RequestQueries.histories(ledger: ref, ids: requests.map(\.id), on: connection, logger: store.logger))
        }
        let filled = try await RequestContentReader.fill(requests, histories: histories, ledger: ref, store: store)
        let entries = filled.requests.map { RequestLog.Entry(request: $0, history: filled.histories[$0.id] ?? []) }
        return RequestLog(ledger: ledger, from: from, to: to, generatedAt: now, entries: entries)
    }
}
