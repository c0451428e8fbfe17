public import Access
import Events
public import ExportSources
import Exports
public import Foundation
import Ledger
public import LedgerStore
import Logging
import Messaging
import PostgresNIO
import RecordkeeperCore

/// What to export as one installment of a request.
public struct InstallmentOrder: Sendable {
    /// The request, `PRR-<year>-<n>`.
    public var requestID: String
    /// The ledger positions of the messages (any order; repeats are ignored), added to ``search``'s.
    public var positions: [Int64]
    /// A search of the request whose results (`request_search_results`) are exported.
    public var search: Int?
    /// The directory the bundle `<request>-<n>.tar.zst` is written to.
    public var directory: URL
    /// Redactions and withholdings; every other message is released in full.
    public var decisions: InstallmentDecisions
    /// The agency, as the cover letter and transcripts name it.
    public var agency: String
    /// Whom to contact about the request (an office).
    public var contact: String
    /// What this installment provides, in the officer's words (default: a sentence with the counts).
    public var summary: String?
    /// The zstd level.
    public var compressionLevel: Int

    public init(
        requestID: String, positions: [Int64], search: Int? = nil, directory: URL, decisions: InstallmentDecisions = InstallmentDecisions(), agency: String,
        contact: String, summary: String? = nil, compressionLevel: Int = 3
    ) {
        self.requestID = requestID
        self.positions = positions
        self.search = search
        self.directory = directory
        self.decisions = decisions
        self.agency = agency
        self.contact = contact
        self.summary = summary
        self.compressionLevel = compressionLevel
    }
}

/// An installment as produced or listed.
public struct Installment: Sendable, Hashable {
    public var requestID: String
    /// 1 for the first installment of the request.
    public var number: Int
    /// The bundle's file name, e.g. `PRR-2026-0042-1.tar.zst`.
    public var file: String
    public var manifestSHA256: String
    public var bundleBytes: Int64
    public var messages: Int
    public var released: Int
    public var redacted: Int
    public var withheld: Int
    /// The tree size of the checkpoint its proofs are for.
    public var checkpointSize: Int64
    /// Its `export.produced` entry.
    public var position: Int64
    public var producedAt: Date
    public var producedBy: String
}

/// Produces a request's installments: export bundles of its messages, read from the database
/// (`ExportSources.ExportMessageReader`), written by ``ExportBundleWriter`` with constant memory, proven against
/// a signed checkpoint that covers them (one is made when none does yet), and recorded as
/// `export.produced` (the request's status becomes installment produced) and `access.exported`.
///
/// A request that is closed, withdrawn or abandoned is refused before anything is written, and
/// again, under the request lock, before the events are appended: the bundle is then removed.
/// Any failure leaves no bundle file behind.
public struct RequestInstallments: Sendable {
    public let store: LedgerStore
    public let ledger: String
    /// The deployment's log name, for a checkpoint made by the export.
    public let logName: String

    public init(store: LedgerStore, ledger: String, logName: String) {
        self.store = store
        self.ledger = ledger
        self.logName = logName
    }

    /// Writes installment n+1 of the order's request and records it.
    /// - Parameter progress: called after each page with (messages written, messages in all).
    /// - Throws: ``InstallmentError``; nothing appended and no file left when thrown.
    public func produce(
        _ order: InstallmentOrder, actor: String, role: StaffRole, now: Date = Date(), progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> Installment {
        guard RecordsRequests.actingRoles.contains(role) else { throw InstallmentError.notAllowed(role: role.rawValue) }
        let id = order.requestID
        guard RecordsRequests.parse(id: id) != nil else { throw InstallmentError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw InstallmentError.unknownRequest(id) }
        var selected = Set(order.positions)
        if let search = order.search {
            for hit in try await RequestSearches(store: store, ledger: ledger).results(id, search: search, role: role) { selected.insert(hit.position) }
        }
        let positions = selected.sorted()
        guard !positions.isEmpty else { throw InstallmentError.noMessages("no message was selected (give --messages or a search with results)") }
        for position in order.decisions.positions where !positions.contains(position) {
            throw InstallmentError.decisionOutsideExport(position: position)
        }
        let number = try await store.withTransaction { connection in
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw InstallmentError.unknownRequest(id)
            }
            guard !request.status.isFinal else { throw InstallmentError.requestFinal(id: id, status: request.status.rawValue) }
            return try await Self.nextNumber(id, ledger: ref, on: connection, logger: store.logger)
        }
        // The redactions approved in review; a message with one not reviewed yet is not released.
        let approved = try await RequestRedactions(store: store, ledger: ledger).approved(request: id)
        let blocked = approved.blockedPositions.intersection(positions)
        guard blocked.isEmpty else { throw InstallmentError.unreviewedRedactions(positions: blocked.sorted()) }
        let decisions = order.decisions.adding(approved, only: Set(positions))
        let file = "\(id)-\(number).tar.zst"
        let destination = order.directory.appendingPathComponent(file)
        guard !FileManager.default.fileExists(atPath: destination.path) else { throw InstallmentError.destinationExists(destination.path) }

        // The message metadata and media the reader looks up, as of now.
        try await ExportMessageReader.catchUp(store: store, ledger: ref)
        let checkpoint = try await InstallmentError.mapping {
            try await ExportCheckpoint.covering(position: positions.last!, ledger: ref, store: store, logName: logName)
        }
        var reader = ExportMessageReader(store: store, ledger: ref, treeSize: checkpoint.treeSize, agency: order.agency)
        let conversations = try await InstallmentError.mapping { try await reader.conversations(positions: positions) }
        let text =
            order.summary ?? "Records responsive to request \(id): \(positions.count) WhatsApp message(s) in \(conversations.count) conversation(s)."
        let writer: ExportBundleWriter
        do {
            writer = try ExportBundleWriter(
                destination: destination, ledger: ExportLedger(name: ref.name, signedCheckpoint: checkpoint.note, verifierKeys: checkpoint.keys),
                conversations: conversations,
                coverLetter: ExportCoverLetter(
                    agency: order.agency, requestID: id, installment: number, producedAt: LedgerTimestamp(now), summary: text,
                    contact: order.contact),
                compressionLevel: order.compressionLevel)
        } catch let error as ExportError {
            throw InstallmentError.export(error)
        }
        let source = reader
        let summary = try await InstallmentError.mapping {
            try await ExportPages.write(positions, reader: source, decisions: decisions, into: writer, progress: progress)
        }
        do {
            return try await record(id: id, number: number, file: file, summary: summary, text: text, ref: ref, actor: actor, now: now)
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
    }

    /// The request's installments, first first.
    public func list(_ id: String, role: StaffRole) async throws -> [Installment] {
        guard RecordsRequests.readingRoles.contains(role) else { throw InstallmentError.notAllowed(role: role.rawValue) }
        guard RecordsRequests.parse(id: id) != nil else { throw InstallmentError.malformedID(id) }
        guard let ref = try await store.existingLedger(named: ledger) else { throw InstallmentError.unknownRequest(id) }
        return try await store.withTransaction { connection in
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            guard try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) != nil else {
                throw InstallmentError.unknownRequest(id)
            }
            return try await Self.installments(id, ledger: ref, on: connection, logger: store.logger)
        }
    }

