import Access
import ArgumentParser
import Exports
import Foundation
import Ledger
import LedgerStore
import Logging
import Messaging
import NIOConcurrencyHelpers
import PostgresNIO
import RecordkeeperRuntime
import Requests

/// `recordkeeper-bench export`: one installment of a public-records request at scale. N messages
/// in conversations of 100 (every `--media-every`th an image with archived media) are appended and
/// projected, a request is opened, and all of them are exported as one bundle from the database
/// (`RequestInstallments`), then verified offline (`ExportVerifier`). The baseline, measured in the
/// same run, streams and hashes the same ledger's rows (`LedgerStore.streamAndHash`): what reading
/// the entries alone costs. Peak memory is measured per phase (VmHWM, reset between phases).
struct BenchExport: Benchmark {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export N messages (some with media) as one installment bundle, verify it offline; compare with streaming the ledger.",
        discussion: "Writes a new ledger per run (named --ledger plus a run suffix) and the bundle to a temporary directory it removes."
    )
    static let defaultLedger = "bench-export"
    static let defaultConcurrency = 4

    @OptionGroup var options: BenchOptions

    @Option(help: "Messages exported.")
    var messages = 100_000

    @Option(help: "Every Nth message is an image whose media (20 kB) is archived and exported.")
    var mediaEvery = 100

    @Option(help: "Copy the bundle into this directory before it is removed (to verify or inspect it again).")
    var keepBundle: String?

    var sizes: KeyValuePairs<String, Int> { ["--messages": messages, "--media-every": mediaEvery] }

    static let now = ISO8601DateFormatter().date(from: "2026-12-01T18:00:00Z")!

    func measure(_ context: BenchContext) async throws -> BenchFigures {
        let run = String(UUID().uuidString.prefix(6).lowercased())
        let ledger = "\(context.ledger)-\(run)"
        let (total, every, appenders, showProgress, logger, keepBundle) = (
            messages, mediaEvery, context.concurrency, context.showProgress, context.logger, keepBundle
        )
        let masterKey = context.runtime.masterKey
        let logName = try Runtime.logName()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rk-bench-export-\(run)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ContinuousClock()
        let figures = try await withLedgerStore(context.runtime, maximumConnections: appenders + 4, logger: logger) { store in
            var quiet = logger
            quiet.logLevel = .warning
            guard let masterKey else { throw CLIError("the export benchmark needs the master key (RECORDKEEPER_MASTER_KEY or its file)") }
            if try await SigningKeyStore.list(client: store.client, logger: quiet).isEmpty {
                _ = try await SigningKeyStore.create(client: store.client, masterKey: masterKey, logger: quiet)
            }
            try await Self.fill(store: store, ledger: ledger, messages: total, mediaEvery: every, appenders: appenders, showProgress: showProgress)
            if showProgress { Output.progress("projecting conversations and media…") }
            let runner = ProjectionRunner(store: store, projections: [ConversationsProjection(), MediaProjection()], logger: quiet)
            _ = try await runner.catchUp(ConversationsProjection(), ledger: ledger)
            _ = try await runner.catchUp(MediaProjection(), ledger: ledger)
            let ref = try await store.ledger(named: ledger, create: false)
            var positions: [Int64] = []
            positions.reserveCapacity(total)
            for try await position in try await store.client.query(
                "SELECT position FROM conversation_messages WHERE ledger_id = \(ref.id) ORDER BY position", logger: quiet
            ).decode(Int64.self) { positions.append(position) }
            let request = try await RecordsRequests(store: store, ledger: ledger).open(
                NewRecordsRequest(channel: .email, text: "Every WhatsApp message (benchmark).", requester: Requester()), actor: "cli:bench",
                role: .requestOfficer, now: Self.now)

            if showProgress { Output.progress("baseline: streaming and hashing the ledger…") }
            var started = clock.now
            let streamed = try await store.streamAndHash(ledger: ledger)
            let baselineSeconds = (clock.now - started).seconds

            ResidentMemory.resetPeak()
            let exportStart = ResidentMemory.peakMegabytes()
            started = clock.now
            let order = InstallmentOrder(
                requestID: request.id, positions: positions, directory: directory, agency: "City of Example", contact: "records@example.gov")
            let installment = try await RequestInstallments(store: store, ledger: ledger, logName: logName).produce(
                order, actor: "cli:bench", role: .requestOfficer, now: Self.now,
                progress: { done, all in
                    if showProgress && done % 10_000 < InstallmentReader.pageSize { Output.progress("exporting: \(done) of \(all) messages") }
                })
            let exportSeconds = (clock.now - started).seconds
            let exportPeak = ResidentMemory.peakMegabytes()

            if showProgress { Output.progress("verifying the bundle…") }
            ResidentMemory.resetPeak()
            started = clock.now
            let report = ExportVerifier.verify(bundle: directory.appendingPathComponent(installment.file))
            let verifySeconds = (clock.now - started).seconds
            let verifyPeak = ResidentMemory.peakMegabytes()
            if showProgress { Output.endProgress() }
            guard report.ok else { throw CLIError("the bundle does not verify: \(report.problems.prefix(3))") }
            if let keep = keepBundle {
                try FileManager.default.copyItem(
                    at: directory.appendingPathComponent(installment.file), to: URL(fileURLWithPath: keep).appendingPathComponent(installment.file))
            }
            return (installment, Int(streamed.rows), baselineSeconds, exportSeconds, exportStart, exportPeak, verifySeconds, verifyPeak)
        }
        let (installment, rows, baseline, export, exportStart, exportPeak, verify, verifyPeak) = figures
        let rate = { (count: Int, seconds: Double) in seconds > 0 ? (Double(count) / seconds).rounded() : 0 }
        let media = total / every
        let megabytes = (Double(installment.bundleBytes) / 1_048_576 * 10).rounded() / 10
        return BenchFigures(
            json: [
                "messages": installment.messages, "media": media, "ledger": ledger, "build": RecordkeeperBench.buildKind,
                "exported_per_second": rate(installment.messages, export), "export_seconds": (export * 10).rounded() / 10,
                "baseline_entries_streamed_per_second": rate(rows, baseline), "bundle_bytes": installment.bundleBytes,
                "verified_per_second": rate(installment.messages, verify), "export_peak_rss_mb": (exportPeak * 10).rounded() / 10,
                "export_start_rss_mb": (exportStart * 10).rounded() / 10,
                "verify_peak_rss_mb": (verifyPeak * 10).rounded() / 10, "checkpoint_size": installment.checkpointSize,
            ],
            lines: [
                "recordkeeper-bench export: \(installment.messages) messages (\(media) with 20 kB media), \(RecordkeeperBench.buildKind) build, ledger \(ledger)",
                String(format: "  exported (read, proven, written):  %9.0f messages/s (%.1f s)", rate(installment.messages, export), export),
                String(format: "  ledger streamed and hashed:        %9.0f entries/s (baseline, same run)", rate(rows, baseline)),
                String(format: "  bundle:                            %9.1f MB", megabytes),
                String(format: "  verify-export (offline):           %9.0f messages/s (%.1f s)", rate(installment.messages, verify), verify),
                String(
                    format: "  peak resident memory: export %.1f MB (%.1f MB when it began), verify %.1f MB", exportPeak, exportStart, verifyPeak),
            ])
    }

    /// Appends `messages` messages in conversations of 100: every `mediaEvery`th an image, with
    /// its `whatsapp.media.stored` outcome right after it.
    static func fill(store: LedgerStore, ledger: String, messages: Int, mediaEvery: Int, appenders: Int, showProgress: Bool) async throws {
        let next = NIOLockedValueBox(0)
        let batchSize = 500
        let media = SystemRandomNumberGenerator.randomBytes(20_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<appenders {
                group.addTask {
                    while true {
                        try Task.checkCancellation()
                        let start = next.withLockedValue { value -> Int in
                            defer { value += batchSize }
                            return value
                        }
                        guard start < messages else { return }
                        var batch: [NewEvent] = []
                        for index in start..<min(messages, start + batchSize) {
                            let isImage = index % mediaEvery == mediaEvery - 1
                            batch.append(message(index: index, image: isImage))
                        }
                        let receipts = try await store.append(batch, to: ledger)
                        var outcomes: [NewEvent] = []
                        for (event, receipt) in zip(batch, receipts) where event.header.contains("\"media_id\"") {
                            outcomes.append(try stored(event, position: receipt.position, bytes: media))
                        }
                        if !outcomes.isEmpty { _ = try await store.append(outcomes, to: ledger) }
                        if showProgress && start % 20_000 == 0 { Output.progress("appending: \(start) of \(messages) messages") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// A citizen's message as ingest records it: text, or an image carrying a media id.
    static func message(index: Int, image: Bool) -> NewEvent {
        let citizen = String(format: "1555%07d", index / 100)
        let id = "wamid.bench-\(index)"
        let time = LedgerTimestamp(microseconds: (1_764_000_000 + Int64(index)) * 1_000_000)
        let type = image ? "image" : "text"
        let body =
            image
            ? #"{"id":"media-\#(index)","mime_type":"image/jpeg","caption":"photo \#(index) of the pothole"}"#
            : #"{"body":"benchmark message \#(index): when is the permit office open, and which documents do I bring?"}"#
        let mediaMember = image ? #","media_id":"media-\#(index)""# : ""
        let header =
            #"{"citizen":{"wa_id":"\#(citizen)"},"direction":"inbound"\#(mediaMember),"message_id":"\#(id)","message_type":"\#(type)","phone_number_id":"9000","v":1}"#
        let payload =
            #"{"envelope":{"contact":{"profile":{"name":"Resident \#(index / 100)"}}},"message":{"from":"\#(citizen)","id":"\#(id)","\#(type)":\#(body),"timestamp":"\#(time.microseconds / 1_000_000)","type":"\#(type)"},"v":1}"#
        return NewEvent(
            stream: "wa/9000/p:\(citizen)", eventType: "whatsapp.message.received", occurredAt: time, actor: "whatsapp:bench",
            dedupeKey: "wa:msg:\(id)", header: header, payload: Array(payload.utf8))
    }

    /// The media fetcher's `whatsapp.media.stored` of an image message.
    static func stored(_ message: NewEvent, position: Int64, bytes: [UInt8]) throws -> NewEvent {
        let header = try JSONSerialization.jsonObject(with: Data(message.header.utf8)) as? [String: Any] ?? [:]
        let mediaID = header["media_id"] as? String ?? ""
        let messageID = header["message_id"] as? String ?? ""
        let payload = MediaStoredPayload(mediaID: mediaID, messageID: messageID, mimeType: "image/jpeg", metaSHA256: nil, original: bytes)
        return NewEvent(
            stream: message.stream, eventType: MediaEvents.stored, occurredAt: message.occurredAt, actor: "system:media-fetcher",
            dedupeKey: MediaEvents.outcomeDedupeKey(mediaID: mediaID),
            header: #"{"media_id":"\#(mediaID)","message_id":"\#(messageID)","message_position":\#(position),"v":1}"#,
            payload: try payload.encoded())
    }
}
