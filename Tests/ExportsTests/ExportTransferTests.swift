import Foundation
import Ledger
import Testing

@testable import Exports

extension LedgerFixture {
    /// The fixture's messages as a transfer package would hold them: every one released in full,
    /// every media file included.
    func transferMessages() -> [ExportMessage] {
        messages().map { message in
            var message = message
            let stored = entries.first { $0.fields.position == message.entry.position }!
            message.state = .released(payload: stored.payload, salt: stored.salt, text: stored.text, textPointer: "/messages/0/text/body")
            message.media = message.media.filter { $0.withheld == nil }
            return message
        }
    }

    /// The archives' metadata of the fixture's records.
    func transfer() -> ExportTransfer {
        let records = Set(transferMessages().map(\.recordID)).sorted().map { id -> ExportTransfer.Record in
            let at = id.lastIndex(of: "@")!
            return ExportTransfer.Record(stream: String(id[..<at]), month: String(id[id.index(after: at)...]))
        }
        return ExportTransfer(
            agency: "City of Example", list: "DL-20280701-1a2b3c4d",
            series: .init(
                citation: "GS50-01-12 Rev. 3", dan: "GS50-01-12", revision: 3, title: "Correspondence of the governing body",
                designation: "appraisal_required", essential: false, office: "OPR", retention: "P6Y", trigger: "communication",
                finalAction: "transfer"),
            records: records, from: transferMessages().first?.entry.occurredAt, to: transferMessages().last?.entry.occurredAt,
            listedAt: LedgerTimestamp(microseconds: 1_780_001_000_000_000),
            approvals: [.init(by: "cli:records", at: LedgerTimestamp(microseconds: 1_780_001_500_000_000))], archives: "Washington State Archives")
    }

    /// Writes the fixture as a transfer package to `directory/name`.
    func writeTransferPackage(in directory: URL, name: String = "DL-20280701-1a2b3c4d.tar.zst") throws -> (URL, ExportSummary) {
        let url = directory.appendingPathComponent(name)
        var letter = Self.coverLetter
        letter.requestID = "DL-20280701-1a2b3c4d"
        letter.transfer = transfer()
        let writer = try ExportBundleWriter(destination: url, ledger: ledger, conversations: Self.conversations, coverLetter: letter)
        for message in transferMessages() { try writer.add(message) }
        return (url, try writer.finish())
    }
}

/// The transfer package form of the bundle (docs/export-format.md section 5.1): the `transfer`
/// member and the transmittal letter, checked alike by `ExportVerifier` and `tools/verify_export.py`.
@Suite("Export transfer packages: the archives' metadata, verified by both verifiers")
struct ExportTransferTests {
    @Test("a transfer package verifies with both verifiers; it has the transfer member and a transmittal letter instead of the cover letter")
    func intact() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, summary) = try fixture.writeTransferPackage(in: directory)
            let report = ExportVerifier.verify(bundle: url)
            #expect(report.ok, "\(report.problems)")
            #expect(report.transferList == "DL-20280701-1a2b3c4d")
            #expect(report.manifestSHA256 == summary.manifestSHA256)
            #expect((report.released, report.redacted, report.withheld) == (8, 0, 0))
            let contents = try BundleContents(url: url)
            #expect(contents.bytes("transmittal_letter.html") != nil && contents.bytes("cover_letter.html") == nil)
            let transfer = try #require(contents.manifest["transfer"] as? [String: Any])
            #expect(transfer["record_count"] as? Int == fixture.transfer().records.count)
            #expect(transfer["transmittal_letter"] as? String == "transmittal_letter.html")
            #expect((transfer["series"] as? [String: Any])?["final_action"] as? String == "transfer")
            let letter = contents.text("transmittal_letter.html")
            #expect(letter.contains("Washington State Archives") && letter.contains("GS50-01-12 Rev. 3") && letter.contains("cli:records"))
            #expect(contents.text("transcripts/001-wa_5551000_c-aaa.html").contains("transfer list DL-20280701-1a2b3c4d to Washington State Archives"))
            let python = try PythonVerifier.run(bundle: url, work: directory)
            #expect(python.exitCode == 0 && python.problems.isEmpty, "\(python.transcript)")
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var expected: Set<String>
        var change: @Sendable (inout [String: Any]) -> Void
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a record taken off the transfer member", expected: ["transfer_mismatch manifest.json"],
            change: { transfer in
                var records = transfer["records"] as! [[String: Any]]
                records.removeLast()
                transfer["records"] = records
            }),
        Case(
            name: "a record listed twice", expected: ["transfer_mismatch manifest.json"],
            change: { transfer in
                var records = transfer["records"] as! [[String: Any]]
                records[0] = records[1]
                transfer["records"] = records
            }),
        Case(
            name: "record_count a string", expected: ["manifest_malformed manifest.json"],
            change: { transfer in transfer["record_count"] = "2" }),
        Case(
            name: "the series without its DAN", expected: ["manifest_malformed manifest.json"],
            change: { transfer in
                var series = transfer["series"] as! [String: Any]
                series["dan"] = nil
                transfer["series"] = series
            }),
    ]

    @Test("a transfer member altered is named alike by both verifiers", arguments: cases)
    func tampering(_ tamper: Case) throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeTransferPackage(in: directory)
            var contents = try BundleContents(url: url)
            var manifest = contents.manifest
            var transfer = manifest["transfer"] as! [String: Any]
            tamper.change(&transfer)
            manifest["transfer"] = transfer
            contents.manifest = manifest
            let tampered = directory.appendingPathComponent("tampered.tar.zst")
            try contents.write(to: tampered)
            let report = ExportVerifier.verify(bundle: tampered)
            #expect(!report.ok)
            var found = Set(report.problems.map { "\($0.code) \($0.subject)" })
            #expect(tamper.expected.isSubset(of: found), "\(tamper.name): \(report.problems)")
            // The messages of a record taken off the list are named too.
            found.subtract(tamper.expected)
            #expect(found.allSatisfy { $0.hasPrefix("transfer_mismatch position ") }, "\(tamper.name): \(found)")
            let python = try PythonVerifier.run(bundle: tampered, work: directory)
            #expect(python.exitCode == 1, "\(python.transcript)")
            #expect(python.problems == Set(report.problems.map { "\($0.code) \($0.subject)" }), "\(tamper.name): \(python.transcript)")
        }
    }

    @Test("an installment with a redaction cannot pass as a transfer package: every message must be released")
    func redactedInPackage() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("mixed.tar.zst")
            var letter = LedgerFixture.coverLetter
            letter.transfer = fixture.transfer()
            let writer = try ExportBundleWriter(destination: url, ledger: fixture.ledger, conversations: LedgerFixture.conversations, coverLetter: letter)
            for message in fixture.messages() { try writer.add(message) }
            try writer.finish()
            let report = ExportVerifier.verify(bundle: url)
            let found = Set(report.problems.map { "\($0.code) \($0.subject)" })
            #expect(found.contains("transfer_mismatch position \(fixture.messages()[1].entry.position)"), "\(report.problems)")
            let python = try PythonVerifier.run(bundle: url, work: directory)
            #expect(python.problems == found, "\(python.transcript)")
        }
    }
}
