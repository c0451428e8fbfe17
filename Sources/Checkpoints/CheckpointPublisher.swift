import AsyncHTTPClient
public import Foundation
public import LedgerStore
public import Logging
import NIOCore
import NIOHTTP1

/// One checkpoint delivered to one sink.
public struct CheckpointDelivery: Sendable {
    public var checkpointID: Int64
    public var sink: String
    public var location: String
}

/// Delivers stored checkpoints to the configured sinks (directory, HTTP POST) and obtains their
/// RFC 3161 timestamp tokens. Every delivery is recorded in `checkpoint_publications`, so what
/// failed is retried on the next call, and nothing is delivered twice to the same sink.
public struct CheckpointPublisher: Sendable {
    let store: LedgerStore
    let settings: CheckpointSettings
    let logger: Logger
    let timestamper: CheckpointTimestamper?

    public init(store: LedgerStore, settings: CheckpointSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.timestamper = settings.tsaURL.map { CheckpointTimestamper(url: $0, logger: logger) }
    }

    /// Delivers every undelivered checkpoint; a failing sink is logged and retried next time.
    /// Timestamp tokens are requested first and written beside the checkpoint files (`.tst`)
    /// when they arrive; a TSA that is down delays only the token, never the checkpoint.
    @discardableResult
    public func publishPending() async throws -> [CheckpointDelivery] {
        var deliveries: [CheckpointDelivery] = []
        if let timestamper {
            for checkpoint in try await store.checkpointsWithoutTimestamp() {
                do {
                    let token = try await timestamper.timestamp(checkpoint, store: store)
                    if let directory = settings.directory {
                        // Beside the checkpoint file, which may have been written before the token came.
                        let path = CheckpointFiles.relativePath(ledger: checkpoint.ledger, treeSize: checkpoint.treeSize, checkpointID: checkpoint.id)
                        let url = directory.appendingPathComponent(path).deletingPathExtension().appendingPathExtension("tst")
                        try CheckpointFiles.writeExclusively(Data(token), to: url)
                    }
                } catch {
                    logger.warning(
                        "timestamping a checkpoint failed; will retry", metadata: ["checkpoint": "\(checkpoint.id)", "error": "\(describeError(error))"])
                    break
                }
            }
        }
        if let directory = settings.directory {
            for checkpoint in try await store.unpublishedCheckpoints(sink: "directory") {
                let path = CheckpointFiles.relativePath(ledger: checkpoint.ledger, treeSize: checkpoint.treeSize, checkpointID: checkpoint.id)
                let url = directory.appendingPathComponent(path)
                do {
                    try CheckpointFiles.writeExclusively(Data(checkpoint.note.utf8), to: url)
                    try await store.recordPublication(checkpointID: checkpoint.id, sink: "directory", location: url.path)
                    deliveries.append(CheckpointDelivery(checkpointID: checkpoint.id, sink: "directory", location: url.path))
                } catch {
                    logger.error("writing a checkpoint file failed", metadata: ["path": "\(url.path)", "error": "\(describeError(error))"])
                    break
                }
            }
        }
        if let postURL = settings.postURL {
            for checkpoint in try await store.unpublishedCheckpoints(sink: "http") {
                do {
                    try await post(checkpoint, to: postURL)
                    try await store.recordPublication(checkpointID: checkpoint.id, sink: "http", location: postURL.absoluteString)
                    deliveries.append(CheckpointDelivery(checkpointID: checkpoint.id, sink: "http", location: postURL.absoluteString))
                } catch {
                    logger.warning(
                        "posting a checkpoint failed; will retry", metadata: ["url": "\(postURL.absoluteString)", "error": "\(describeError(error))"])
                    break
                }
            }
        }
        return deliveries
    }

    private func post(_ checkpoint: StoredCheckpoint, to url: URL) async throws {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.headers.add(name: "Recordkeeper-Ledger", value: checkpoint.ledger)
        request.body = .bytes(ByteBuffer(string: checkpoint.note))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw CheckpointSinkRefusal(url: url, status: Int(response.status.code), reason: response.status.reasonPhrase)
        }
    }
}

/// The checkpoint sink answered with something other than 2xx: the checkpoint stays stored and
/// is delivered again at the next publication.
public struct CheckpointSinkRefusal: Error, CustomStringConvertible {
    public var url: URL
    public var status: Int
    public var reason: String

    public var description: String { "the checkpoint sink \(url.absoluteString) answered \(status) \(reason)" }
}
