import Events
import Foundation
import Ledger
import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// What the filer decides with: the catalog in force, the rules in force, every series known.
struct FilingContext: Sendable {
    let catalog: RetentionCatalog
    let rules: FilingRules
    /// Every series any catalog version held, by citation.
    let series: [String: RetentionSeries]
    let logger: Logger

    /// The series one message (facts with a text), or a record without messages, calls for.
    func decide(_ facts: FilingFacts, position: Int64?) -> FilingDecision {
        if let rule = rules.firstMatch(facts) {
            if catalog.series.contains(where: { $0.citation == rule.series }) {
                return FilingDecision(series: rule.series, source: .rule, rule: rule.id, messagePosition: position)
            }
            logger.warning(
                "retention filing: a rule names a series not in the catalog in force; filing by default (load the rules again)",
                metadata: ["rule": "\(rule.id)", "series": "\(rule.series)"])
        }
        return FilingDecision(series: catalog.defaultSeries, source: .default, rule: nil, messagePosition: position)
    }

    /// The rank of a citation; the lowest when the series is unknown.
    func rank(_ citation: String) -> SeriesRank? {
        (catalog.series.first { $0.citation == citation } ?? series[citation]).map(SeriesRank.init)
    }

    /// Of two decisions, the one the record is filed by: the higher rank; on a tie a rule over
    /// the default, else `current` (nothing changes).
    func better(_ candidate: FilingDecision, than current: FilingDecision) -> Bool {
        let a = rank(candidate.series)
        let b = rank(current.series)
        if let a, let b, a != b { return a > b }
        if a != nil, b == nil { return true }
        return candidate.source == .rule && current.source == .default
    }
}

/// One filing the filer decided.
struct FilingDecision: Sendable, Hashable {
    var series: String
    var source: RecordFiling.Source
    var rule: String?
    /// The message that called for it; nil for a record without messages.
    var messagePosition: Int64?
}

/// One round's work on one window, inside the transaction that holds the filer's state row.
struct FilingPass {
    let store: LedgerStore
    let ledger: LedgerRef
    let connection: PostgresConnection
    let context: FilingContext
    let logger: Logger

    /// The filer's previous decision on a record (`retention_filer_decisions`).
    struct Previous {
        var decision: FilingDecision
        var basis: String
        var position: Int64
    }

    /// A decision to record: the record, what it is filed by, on what basis, and what it replaces.
    struct Outcome {
        var record: RetentionRecordID
        var decision: FilingDecision
        var basis: String
        var previous: Previous?
        /// Whether a `record.scheduled` is needed (the series or the source changed).
        var changes: Bool
    }

    private struct Message {
        var position: Int64
        var record: RetentionRecordID
        var text: String
    }

