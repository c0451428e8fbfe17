public import Disposition
import Events
import ExportSources
import Exports
public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore
import Retention

/// Produces transfer packages: the messages of an approved transfer list's records, released in
/// full (payloads with their salts, media included, proofs against a signed checkpoint), as the
/// same `.tar.zst` bundle as an installment of a request, with the archives' metadata (the
/// manifest's `transfer` member) and a transmittal letter (docs/records-officer.md, "Transfer
/// lists"; docs/export-format.md section 5.1). Recorded as `export.produced` on
/// `retention/disposition` and `access.exported`.
///
/// Refused before anything is written: an unknown list, a destruction list, a list not approved,
/// a list already transferred, records whose content was destroyed. Any failure leaves no
/// package file behind and appends nothing.
public struct TransferPackages: Sendable {
    public let store: LedgerStore
    public let ledger: String
    /// The deployment's log name, for a checkpoint made by the package.
    public let logName: String

    public init(store: LedgerStore, ledger: String, logName: String) {
        self.store = store
        self.ledger = ledger
        self.logName = logName
    }

    /// Writes the package of `order.list` and records it.
    /// - Parameter progress: called after each page with (messages written, messages in all).
    /// - Throws: ``TransferPackageError``; nothing appended and no file left when thrown.
    public func produce(
        _ order: TransferPackageOrder, actor: String, role: String = DispositionLists.recordsOfficer, now: Date = Date(),
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> TransferPackage {
        guard role == DispositionLists.recordsOfficer else { throw TransferPackageError.notAllowed(role: role) }
        guard !order.archives.trimmingCharacters(in: .whitespaces).isEmpty else { throw TransferPackageError.missingArchives }
        let list = try await transferable(order.list)
        let records = list.remaining
        guard let ref = try await store.existingLedger(named: ledger) else { throw TransferPackageError.unknownList(order.list) }
        guard let series = try await series(list.series, ledgerID: ref.id) else { throw TransferPackageError.unknownSeries(list.series) }
        let file = "\(list.list).tar.zst"
        let destination = order.directory.appendingPathComponent(file)
        guard !FileManager.default.fileExists(atPath: destination.path) else { throw TransferPackageError.destinationExists(destination.path) }

        try await ExportMessageReader.catchUp(store: store, ledger: ref)
        let (positions, from, to) = try await messages(of: records, ledger: ref)
        let summary: ExportSummary
        let text: String
        do {
            let checkpoint = try await ExportCheckpoint.covering(
                position: positions.last ?? list.listedPosition, ledger: ref, store: store, logName: logName)
            var reader = ExportMessageReader(store: store, ledger: ref, treeSize: checkpoint.treeSize, agency: order.agency)
            let conversations = try await reader.conversations(positions: positions)
            text =
                order.summary
                ?? "The \(records.count) record(s) of transfer list \(list.list) (\(series.title), \(series.citation)): \(positions.count) WhatsApp message(s) in \(conversations.count) conversation(s), with their media, released in full."
            let transfer = ExportTransfer(
                agency: order.agency, list: list.list, series: Self.metadata(series), records: records.map { .init(stream: $0.stream, month: $0.period) },
                from: from, to: to, listedAt: LedgerTimestamp(list.listedAt),
                approvals: list.approvals.map { .init(by: $0.actor, at: LedgerTimestamp($0.at)) }, archives: order.archives)
            let writer = try ExportBundleWriter(
                destination: destination, ledger: ExportLedger(name: ref.name, signedCheckpoint: checkpoint.note, verifierKeys: checkpoint.keys),
                conversations: conversations,
                coverLetter: ExportCoverLetter(
                    agency: order.agency, requestID: list.list, installment: 1, producedAt: LedgerTimestamp(now), summary: text,
                    contact: order.contact, transfer: transfer),
                compressionLevel: order.compressionLevel)
            summary = try await ExportPages.write(positions, reader: reader, decisions: .none, into: writer, progress: progress)
        } catch let error as ExportError {
            throw TransferPackageError.export(error)
        } catch let error as ExportSourceError {
            switch error {
            case .notMessages(let positions):
                throw TransferPackageError.contentUnavailable(position: positions.first ?? 0, reason: "it is not a message of a conversation")
            case .contentUnavailable(let position, let reason), .invalidRedaction(let position, let reason):
                throw TransferPackageError.contentUnavailable(position: position, reason: reason)
            case .noSigningKey: throw TransferPackageError.noSigningKey
            }
        }
        do {
            // The list may have been transferred while the package was written.
            _ = try await transferable(order.list)
            let at = LedgerTimestamp(now)
            let receipts = try await store.append(
                [
                    try TransferPackageEvents.produced(
                        list: list.list, series: list.series, archives: order.archives, file: file, records: records.count, summary: summary, text: text,
                        actor: actor, occurredAt: at),
                    try TransferPackageEvents.exported(
                        list: list.list, records: records.count, messages: summary.messages, manifestSHA256: summary.manifestSHA256, actor: actor,
                        occurredAt: at),
                ], to: ledger)
            return TransferPackage(
                list: list.list, file: file, manifestSHA256: summary.manifestSHA256, bundleBytes: Int64(summary.bundleBytes), records: records.count,
                messages: summary.messages, media: summary.mediaIncluded, checkpointSize: Int64(summary.checkpointSize),
                position: receipts[0].position, producedAt: now, producedBy: actor)
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
    }

    /// The packages recorded for `list` (its `export.produced` entries), first first.
    public func packages(list: String) async throws -> [TransferPackage] {
        guard let ref = try await store.existingLedger(named: ledger) else { return [] }
        var result: [TransferPackage] = []
        for try await (position, at, actor, text) in try await store.client.query(
            """
            SELECT position, occurred_at_us, actor, header FROM ledger_entries
            WHERE ledger_id = \(ref.id) AND stream = \(DispositionEvents.stream) AND event_type = \(EventType.Exports.produced)
            ORDER BY position
            """, logger: store.logger
        ).decode((Int64, Int64, String, String).self) {
            guard let header = try? JSONValue.parse(Array(text.utf8)), header["list"]?.string == list else { continue }
            func int(_ key: String) -> Int64 { header[key]?.integer ?? 0 }
            result.append(
                TransferPackage(
                    list: list, file: header["file"]?.string ?? "", manifestSHA256: header["manifest_sha256"]?.string ?? "",
                    bundleBytes: int("bundle_bytes"), records: Int(int("records")), messages: Int(int("messages")), media: Int(int("media")),
                    checkpointSize: int("checkpoint_size"), position: position, producedAt: LedgerTimestamp(microseconds: at).date, producedBy: actor))
        }
        return result
    }

    // MARK: Parts

    /// The list, when a package may be made of it now.
    private func transferable(_ id: String) async throws -> DispositionList {
        let lists = DispositionLists(store: store, ledger: ledger)
        try await lists.catchUp()
        let list: DispositionList
        do {
            list = try await lists.show(list: id)
        } catch DispositionError.unknownList {
            throw TransferPackageError.unknownList(id)
        }
        guard list.action == .transfer else { throw TransferPackageError.destructionList(id) }
        if let position = list.transferredPosition { throw TransferPackageError.alreadyTransferred(list: id, position: position) }
        guard list.approved else { throw TransferPackageError.notApproved(list: id, approvals: list.approvals.count, required: list.required) }
        let authorised = Set(list.authorised)
        let destroyed = list.items.filter { $0.destroyed && authorised.contains($0.record) }.map(\.record.description)
        guard destroyed.isEmpty else { throw TransferPackageError.contentDestroyed(list: id, records: destroyed) }
        guard !list.remaining.isEmpty else { throw TransferPackageError.nothingToTransfer(id) }
        return list
    }

    /// The positions of the messages of `records` (each a stream and a UTC month), ascending, and
    /// the first and last message's time.
    private func messages(of records: [RetentionRecordID], ledger ref: LedgerRef) async throws -> ([Int64], LedgerTimestamp?, LedgerTimestamp?) {
        var streams: [String] = []
        var starts: [Int64] = []
        var ends: [Int64] = []
        for record in records {
            guard let (start, end) = Self.month(record.period) else { continue }
            streams.append(record.stream)
            starts.append(start)
            ends.append(end)
        }
        var positions: [Int64] = []
        var first: Int64?
        var last: Int64?
        for try await (position, at) in try await store.client.query(
            """
            SELECT m.position, m.occurred_at_us FROM conversation_messages m
            JOIN unnest(\(streams)::text[], \(starts)::int8[], \(ends)::int8[]) AS r(stream, start_us, end_us)
              ON m.stream = r.stream AND m.occurred_at_us >= r.start_us AND m.occurred_at_us < r.end_us
            WHERE m.ledger_id = \(ref.id)
            ORDER BY m.position
            """, logger: store.logger
        ).decode((Int64, Int64).self) {
            positions.append(position)
            first = min(first ?? at, at)
            last = max(last ?? at, at)
        }
        return (positions, first.map(LedgerTimestamp.init(microseconds:)), last.map(LedgerTimestamp.init(microseconds:)))
    }

    /// The first microsecond of month `YYYY-MM` (UTC) and of the month after.
    static func month(_ period: String) -> (Int64, Int64)? {
        let parts = period.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let end = calendar.date(byAdding: .month, value: 1, to: start)
        else { return nil }
        return (LedgerTimestamp(start).microseconds, LedgerTimestamp(end).microseconds)
    }

    /// The series of `citation` as recorded in any catalog version.
    private func series(_ citation: String, ledgerID: Int32) async throws -> RetentionSeries? {
        for try await text in try await store.client.query(
            "SELECT series::text FROM retention_series WHERE ledger_id = \(ledgerID) AND citation = \(citation)", logger: store.logger
        ).decode(String.self) {
            return try RetentionSeries(json: try JSONValue.parse(Array(text.utf8)), field: citation)
        }
        return nil
    }

    /// The series as the manifest's `transfer.series` member gives it.
    static func metadata(_ series: RetentionSeries) -> ExportTransfer.Series {
        let trigger =
            switch series.trigger {
            case .communication: "communication"
            case .conversationClosed: "conversation_closed"
            case .requestClosed: "request_closed"
            case .event(let type): "event:\(type)"
            }
        return ExportTransfer.Series(
            citation: series.citation, dan: series.dan, revision: series.revision, title: series.title, designation: series.designation.archival.rawValue,
            essential: series.designation.essential, office: series.designation.office.rawValue, retention: series.retention.catalogText,
            trigger: trigger, finalAction: series.finalAction.rawValue)
    }
}
