import Foundation
import Ledger
import Testing
import Zstd

@testable import Exports

@Suite("Export bundle: written from a real ledger, verified offline")
struct ExportBundleTests {
    @Test("an export of three conversations verifies, with the counts of each state")
    func intactBundleVerifies() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, summary) = try fixture.writeBundle(in: directory)
            #expect(summary.released == 5 && summary.redacted == 2 && summary.withheld == 1)
            #expect(summary.redactions == 2 && summary.mediaIncluded == 1 && summary.mediaWithheld == 1 && summary.conversations == 3)
            let report = ExportVerifier.verify(bundle: url)
            #expect(report.ok, "\(report.problems)")
            #expect(report.released == 5 && report.redacted == 2 && report.withheld == 1)
            let contents = try BundleContents(url: url)
            #expect(report.files == contents.members.count)
            #expect(summary.files == contents.members.count)
            #expect(contents.paths.last == "manifest.json")
            #expect(
                Set(contents.paths).isSuperset(of: [
                    "messages.jsonl", "messages.csv", "exemption_log.csv", "cover_letter.html", "checkpoint.txt", "checkpoint.pub",
                    "transcripts/001-wa_5551000_c-aaa.html", "transcripts/002-wa_5551000_c-bbb.html", "transcripts/003-wa_5551000_c-ccc.html",
                ]))
            // Only released payloads are in the bundle; the withheld media file is not.
            #expect(contents.paths.filter { $0.hasPrefix("payloads/") }.count == 5)
            #expect(contents.paths.filter { $0.hasPrefix("media/") } == ["media/p11-pothole.jpg"])
            // With the agency's key given by another channel, it verifies too; with another key it does not.
            #expect(ExportVerifier.verify(bundle: url, trustedKeys: [fixture.verifierKey]).ok)
            let stranger = try NoteSigningKey.generate().verifierKey(name: LedgerFixture.origin).description
            #expect(ExportVerifier.verify(bundle: url, trustedKeys: [stranger]).problems.map(\.code) == ["checkpoint_invalid"])
        }
    }

    @Test("the redacted and withheld texts never reach any file of the bundle")
    func nothingRedactedLeaks() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let contents = try BundleContents(url: url)
            for member in contents.members {
                let text = String(decoding: member.bytes, as: UTF8.self)
                for secret in ["4111 1111", "123-45-6789", "asthma", "never read"] {
                    #expect(!text.contains(secret), "\(member.path) contains \(secret)")
                }
            }
            let jsonl = contents.text("messages.jsonl").split(separator: "\n")
            #expect(jsonl.count == 8)
            #expect(jsonl[1].contains(#""text":"My card is [redacted: RCW 42.56.230(5)], please refund.""#))
            #expect(jsonl[6].contains(#""state":"withheld""#) && !jsonl[6].contains(#""text":"#))
        }
    }

    @Test("the exemption log has exactly one row per redaction and per withholding, with every field")
    func exemptionLog() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let rows = try BundleContents(url: url).text("exemption_log.csv").components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows[0] == "record_id,position,type,date,author,recipients,extent,action,citation,explanation")
            #expect(rows.count == 1 + 2 + 1 + 1)
            let card = try #require(rows.first { $0.contains("RCW 42.56.230(5)") })
            #expect(card.hasPrefix("wa/5551000/c-aaa@2026-"))
            #expect(card.contains(",Resident A,Utilities (agency),characters 12 to 30 of the message text (19 characters),redacted,"))
            #expect(card.hasSuffix(",the resident's debit card number"))
            #expect(rows.contains { $0.contains(",the entire message,withheld,RCW 42.56.360,the resident's health condition") })
            #expect(rows.contains { $0.contains(",the entire attached file p11-child.jpg,withheld,RCW 42.56.230(1),") })
        }
    }

    @Test("transcripts and cover letter: lang, title, one h1, headers with scope, visible redaction markers, no script")
    func accessibleHTML() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let contents = try BundleContents(url: url)
            let pages = contents.paths.filter { $0.hasSuffix(".html") }
            #expect(pages.count == 4)
            for page in pages {
                let html = contents.text(page)
                #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), "\(page)")
                #expect(html.components(separatedBy: "<h1>").count == 2, "\(page): one h1")
                #expect(html.contains("<title>") && !html.lowercased().contains("<script"), "\(page)")
                #expect(!html.contains("<th>"), "\(page): every header cell has a scope")
            }
            let permits = contents.text("transcripts/003-wa_5551000_c-ccc.html")
            #expect(permits.contains("<title>Transcript: Permit &amp; &lt;inspection&gt; — PRR-2026-0042</title>"))
            #expect(permits.contains("[redacted: RCW 42.56.250 — the resident&#39;s Social Security number]"))
            #expect(permits.contains("[withheld in full: RCW 42.56.360 — the resident&#39;s health condition]"))
            #expect(permits.contains("<td>1</td>") && permits.contains("<td>2</td>") && permits.contains("Page 1"))
            let letter = contents.text("cover_letter.html")
            #expect(letter.contains("Public records request PRR-2026-0042: installment 1"))
            #expect(letter.contains("<th scope=\"row\">Messages withheld in full</th><td>1</td>"))
        }
    }

    @Test("messages.csv is RFC 4180: quoted commas, quotes and line breaks, CRLF records")
    func messagesCSV() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let csv = try BundleContents(url: url).text("messages.csv")
            #expect(csv.hasPrefix("record_id,position,conversation,direction,time,type,author,recipients,state,text,redactions,media\r\n"))
            #expect(csv.contains(#","There is a pothole on ""Main St"", near 5th, quite deep.","#))
            #expect(csv.contains("\"Thanks, we will look into it.\nRegards\""))
        }
    }

    @Test("the standard tools read the bundle: zstd -d then tar lists every member")
    func standardToolsRead() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let (url, _) = try fixture.writeBundle(in: directory)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "zstd -d -q -c \"$1\" | tar -tf - > \"$2\"", "sh", url.path, directory.appendingPathComponent("list").path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let listed = try String(contentsOf: directory.appendingPathComponent("list"), encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(listed == (try BundleContents(url: url)).paths)
        }
    }
}