    func decide(after: Int64, through end: Int64) async throws -> [Outcome] {
        let types: Set<String> = [ContractEvent.messageReceived, ContractEvent.sendRequested, EventType.Classification.classified]
        let bodies: Set<String> = [ContractEvent.messageReceived, ContractEvent.sendRequested]
        var messages: [Int64: Message] = [:]
        var categoryFromEvents: [Int64: Int64] = [:]
        var staffDecided: Set<Int64> = []
        var reclassified: [Int64] = []
        var cursor = after
        while cursor < end {
            let page = try await store.selectedRecords(
                ledger: ledger, after: cursor, through: end, eventTypes: types, payloadTypes: bodies, limit: 500, on: connection)
            for entry in page {
                if entry.entry.fields.eventType == EventType.Classification.classified {
                    guard let header = try? JSONValue.parse(Array(entry.entry.fields.header.utf8)), let target = header["target_position"]?.integer,
                        let category = header["category"]?.integer
                    else { continue }
                    // As the classification projection: an automatic decision never overrules staff.
                    let staff = header["source"]?.string == "staff"
                    if staff || !staffDecided.contains(target) { categoryFromEvents[target] = category }
                    if staff { staffDecided.insert(target) }
                    if target <= after { reclassified.append(target) }
                } else if let message = Self.message(entry) {
                    messages[message.position] = message
                }
            }
            guard let last = page.last?.entry.fields.position, page.count == 500 else { break }
            cursor = last
        }
        for target in Set(reclassified) where messages[target] == nil {
            let page = try await store.selectedRecords(
                ledger: ledger, after: target - 1, through: target, eventTypes: bodies, payloadTypes: bodies, limit: 1, on: connection)
            if let entry = page.first, let message = Self.message(entry) { messages[message.position] = message }
        }
        let categories = try await self.categories(of: Array(messages.keys), overriddenBy: categoryFromEvents, staff: staffDecided)
        let touched = Set(messages.values.map(\.record))
        let unfiled = try await recordsWithoutDecision(after: after, through: end, excluding: touched)
        let records = Array(touched) + unfiled
        guard !records.isEmpty else { return [] }
        let teams = try await self.teams(of: records)
        // Each message's own series, kept: a record's series is the best of all its messages'.
        let decided = messages.values.sorted(by: { $0.position < $1.position }).map { message in
            let category = categories[message.position].flatMap { FilingCategory(rawValue: Int($0)) } ?? .specialHandling
            let facts = FilingFacts(
                businessNumber: RecordStream(message.record.stream)?.phoneNumberID, team: teams[message.record], category: category, text: message.text)
            return (message: message, decision: context.decide(facts, position: message.position))
        }
        if !decided.isEmpty {
            try await connection.query(
                """
                INSERT INTO retention_filer_messages AS m (ledger_id, position, stream, period, series, source, rule)
                SELECT \(ledger.id), u.position, u.stream, u.period, u.series, u.source, NULLIF(u.rule, '')
                FROM unnest(\(decided.map(\.message.position)), \(decided.map(\.message.record.stream)), \(decided.map(\.message.record.period)),
                    \(decided.map(\.decision.series)), \(decided.map(\.decision.source.rawValue)), \(decided.map { $0.decision.rule ?? "" }))
                    AS u(position, stream, period, series, source, rule)
                ON CONFLICT (ledger_id, position) DO UPDATE SET series = EXCLUDED.series, source = EXCLUDED.source, rule = EXCLUDED.rule
                """, logger: logger)
        }
        let skipped = try await filedByHandOrDestroyed(records)
        let previous = try await previousDecisions(records)
        let byMessages = try await messageDecisions(Array(touched))

        var outcomes: [Outcome] = []
        for record in records.sorted() where !skipped.contains(record) {
            let before = previous[record]
            guard let decisions = byMessages[record], !decisions.isEmpty else {
                // No message yet: the record-level rules, unless a decision exists.
                guard before == nil else { continue }
                let facts = FilingFacts(businessNumber: RecordStream(record.stream)?.phoneNumberID, team: teams[record])
                outcomes.append(Outcome(record: record, decision: context.decide(facts, position: nil), basis: "record", previous: nil, changes: true))
                continue
            }
            var best = decisions[0]
            for decision in decisions.dropFirst() where context.better(decision, than: best) { best = decision }
            let changes = before.map { $0.decision.series != best.series || $0.decision.source != best.source } ?? true
            if changes || before?.basis != "messages" || before?.decision.rule != best.rule {
                outcomes.append(Outcome(record: record, decision: best, basis: "messages", previous: before, changes: changes))
            }
        }
        return outcomes
    }

    /// Every message decision of the records, in message order.
    private func messageDecisions(_ records: [RetentionRecordID]) async throws -> [RetentionRecordID: [FilingDecision]] {
        guard !records.isEmpty else { return [:] }
        let wanted = Set(records)
        let rows = try await connection.query(
            """
            SELECT stream, period, position, series, source, rule FROM retention_filer_messages
            WHERE ledger_id = \(ledger.id) AND stream = ANY(\(Array(Set(records.map(\.stream))))) ORDER BY position
            """, logger: logger)
        var found: [RetentionRecordID: [FilingDecision]] = [:]
        for try await (stream, period, position, series, source, rule) in rows.decode((String, String, Int64, String, String, String?).self) {
            let record = RetentionRecordID(stream: stream, period: period)
            guard wanted.contains(record) else { continue }
            found[record, default: []].append(
                FilingDecision(series: series, source: RecordFiling.Source(rawValue: source) ?? .default, rule: rule, messagePosition: position))
        }
        return found
    }