    // MARK: Parts

    /// Under the request lock: refuses a final request or a number taken meanwhile, appends
    /// `export.produced` and `access.exported`, catches the projection up.
    private func record(
        id: String, number: Int, file: String, summary: ExportSummary, text: String, ref: LedgerRef, actor: String, now: Date
    ) async throws -> Installment {
        try await locked(ref) { connection in
            guard let request = try await RequestQueries.request(id, ledger: ref, on: connection, logger: store.logger) else {
                throw InstallmentError.unknownRequest(id)
            }
            guard !request.status.isFinal else { throw InstallmentError.requestFinal(id: id, status: request.status.rawValue) }
            guard try await Self.nextNumber(id, ledger: ref, on: connection, logger: store.logger) == number else {
                throw InstallmentError.concurrentInstallment(id: id)
            }
            let at = LedgerTimestamp(now)
            let receipts = try await store.append(
                [
                    try InstallmentEvents.produced(id: id, number: number, file: file, summary: summary, text: text, actor: actor, occurredAt: at),
                    try InstallmentEvents.exported(
                        id: id, number: number, records: summary.messages, manifestSHA256: summary.manifestSHA256, actor: actor, occurredAt: at),
                ], to: ref.name)
            try await RecordsRequests.catchUp(store: store, ledger: ref, on: connection)
            return Installment(
                requestID: id, number: number, file: file, manifestSHA256: summary.manifestSHA256, bundleBytes: Int64(summary.bundleBytes),
                messages: summary.messages, released: summary.released, redacted: summary.redacted, withheld: summary.withheld,
                checkpointSize: Int64(summary.checkpointSize), position: receipts[0].position, producedAt: now, producedBy: actor)
        }
    }

    /// One more than the number of the request's recorded installments.
    static func nextNumber(_ id: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT count(*) FROM request_events
            WHERE ledger_id = \(ledger.id) AND request_id = \(id) AND event_type = \(EventType.Exports.produced)
            """, logger: logger
        ).collect()
        return Int(try rows.first?.decode(Int64.self) ?? 0) + 1
    }

    /// The installments of request `id` from the projection's history (their headers' values).
    static func installments(_ id: String, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws -> [Installment] {
        var result: [Installment] = []
        for try await (position, at, actor, details) in try await connection.query(
            """
            SELECT position, occurred_at_us, actor, details::text FROM request_events
            WHERE ledger_id = \(ledger.id) AND request_id = \(id) AND event_type = \(EventType.Exports.produced)
            ORDER BY position
            """, logger: logger
        ).decode((Int64, Int64, String, String).self) {
            let values = (try? JSONValue.parse(Array(details.utf8))) ?? .object([:])
            func int(_ key: String) -> Int64 { values[key]?.integer ?? 0 }
            result.append(
                Installment(
                    requestID: id, number: Int(int("installment")), file: values.text("file") ?? "",
                    manifestSHA256: values.text("manifest_sha256") ?? "", bundleBytes: int("bundle_bytes"), messages: Int(int("messages")),
                    released: Int(int("released")), redacted: Int(int("redacted")), withheld: Int(int("withheld")),
                    checkpointSize: int("checkpoint_size"), position: position, producedAt: LedgerTimestamp(microseconds: at).date,
                    producedBy: actor))
        }
        return result
    }

    /// Runs `body` holding the requests' lock, with the projection caught up (``RequestsLock``).
    private func locked<T: Sendable>(_ ref: LedgerRef, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await RequestsLock.run(store: store, prepare: { try await RecordsRequests.catchUp(store: store, ledger: ref, on: $0) }, body)
    }
}

/// The page size of installment exports (the benchmark reports progress by it).
public enum InstallmentReader {
    /// How many positions are read together.
    public static let pageSize = ExportMessageReader.pageSize
}
