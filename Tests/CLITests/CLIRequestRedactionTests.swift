import Foundation
import Ledger
import LedgerStore
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper requests suggest`, `redact`, `redactions`, `review-redaction`,
/// `withdraw-redaction` and `exemptions` as a public-records officer uses them, on an external
/// database: suggestions with citations, a span and a media redacted, refusals that exit 1 and
/// write nothing, the review, and an exemption list file that cannot be used.
@Suite("requests redaction CLI", .timeLimit(.minutes(6)))
struct CLIRequestRedactionTests {
    typealias F = WhatsAppFixtures

    struct Suggestion: Decodable {
        var messagePosition: Int64
        var start: Int
        var length: Int
        var detector: String
        var matched: String
        var exemption: String
        var citation: String
    }

    struct Suggestions: Decodable {
        var ok: Bool
        var suggestions: [Suggestion]
    }

    struct Redaction: Decodable {
        var redaction: String
        var messagePosition: Int64
        var kind: String
        var state: String
        var citation: String
        var start: Int?
        var mediaId: String?
        var explanation: String?
    }

    struct Redactions: Decodable {
        var ok: Bool
        var redactions: [Redaction]
    }

    struct Exemptions: Decodable {
        struct Exemption: Decodable {
            var code: String
            var citation: String
            var confirmed: Bool
        }

        var ok: Bool
        var exemptions: [Exemption]
    }

    static func redactionEntries(_ database: ScratchDatabase) async throws -> Int64 {
        try await database.count("SELECT count(*) FROM ledger_entries WHERE event_type LIKE 'redaction.%'")
    }

    @Test("suggest, redact a span and a media, refuse bad input, list, review; exemptions and a malformed exemption list")
    func roundTrip() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, work) = (fixture.database, fixture.cli, fixture.work)
            let sheena = FixtureCitizen(waID: "15551234567")
            try await fixture.append([
                F.message("wamid.1", from: sheena, at: 100, body: ["body": "My SSN is 123-45-6789, card 4111 1111 1111 1111"]),
                F.image("wamid.2", from: sheena, at: 200, mediaID: "9001"),
            ])
            let open = try await cli.run(["requests", "open", "--channel", "email", "--text", "Sheena's messages.", "--json"])
            try #require(open.exitCode == 0, "\(open.transcript)")
            let search = try await cli.run(["requests", "search", "PRR-2026-0001", "--citizen", "+1 555 123 4567", "--json"])
            try #require(search.exitCode == 0, "\(search.transcript)")

            let suggest = try await cli.run(["requests", "suggest", "PRR-2026-0001", "--search", "1", "--json"])
            try #require(suggest.exitCode == 0, "\(suggest.transcript)")
            let suggestions = try suggest.json(Suggestions.self).suggestions
            #expect(suggestions.map(\.detector) == ["ssn", "payment_card"])
            #expect(suggestions.map(\.citation) == ["RCW 42.56.250", "RCW 42.56.230(5)"])
            let ssn = try #require(suggestions.first)
            #expect(ssn.start == 10 && ssn.length == 11 && ssn.matched == "123-45-6789")
            let people = try await cli.run(["requests", "suggest", "PRR-2026-0001", "--messages", "\(ssn.messagePosition)"])
            #expect(people.stdout.contains("span 10:11  ssn  \"123-45-6789\"  → ssn (RCW 42.56.250)"), "\(people.transcript)")

            // Refusals: exit 1, the reason on stderr, nothing written.
            let unknown = try await cli.run([
                "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition)", "--span", "10:11", "--exemption", "secret",
                "--explanation", "The resident's number given for the permit", "--json",
            ])
            #expect(unknown.exitCode == 1, "\(unknown.transcript)")
            #expect(unknown.stderr.contains("recordkeeper requests redact: `secret` is not an exemption of the list in force"), "\(unknown.transcript)")
            #expect(try unknown.json(CLIRefusal.self).ok == false)
            let boilerplate = try await cli.run([
                "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition)", "--span", "10:11", "--exemption", "ssn",
                "--explanation", "Social Security number exempt under RCW 42.56.250:",
            ])
            #expect(boilerplate.exitCode == 1 && boilerplate.stderr.contains("words of your own"), "\(boilerplate.transcript)")
            let outside = try await cli.run([
                "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition)", "--span", "40:20", "--exemption", "ssn",
                "--explanation", "The resident's number given for the permit",
            ])
            #expect(outside.exitCode == 1 && outside.stderr.contains("outside the message's text"), "\(outside.transcript)")
            let twoTargets = try await cli.run([
                "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition)", "--span", "10:11", "--whole", "--exemption", "ssn",
                "--explanation", "The resident's number given for the permit",
            ])
            #expect(twoTargets.exitCode == 1 && twoTargets.stderr.contains("exactly one of"), "\(twoTargets.transcript)")
            #expect(try await Self.redactionEntries(database) == 0, "a refused redaction wrote an entry")

            let span = try await cli.run([
                "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition)", "--span", "10:11", "--exemption", "ssn",
                "--explanation", "The resident's number, given to prove identity for the permit", "--json",
            ])
            try #require(span.exitCode == 0, "\(span.transcript)")
            #expect(try span.json(Redaction.self).redaction == "R1")
            let media = try await cli.run([
                "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition + 1)", "--media", "9001", "--exemption",
                "drivers-licence", "--explanation", "A photo of the resident's licence sent for the permit",
            ])
            try #require(media.exitCode == 0, "\(media.transcript)")
            #expect(media.stdout.contains("Applied R2 to PRR-2026-0001"), "\(media.transcript)")

            let review = try await cli.run(["requests", "review-redaction", "PRR-2026-0001", "--redaction", "R1", "--approve", "--json"])
            #expect(review.exitCode == 0, "\(review.transcript)")
            #expect(try review.json(Redaction.self).state == "approved")
            let returned = try await cli.run(["requests", "review-redaction", "PRR-2026-0001", "--redaction", "R2", "--return"])
            #expect(returned.exitCode == 1 && returned.stderr.contains("the reason is empty"), "\(returned.transcript)")
            let withdrawn = try await cli.run([
                "requests", "withdraw-redaction", "PRR-2026-0001", "--redaction", "R2", "--reason", "The photo is of a library card",
            ])
            #expect(withdrawn.exitCode == 0, "\(withdrawn.transcript)")

            let listed = try await cli.run(["requests", "redactions", "PRR-2026-0001", "--role", "auditor", "--json"])
            try #require(listed.exitCode == 0, "\(listed.transcript)")
            let list = try listed.json(Redactions.self).redactions
            #expect(list.map(\.state) == ["approved", "withdrawn"])
            #expect(list.map(\.kind) == ["span", "media"] && list[1].mediaId == "9001")
            #expect(list[0].explanation == "The resident's number, given to prove identity for the permit")

            let exemptions = try await cli.run(["requests", "exemptions", "--json"])
            try #require(exemptions.exitCode == 0, "\(exemptions.transcript)")
            #expect(try exemptions.json(Exemptions.self).exemptions.contains { $0.code == "financial-account" && $0.citation == "RCW 42.56.230(5)" })
            let bad = work.appendingPathComponent("bad.yaml")
            try "name: x\nversion: \"1\"\nexemptions: []\n".write(to: bad, atomically: true, encoding: .utf8)
            let refused = try await cli.run(["requests", "exemptions"], overrides: ["RECORDKEEPER_EXEMPTIONS_FILE": bad.path])
            #expect(refused.exitCode == 1, "\(refused.transcript)")
            #expect(refused.stderr.contains("\(bad.path):3: exemptions: must be a list of at least one exemption"), "\(refused.transcript)")
            let redactRefused = try await cli.run(
                [
                    "requests", "redact", "PRR-2026-0001", "--message", "\(ssn.messagePosition)", "--whole", "--exemption", "ssn",
                    "--explanation", "The resident's number given for the permit",
                ], overrides: ["RECORDKEEPER_EXEMPTIONS_FILE": bad.path])
            #expect(redactRefused.exitCode == 1, "\(redactRefused.transcript)")
            #expect(try await Self.redactionEntries(database) == 4, "R1, R2, the review of R1, the withdrawal of R2")
        }
    }
}