    /// Appends the `record.scheduled` events of the outcomes that change a filing, and stores
    /// every outcome as the filer's decision.
    /// - Returns: the events appended (or found already recorded).
    func record(_ outcomes: [Outcome], ledgerName: String, now: LedgerTimestamp) async throws -> Int {
        let changing = outcomes.filter(\.changes)
        var positions: [RetentionRecordID: Int64] = [:]
        for chunk in stride(from: 0, to: changing.count, by: 200).map({ Array(changing[$0..<min($0 + 200, changing.count)]) }) {
            let events = try chunk.map { outcome in
                let filing = RecordFiling(
                    record: outcome.record, series: outcome.decision.series, source: outcome.decision.source, rule: outcome.decision.rule)
                var details: [String: JSONValue] = [:]
                if let position = outcome.decision.messagePosition { details["message_position"] = .integer(position) }
                let key = "retention:filed:\(outcome.record):\(outcome.decision.series):after:\(outcome.previous?.position ?? 0)"
                return try filing.event(actor: RetentionFiler.actor, details: details, dedupeKey: key, occurredAt: now)
            }
            let receipts = try await store.append(events, to: ledgerName)
            for (outcome, receipt) in zip(chunk, receipts) { positions[outcome.record] = receipt.position }
        }
        if !outcomes.isEmpty {
            try await connection.query(
                """
                INSERT INTO retention_filer_decisions AS d (ledger_id, stream, period, series, source, rule, basis, position)
                SELECT \(ledger.id), u.stream, u.period, u.series, u.source, NULLIF(u.rule, ''), u.basis, u.position
                FROM unnest(\(outcomes.map(\.record.stream)), \(outcomes.map(\.record.period)), \(outcomes.map(\.decision.series)),
                    \(outcomes.map(\.decision.source.rawValue)), \(outcomes.map { $0.decision.rule ?? "" }), \(outcomes.map(\.basis)),
                    \(outcomes.map { positions[$0.record] ?? $0.previous?.position ?? 0 }))
                    AS u(stream, period, series, source, rule, basis, position)
                ON CONFLICT (ledger_id, stream, period) DO UPDATE SET series = EXCLUDED.series, source = EXCLUDED.source,
                    rule = EXCLUDED.rule, basis = EXCLUDED.basis, position = EXCLUDED.position
                """, logger: logger)
        }
        if !changing.isEmpty { logger.debug("retention filer recorded filings", metadata: ["filings": "\(changing.count)"]) }
        return changing.count
    }

    private static func message(_ entry: SelectedRecord) -> Message? {
        let fields = entry.entry.fields
        guard RecordEvents.isMessage(entry), let record = RetentionRecordID(stream: fields.stream, occurredAt: fields.occurredAt) else {
            return nil
        }
        var text = ""
        if case .bytes(let bytes)? = entry.payload, let json = try? JSONValue.parse(bytes) { text = FilingMessageText.extract(payload: json) }
        return Message(position: fields.position, record: record, text: text)
    }

    /// Each message's category: the latest `record.classified` in the window (an automatic one
    /// never over a staff one), else the classification projection's (classified only); a
    /// message in neither is absent (it counts as the highest category).
    private func categories(of positions: [Int64], overriddenBy events: [Int64: Int64], staff: Set<Int64>) async throws -> [Int64: Int64] {
        var categories: [Int64: Int64] = [:]
        var staffInTable: Set<Int64> = []
        if !positions.isEmpty {
            let rows = try await connection.query(
                """
                SELECT message_position, category, source FROM message_classifications
                WHERE ledger_id = \(ledger.id) AND message_position = ANY(\(positions)) AND state = 'classified' AND category IS NOT NULL
                """, logger: logger)
            for try await (position, category, source) in rows.decode((Int64, Int16, String?).self) {
                categories[position] = Int64(category)
                if source == "staff" { staffInTable.insert(position) }
            }
        }
        for (position, category) in events where staff.contains(position) || !staffInTable.contains(position) {
            categories[position] = category
        }
        return categories
    }

