import Events
public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
import Retention

/// Makes destruction certificates from the ledger: the `record.destroyed` authorities, the
/// disposition list and approvals they name, the records they destroyed (`retention_records`),
/// the data keys and payloads destroyed, and the signed checkpoint that covers them
/// (docs/records-officer.md, "The destruction certificate"). Reads only; catches up the retention
/// projections first.
public struct DestructionCertificates: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// The certificate of the disposition list `list`: every `record.destroyed` authority that
    /// names it, with the list's inventory and approvals. A list named only by authorities (no
    /// disposition list recorded) is certified from the authorities alone.
    /// - Throws: ``DestructionCertificateError/unknownList(_:known:)`` naming the lists that exist,
    ///   ``DestructionCertificateError/transferList(_:)``, ``DestructionCertificateError/notDestroyed(_:status:)``.
    public func certificate(list: String, now: Date = Date()) async throws -> DestructionCertificate {
        try await DispositionLists(store: store, ledger: ledger).catchUp()
        guard let ref = try await store.existingLedger(named: ledger) else { throw DestructionCertificateError.unknownList(list, known: []) }
        let disposition = try await dispositionList(list)
        let authorities = try await self.authorities(ledgerID: ref.id).filter { $0.list == list }
        guard disposition != nil || !authorities.isEmpty else {
            throw DestructionCertificateError.unknownList(list, known: try await knownLists(ledgerID: ref.id))
        }
        if let disposition, authorities.isEmpty {
            if disposition.action == .transfer { throw DestructionCertificateError.transferList(list) }
            throw DestructionCertificateError.notDestroyed(list, status: disposition.status)
        }
        return try await build(ref: ref, list: list, disposition: disposition, authorities: authorities, now: now)
    }

    /// The certificate of the one `record.destroyed` authority at `position` (with the inventory
    /// and approvals of the disposition list it names, when that list is recorded).
    /// - Throws: ``DestructionCertificateError/notAnAuthority(_:)``.
    public func certificate(authority position: Int64, now: Date = Date()) async throws -> DestructionCertificate {
        try await DispositionLists(store: store, ledger: ledger).catchUp()
        guard let ref = try await store.existingLedger(named: ledger),
            let authority = try await authorities(ledgerID: ref.id).first(where: { $0.position == position })
        else { throw DestructionCertificateError.notAnAuthority(position) }
        var disposition: DispositionList?
        if let list = authority.list { disposition = try await dispositionList(list) }
        return try await build(ref: ref, list: authority.list, disposition: disposition, authorities: [authority], now: now)
    }

    /// Every destruction of the ledger, one line per list (an authority without a list stands
    /// alone), oldest first.
    public func log() async throws -> [DestructionLogEntry] {
        try await DispositionLists(store: store, ledger: ledger).catchUp()
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        let authorities = try await self.authorities(ledgerID: ref.id)
        let counts = try await recordCounts(ledgerID: ref.id, positions: authorities.map(\.position))
        var entries: [DestructionLogEntry] = []
        for authority in authorities {
            let records = counts[authority.position] ?? 0
            if let list = authority.list, let index = entries.firstIndex(where: { $0.list == list }) {
                entries[index].records += records
                entries[index].positions.append(authority.position)
                entries[index].lastAt = max(entries[index].lastAt, authority.occurredAt)
            } else {
                entries.append(
                    DestructionLogEntry(
                        list: authority.list, series: authority.citation, records: records, firstAt: authority.occurredAt,
                        lastAt: authority.occurredAt, positions: [authority.position]))
            }
        }
        return entries
    }

    // MARK: Building

    private func build(
        ref: LedgerRef, list: String?, disposition: DispositionList?, authorities: [DestructionAuthority], now: Date
    ) async throws -> DestructionCertificate {
        let positions = authorities.map(\.position)
        let citation = disposition?.series ?? authorities.first?.series ?? authorities.first?.citation ?? ""
        let terms = try await DispositionLists(store: store, ledger: ledger).terms(of: citation, ledgerID: ref.id)
        let halts = try await self.halts(ledgerID: ref.id, of: Set(positions))
        let records = try await destroyedRecords(ledgerID: ref.id, positions: positions)
        let keys = try await keyState(ledgerID: ref.id, authorities: authorities, halts: halts)
        let payloads = try await payloadCount(ledgerID: ref.id, positions: positions)
        let retentionMet = try await latestEligible(ledgerID: ref.id, series: citation, positions: positions, now: now)
        let catalog = try await catalogInForce(ledgerID: ref.id, before: positions.min() ?? Int64.max)

        var approvals = disposition?.approvals.map { DestructionCertificate.Party(actor: $0.actor, at: $0.at, position: $0.position) } ?? []
        if disposition == nil {
            let named = Array(Set(authorities.flatMap(\.approvals))).sorted()
            approvals = try await entries(ledgerID: ref.id, positions: named).map {
                DestructionCertificate.Party(actor: $0.actor, at: $0.at, position: $0.position)
            }
        }
        let inventoried = disposition.map { DestructionCertificate.Party(actor: $0.listedBy, at: $0.listedAt, position: $0.listedPosition) }
        let destroyed = authorities.map { DestructionCertificate.Party(actor: $0.actor, at: $0.occurredAt, position: $0.position) }

        var citations: [DestructionCertificate.Citation] = []
        if let catalog {
            citations.append(
                .init(
                    position: catalog.position, eventType: "retention.catalog.loaded",
                    what: "the schedule catalog in force: \(catalog.name) version \(catalog.version)"))
        }
        if let inventoried {
            citations.append(
                .init(
                    position: inventoried.position, eventType: EventType.Retention.dispositionListed,
                    what: "list \(list ?? "") made by \(inventoried.actor): the records inventoried"))
        }
        for (index, approval) in approvals.enumerated() {
            citations.append(
                .init(
                    position: approval.position, eventType: EventType.Retention.dispositionApproved,
                    what: "approval \(index + 1) of \(max(disposition?.required ?? approvals.count, approvals.count)), by \(approval.actor)"))
        }
        for authority in authorities {
            citations.append(
                .init(
                    position: authority.position, eventType: EventType.Destruction.recordDestroyed,
                    what:
                        "the authority to destroy \(DestructionCertificate.count(authority.records, "record")) (\(DestructionCertificate.count(authority.dataKeyIDs.count, "data key"))), by \(authority.actor)"
                ))
        }
        for halt in halts {
            citations.append(
                .init(
                    position: halt.position, eventType: EventType.Retention.destructionHalted,
                    what:
                        "\(DestructionCertificate.count(halt.halt.dataKeyIDs.count, "data key")) of authority \(halt.halt.authorisation) kept: a hold covers them (\(halt.halt.holds.joined(separator: ", ")))"
                ))
        }
        citations.sort { $0.position < $1.position }
        let last = citations.map(\.position).max() ?? 0

        let series = DestructionCertificate.Series(
            citation: terms?.citation ?? citation, dan: terms?.dan ?? authorities.first?.dan ?? citation,
            revision: terms?.revision ?? authorities.first?.revision ?? 0, title: terms?.title ?? "", description: terms?.description ?? "",
            retention: terms.map { DestructionCertificate.words($0.retention) } ?? "unknown",
            retentionISO: terms?.retention.catalogText ?? "unknown", trigger: terms.map { DestructionCertificate.words($0.trigger) } ?? "unknown")
        let covered =
            records.isEmpty ? nil : DestructionCertificate.DateRange(from: records.map(\.firstAt).min() ?? now, to: records.map(\.lastAt).max() ?? now)
        return DestructionCertificate(
            ledger: ledger, list: list, series: series,
            schedule: catalog.map { DestructionCertificate.Schedule(name: $0.name, version: $0.version, position: $0.position) },
            volume: DestructionCertificate.Volume(
                records: records.count, messages: records.reduce(0) { $0 + $1.messages }, entries: records.reduce(0) { $0 + $1.entries },
                payloads: payloads, dataKeys: keys.destroyed),
            datesCovered: covered, retentionMet: retentionMet, inventoried: inventoried, approvals: approvals, destroyed: destroyed,
            pendingKeys: keys.pending, records: records, citations: citations,
            checkpoint: last > 0 ? try await checkpoint(ledgerID: ref.id, covering: last) : nil, generatedAt: now)
    }

    // MARK: Reading

    private func dispositionList(_ list: String) async throws -> DispositionList? {
        do {
            return try await DispositionLists(store: store, ledger: ledger).show(list: list)
        } catch DispositionError.unknownList {
            return nil
        }
    }

    /// Every `record.destroyed` authority of the ledger, in ledger order.
    private func authorities(ledgerID: Int32) async throws -> [DestructionAuthority] {
        let rows = try await store.client.query(
            """
            SELECT position, occurred_at_us, actor, header FROM ledger_entries
            WHERE ledger_id = \(ledgerID) AND stream = \(RecordDestroyedEvent.stream) AND event_type = \(EventType.Destruction.recordDestroyed)
            ORDER BY position
            """, logger: store.logger)
        var result: [DestructionAuthority] = []
        for try await (position, occurredAt, actor, header) in rows.decode((Int64, Int64, String, String).self) {
            if let authority = DestructionAuthority(
                position: position, occurredAt: LedgerTimestamp(microseconds: occurredAt).date, actor: actor, header: header)
            {
                result.append(authority)
            }
        }
        return result
    }

    /// The disposition lists and the lists named by authorities, sorted.
    private func knownLists(ledgerID: Int32) async throws -> [String] {
        var names = Set(try await DispositionLists(store: store, ledger: ledger).lists().map(\.list))
        for authority in try await authorities(ledgerID: ledgerID) { if let list = authority.list { names.insert(list) } }
        return names.sorted()
    }

    /// The `retention.destruction.halted` entries of the authorities at `positions`.
    private func halts(ledgerID: Int32, of positions: Set<Int64>) async throws -> [(position: Int64, halt: DestructionHalt)] {
        let rows = try await store.client.query(
            """
            SELECT position, header FROM ledger_entries
            WHERE ledger_id = \(ledgerID) AND stream = \(RecordDestroyedEvent.stream) AND event_type = \(EventType.Retention.destructionHalted)
            ORDER BY position
            """, logger: store.logger)
        var result: [(position: Int64, halt: DestructionHalt)] = []
        for try await (position, header) in rows.decode((Int64, String).self) {
            if let halt = DestructionHalt(header: header), positions.contains(halt.authorisation) { result.append((position, halt)) }
        }
        return result
    }

    /// The records the authorities at `positions` destroyed, by stream and month.
    private func destroyedRecords(ledgerID: Int32, positions: [Int64]) async throws -> [DestructionCertificate.Record] {
        let rows = try await store.client.query(
            """
            SELECT r.stream, r.period, r.kind, r.messages, r.entries, r.first_at_us, r.last_at_us, k.destroyed_by_position
            FROM data_keys k JOIN retention_records r ON r.ledger_id = k.ledger_id AND r.stream = k.stream AND r.period = k.period
            WHERE k.ledger_id = \(ledgerID) AND k.destroyed_by_position = ANY(\(positions))
            ORDER BY r.stream, r.period
            """, logger: store.logger)
        var result: [DestructionCertificate.Record] = []
        for try await (stream, period, kind, messages, entries, first, last, position) in rows.decode(
            (String, String, String, Int64, Int64, Int64, Int64, Int64).self)
        {
            result.append(
                DestructionCertificate.Record(
                    id: RetentionRecordID(stream: stream, period: period).description, period: period, kind: kind, messages: messages,
                    entries: entries, firstAt: LedgerTimestamp(microseconds: first).date, lastAt: LedgerTimestamp(microseconds: last).date,
                    destroyedBy: position))
        }
        return result
    }

    /// The latest eligible date (``RetentionEligibility``) of the records the authorities at
    /// `positions` destroyed, worked out in the database.
    private func latestEligible(ledgerID: Int32, series: String, positions: [Int64], now: Date) async throws -> Date? {
        var query = RetentionEligibility.query(
            """
            SELECT max(q.eligible_us) FROM {eligibility}
            JOIN data_keys k ON k.ledger_id = q.ledger_id AND k.stream = q.stream AND k.period = q.period
            WHERE k.destroyed_by_position = ANY($4)
            """, ledgerID: ledgerID, series: series, now: now)
        query.binds.append(positions)
        for try await latest in try await store.client.query(query, logger: store.logger).decode(Int64?.self) {
            return latest.map { LedgerTimestamp(microseconds: $0).date }
        }
        return nil
    }

    /// How many records each authority destroyed.
    private func recordCounts(ledgerID: Int32, positions: [Int64]) async throws -> [Int64: Int] {
        let rows = try await store.client.query(
            """
            SELECT k.destroyed_by_position, count(*)
            FROM data_keys k JOIN retention_records r ON r.ledger_id = k.ledger_id AND r.stream = k.stream AND r.period = k.period
            WHERE k.ledger_id = \(ledgerID) AND k.destroyed_by_position = ANY(\(positions)) GROUP BY k.destroyed_by_position
            """, logger: store.logger)
        var result: [Int64: Int] = [:]
        for try await (position, count) in rows.decode((Int64, Int64).self) { result[position] = Int(count) }
        return result
    }

    /// The keys the authorities destroyed, and those they name that are neither destroyed nor kept by a halt.
    private func keyState(
        ledgerID: Int32, authorities: [DestructionAuthority], halts: [(position: Int64, halt: DestructionHalt)]
    ) async throws -> (destroyed: Int, pending: Int) {
        let named = Array(Set(authorities.flatMap(\.dataKeyIDs))).sorted()
        let kept = Set(halts.flatMap(\.halt.dataKeyIDs))
        let positions = Set(authorities.map(\.position))
        let rows = try await store.client.query(
            "SELECT id, destroyed_by_position FROM data_keys WHERE ledger_id = \(ledgerID) AND id = ANY(\(named))", logger: store.logger)
        var destroyed = 0
        var pending = 0
        for try await (id, by) in rows.decode((Int64, Int64?).self) {
            if let by, positions.contains(by) {
                destroyed += 1
            } else if by == nil, !kept.contains(id) {
                pending += 1
            }
        }
        return (destroyed, pending)
    }

    /// The payloads deleted under the authorities at `positions`.
    private func payloadCount(ledgerID: Int32, positions: [Int64]) async throws -> Int64 {
        let rows = try await store.client.query(
            "SELECT count(*) FROM payload_destructions WHERE ledger_id = \(ledgerID) AND authorised_by_position = ANY(\(positions))",
            logger: store.logger)
        for try await count in rows.decode(Int64.self) { return count }
        return 0
    }

    /// The entries at `positions`: who and when.
    private func entries(ledgerID: Int32, positions: [Int64]) async throws -> [(position: Int64, actor: String, at: Date)] {
        let rows = try await store.client.query(
            "SELECT position, actor, occurred_at_us FROM ledger_entries WHERE ledger_id = \(ledgerID) AND position = ANY(\(positions)) ORDER BY position",
            logger: store.logger)
        var result: [(position: Int64, actor: String, at: Date)] = []
        for try await (position, actor, at) in rows.decode((Int64, String, Int64).self) {
            result.append((position, actor, LedgerTimestamp(microseconds: at).date))
        }
        return result
    }

    /// The catalog version in force before `position` (the latest loaded before it), or the
    /// earliest one when none was loaded before.
    private func catalogInForce(ledgerID: Int32, before position: Int64) async throws -> (position: Int64, name: String, version: String)? {
        let rows = try await store.client.query(
            """
            SELECT position, catalog->>'name', catalog->>'version' FROM retention_catalogs WHERE ledger_id = \(ledgerID)
            ORDER BY position < \(position) DESC, CASE WHEN position < \(position) THEN -position ELSE position END LIMIT 1
            """, logger: store.logger)
        for try await (found, name, version) in rows.decode((Int64, String?, String?).self) {
            return (found, name ?? "unnamed", version ?? "unknown")
        }
        return nil
    }

    /// The earliest stored checkpoint whose tree includes position `last`.
    private func checkpoint(ledgerID: Int32, covering last: Int64) async throws -> DestructionCertificate.CheckpointCitation? {
        let rows = try await store.client.query(
            """
            SELECT id, tree_size, created_at, note FROM checkpoints
            WHERE ledger_id = \(ledgerID) AND tree_size >= \(last) ORDER BY tree_size, id LIMIT 1
            """, logger: store.logger)
        for try await (id, size, created, note) in rows.decode((Int64, Int64, Date, String).self) {
            return DestructionCertificate.CheckpointCitation(id: id, treeSize: size, createdAt: created, note: note)
        }
        return nil
    }
}

/// One line of the destruction log: one list's destruction (or one authority without a list).
public struct DestructionLogEntry: Sendable, Hashable {
    public var list: String?
    /// The series' citation.
    public var series: String
    /// The records destroyed.
    public var records: Int
    /// The first and last `record.destroyed` entries' times.
    public var firstAt: Date
    public var lastAt: Date
    /// The `record.destroyed` entries.
    public var positions: [Int64]

    public init(list: String?, series: String, records: Int, firstAt: Date, lastAt: Date, positions: [Int64]) {
        self.list = list
        self.series = series
        self.records = records
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.positions = positions
    }
}