@Suite("Export writer refuses bad input and leaves nothing behind")
struct ExportWriterRefusalTests {
    func refused(_ change: (inout ExportMessage) -> Void, index: Int = 0, expect fragment: String) throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("bad.tar.zst")
            let writer = try ExportBundleWriter(
                destination: url, ledger: fixture.ledger, conversations: LedgerFixture.conversations, coverLetter: LedgerFixture.coverLetter)
            var messages = fixture.messages()
            change(&messages[index])
            var thrown: (any Error)?
            do {
                for message in messages { try writer.add(message) }
                try writer.finish()
            } catch {
                thrown = error
                writer.cancel()
            }
            let error = try #require(thrown)
            #expect("\(error)".contains(fragment), "\(error)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing written")
        }
    }

    @Test("a proof that does not lead to the checkpoint's root")
    func badProof() throws {
        try refused({ $0.proof[0] = LedgerDigest.genesis }, expect: "do not give the checkpoint's root")
    }

    @Test("an entry field that is not the stored one")
    func badEntry() throws {
        try refused({ $0.entry.actor = "someone-else" }, expect: "do not give the checkpoint's root")
    }

    @Test("a released payload that does not match its commitment")
    func badPayload() throws {
        try refused(
            {
                guard case .released(_, let salt, let text, let pointer) = $0.state else { return }
                $0.state = .released(payload: Array("forged".utf8), salt: salt, text: text, textPointer: pointer)
            }, expect: "do not give the entry's payload commitment")
    }

    @Test("a released text that is not the payload's")
    func badText() throws {
        try refused(
            {
                guard case .released(let payload, let salt, _, let pointer) = $0.state else { return }
                $0.state = .released(payload: payload, salt: salt, text: "something else", textPointer: pointer)
            }, expect: "its text is not the payload's string")
    }

    @Test("a withholding without an explanation")
    func emptyExplanation() throws {
        try refused({ $0.state = .withheld(ExportExemption(citation: "RCW 42.56.230", explanation: "  ")) }, expect: "record-specific explanation")
    }

    @Test("messages out of position order")
    func outOfOrder() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("bad.tar.zst")
            let writer = try ExportBundleWriter(
                destination: url, ledger: fixture.ledger, conversations: LedgerFixture.conversations, coverLetter: LedgerFixture.coverLetter)
            let messages = fixture.messages()
            try writer.add(messages[1])
            #expect(throws: ExportError.self) { try writer.add(messages[0]) }
            writer.cancel()
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }

    @Test("a checkpoint no given key verifies")
    func untrustedCheckpoint() throws {
        let fixture = try LedgerFixture()
        try withTemporaryDirectory { directory in
            var ledger = fixture.ledger
            ledger.verifierKeys = [try NoteSigningKey.generate().verifierKey(name: LedgerFixture.origin).description]
            #expect(throws: ExportError.self) {
                _ = try ExportBundleWriter(
                    destination: directory.appendingPathComponent("x.tar.zst"), ledger: ledger, conversations: LedgerFixture.conversations,
                    coverLetter: LedgerFixture.coverLetter)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }
}