    /// Records the window `(after, end]` opened and not yet filed, not among `excluding`.
    /// Windows follow one another, so every record is opened in exactly one. (One the filer
    /// decided before is among them only after a rebuild; ``decide(after:through:)`` leaves it.)
    private func recordsWithoutDecision(after: Int64, through end: Int64, excluding: Set<RetentionRecordID>) async throws -> [RetentionRecordID] {
        let rows = try await connection.query(
            """
            SELECT r.stream, r.period FROM retention_records r
            WHERE r.ledger_id = \(ledger.id) AND r.first_position > \(after) AND r.first_position <= \(end)
              AND r.series IS NULL AND NOT \(unescaped: RecordDestruction.isDestroyed("r"))
            """, logger: logger)
        var records: [RetentionRecordID] = []
        for try await (stream, period) in rows.decode((String, String).self) {
            let record = RetentionRecordID(stream: stream, period: period)
            if !excluding.contains(record) { records.append(record) }
        }
        return records
    }

    private func filedByHandOrDestroyed(_ records: [RetentionRecordID]) async throws -> Set<RetentionRecordID> {
        let streams = Array(Set(records.map(\.stream)))
        let rows = try await connection.query(
            """
            SELECT stream, period FROM retention_records r
            WHERE ledger_id = \(ledger.id) AND stream = ANY(\(streams))
              AND (filing_source = 'manual' OR transferred_position IS NOT NULL OR \(unescaped: RecordDestruction.isDestroyed("r")))
            """, logger: logger)
        var found: Set<RetentionRecordID> = []
        for try await (stream, period) in rows.decode((String, String).self) { found.insert(RetentionRecordID(stream: stream, period: period)) }
        return found
    }

    private func previousDecisions(_ records: [RetentionRecordID]) async throws -> [RetentionRecordID: Previous] {
        let streams = Array(Set(records.map(\.stream)))
        let rows = try await connection.query(
            """
            SELECT stream, period, series, source, rule, basis, position FROM retention_filer_decisions
            WHERE ledger_id = \(ledger.id) AND stream = ANY(\(streams))
            """, logger: logger)
        var found: [RetentionRecordID: Previous] = [:]
        for try await (stream, period, series, source, rule, basis, position) in rows.decode(
            (String, String, String, String, String?, String, Int64).self)
        {
            let decision = FilingDecision(series: series, source: RecordFiling.Source(rawValue: source) ?? .default, rule: rule, messagePosition: nil)
            found[RetentionRecordID(stream: stream, period: period)] = Previous(decision: decision, basis: basis, position: position)
        }
        return found
    }

    /// The team each record's conversation is routed to now (records of conversations not routed
    /// are absent).
    private func teams(of records: [RetentionRecordID]) async throws -> [RetentionRecordID: String] {
        guard !records.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT u.stream, u.period, i.team
            FROM unnest(\(records.map(\.stream)), \(records.map(\.period))) AS u(stream, period)
            JOIN inbox_conversations i ON i.ledger_id = \(ledger.id) AND i.conversation_id = coalesce(
                (SELECT conversation_id FROM conversation_streams WHERE ledger_id = \(ledger.id) AND stream = u.stream),
                CASE WHEN u.stream LIKE 'inbox/%' THEN substr(u.stream, 7) ELSE u.stream END)
            WHERE i.team IS NOT NULL
            """, logger: logger)
        var teams: [RetentionRecordID: String] = [:]
        for try await (stream, period, team) in rows.decode((String, String, String).self) {
            teams[RetentionRecordID(stream: stream, period: period)] = team
        }
        return teams
    }
}
