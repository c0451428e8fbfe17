import Foundation
import Testing

@testable import Exports

@Suite("Export from an asynchronous sequence of messages")
struct ExportAsyncWriteTests {
    struct SourceFailed: Error {}

    @Test("messages streamed from an AsyncSequence give a bundle that verifies")
    func streamed() async throws {
        let fixture = try LedgerFixture()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exports-async-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("async.tar.zst")
        let messages = fixture.messages()
        let stream = AsyncThrowingStream<ExportMessage, any Error> { continuation in
            for message in messages { continuation.yield(message) }
            continuation.finish()
        }
        let summary = try await ExportBundleWriter.write(
            to: url, ledger: fixture.ledger, conversations: LedgerFixture.conversations, coverLetter: LedgerFixture.coverLetter, messages: stream)
        #expect(summary.messages == 8)
        #expect(summary.manifestSHA256.count == 64)
        #expect(ExportVerifier.verify(bundle: url).ok)
    }

    @Test("a source that fails part way leaves nothing at the destination")
    func failingSource() async throws {
        let fixture = try LedgerFixture()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exports-async-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let messages = fixture.messages()
        let stream = AsyncThrowingStream<ExportMessage, any Error> { continuation in
            for message in messages.prefix(3) { continuation.yield(message) }
            continuation.finish(throwing: SourceFailed())
        }
        await #expect(throws: SourceFailed.self) {
            _ = try await ExportBundleWriter.write(
                to: directory.appendingPathComponent("partial.tar.zst"), ledger: fixture.ledger, conversations: LedgerFixture.conversations,
                coverLetter: LedgerFixture.coverLetter, messages: stream)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
