import Foundation
import Ledger
import Testing

@testable import Exports

/// Each kind of tampering makes both verifiers fail and name what: `ExportVerifier` and the
/// standalone `tools/verify_export.py` (written from docs/export-format.md) must report the same
/// problems, codes and subjects.
@Suite("Export tampering: both verifiers fail and name what changed")
struct ExportTamperTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// (code, subject) pairs that must be among the problems.
        var expected: [(String, String)]
        var change: @Sendable (inout BundleContents) -> Void
        var description: String { name }
    }

    static func flip(_ path: String, at offset: Int = 40) -> @Sendable (inout BundleContents) -> Void {
        { contents in contents.edit(path) { $0[min(offset, $0.count - 1)] ^= 0x01 } }
    }

    /// Position of message `index` of the fixture (the fixture puts a status after each message).
    static func position(_ index: Int) -> Int64 { Int64(2 * index + 1) }

    static let cases: [Case] = [
        Case(name: "a byte of messages.jsonl", expected: [("file_changed", "messages.jsonl")], change: flip("messages.jsonl")),
        Case(name: "a byte of messages.csv", expected: [("file_changed", "messages.csv")], change: flip("messages.csv")),
        Case(name: "a byte of exemption_log.csv", expected: [("file_changed", "exemption_log.csv")], change: flip("exemption_log.csv", at: 120)),
        Case(
            name: "a byte of a transcript", expected: [("file_changed", "transcripts/002-wa_5551000_c-bbb.html")],
            change: flip("transcripts/002-wa_5551000_c-bbb.html", at: 300)),
        Case(name: "a byte of the cover letter", expected: [("file_changed", "cover_letter.html")], change: flip("cover_letter.html", at: 200)),
        Case(name: "a byte of a media file", expected: [("file_changed", "media/p11-pothole.jpg")], change: flip("media/p11-pothole.jpg", at: 3)),
        Case(name: "a byte of export.rsmf", expected: [("file_changed", "export.rsmf")], change: flip("export.rsmf", at: 500)),
        Case(name: "a byte of checkpoint.pub", expected: [("file_changed", "checkpoint.pub")], change: flip("checkpoint.pub", at: 60)),
        Case(
            name: "a byte of a released payload", expected: [("payload_commitment_mismatch", "position 1")],
            change: flip("payloads/1.bin", at: 30)),
        Case(
            name: "a byte of manifest.json (a file's recorded hash)", expected: [("file_changed", "messages.csv")],
            change: { contents in
                var manifest = contents.manifest
                var files = manifest["files"] as! [[String: Any]]
                let index = files.firstIndex { $0["path"] as? String == "messages.csv" }!
                let hash = files[index]["sha256"] as! String
                files[index]["sha256"] = (hash.first == "0" ? "1" : "0") + hash.dropFirst()
                manifest["files"] = files
                contents.manifest = manifest
            }),
        Case(
            name: "a message removed from messages.jsonl (its hash updated too)", expected: [("message_missing", "position \(position(2))")],
            change: { contents in
                let lines = contents.text("messages.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
                let kept = lines.filter { !$0.contains("\"position\":\(position(2)),") }
                contents.replace("messages.jsonl", with: Array(kept.joined(separator: "\n").utf8))
                contents.rehash("messages.jsonl")
            }),
        Case(
            name: "a message removed from manifest.json", expected: [("message_not_in_manifest", "position \(position(3))")],
            change: { contents in
                var manifest = contents.manifest
                manifest["messages"] = (manifest["messages"] as! [[String: Any]]).filter { $0["position"] as? Int64 != position(3) }
                contents.manifest = manifest
            }),
        Case(
            name: "a proof hash altered", expected: [("proof_invalid", "position \(position(6))")],
            change: { contents in
                var manifest = contents.manifest
                var messages = manifest["messages"] as! [[String: Any]]
                let index = messages.firstIndex { $0["position"] as? Int64 == position(6) }!
                var proof = messages[index]["proof"] as! [String]
                proof[0] = String(repeating: "ab", count: 32)
                messages[index]["proof"] = proof
                manifest["messages"] = messages
                contents.manifest = manifest
            }),
        Case(
            name: "an entry field altered in the manifest", expected: [("entry_hash_mismatch", "position \(position(4))")],
            change: { contents in
                var manifest = contents.manifest
                var messages = manifest["messages"] as! [[String: Any]]
                let index = messages.firstIndex { $0["position"] as? Int64 == position(4) }!
                var entry = messages[index]["entry"] as! [String: Any]
                entry["header"] = #"{"direction":"outbound","message_type":"text"}"#
                messages[index]["entry"] = entry
                manifest["messages"] = messages
                contents.manifest = manifest
            }),
        Case(
            name: "the checkpoint signature altered (its hash updated too)", expected: [("checkpoint_invalid", "checkpoint.txt")],
            change: { contents in
                var note = contents.text("checkpoint.txt")
                let signature = note.range(of: "\u{2014} ")!
                let at = note.index(note.endIndex, offsetBy: -10)
                precondition(at > signature.upperBound)
                note.replaceSubrange(at...at, with: note[at] == "A" ? "B" : "A")
                contents.replace("checkpoint.txt", with: Array(note.utf8))
                contents.rehash("checkpoint.txt")
            }),
        Case(
            name: "a released text altered in messages.jsonl (its hash updated too)", expected: [("text_mismatch", "position \(position(0))")],
            change: { contents in
                let text = contents.text("messages.jsonl").replacingOccurrences(of: "my water bill is too high", with: "my water bill is fine")
                contents.replace("messages.jsonl", with: Array(text.utf8))
                contents.rehash("messages.jsonl")
            }),
        Case(
            name: "a file added", expected: [("file_extra", "media/extra.jpg")],
            change: { contents in contents.members.insert((path: "media/extra.jpg", bytes: Array("added".utf8)), at: 2) }),
        Case(
            name: "a file removed", expected: [("file_missing", "exemption_log.csv")],
            change: { contents in contents.members.removeAll { $0.path == "exemption_log.csv" } }),
        Case(
            name: "a released payload removed", expected: [("payload_missing", "position \(position(3))")],
            change: { contents in contents.members.removeAll { $0.path == "payloads/\(position(3)).bin" } }),
    ]

    @Test("each tampering is named", arguments: cases)
    func tampering(_ tamper: Case) throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            var contents = try BundleContents(url: url)
            tamper.change(&contents)
            let tampered = directory.appendingPathComponent("tampered.tar.zst")
            try contents.write(to: tampered)
            let report = ExportVerifier.verify(bundle: tampered)
            #expect(!report.ok)
            let found = Set(report.problems.map { "\($0.code) \($0.subject)" })
            for (code, subject) in tamper.expected {
                #expect(found.contains("\(code) \(subject)"), "\(tamper.name): \(report.problems)")
            }
            let python = try PythonVerifier.run(bundle: tampered, work: directory)
            #expect(python.exitCode == 1, "\(python.transcript)")
            #expect(python.problems == found, "\(tamper.name): verify_export.py \(python.transcript)\nswift: \(report.problems)")
        }
    }

    @Test("a bundle cut short is unreadable, for both verifiers")
    func truncated() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let bytes = try Data(contentsOf: url)
            let cut = directory.appendingPathComponent("cut.tar.zst")
            try bytes.prefix(bytes.count / 2).write(to: cut)
            #expect(ExportVerifier.verify(bundle: cut).problems.map(\.code) == ["bundle_unreadable"])
            let python = try PythonVerifier.run(bundle: cut, work: directory)
            #expect(python.exitCode == 1 && python.problems == ["bundle_unreadable bundle"], "\(python.transcript)")
        }
    }

    @Test("both verifiers pass the intact bundle with the same counts")
    func intactAgrees() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let python = try PythonVerifier.run(bundle: url, work: directory)
            #expect(python.exitCode == 0, "\(python.transcript)")
            #expect(python.problems.isEmpty)
            #expect(python.counts == ["released": 5, "redacted": 2, "withheld": 1], "\(python.transcript)")
            let withKey = try PythonVerifier.run(bundle: url, work: directory, extra: ["--key", fixture.verifierKey])
            #expect(withKey.exitCode == 0, "\(withKey.transcript)")
        }
    }
}
