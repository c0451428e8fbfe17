import Foundation
import PostgresNIO
import ServiceTestSupport
import TestSupport
import Testing

/// `recordkeeper requests …` as a public-records officer uses it, on an external database: open
/// (due date and its arithmetic), acknowledge, clarify, answer, fee, close, list overdue, show,
/// the request log; refusals exit 1 with an actionable message and write nothing.
@Suite("requests CLI", .timeLimit(.minutes(6)))
struct CLIRequestsTests {
    struct Request: Decodable {
        struct Explanation: Decodable {
            struct Step: Decodable {
                var day: String
                var note: String
                var counted: Int?
            }

            var receiptDay: String
            var timeZone: String
            var steps: [Step]
            var dueDate: String
        }

        struct Requester: Decodable {
            var name: String?
            var contact: String?
        }

        struct HistoryItem: Decodable {
            var type: String
            var status: String
            var details: [String: String]
        }

        var ok: Bool?
        var request: String
        var status: String
        var text: String?
        var content: String
        var requester: Requester?
        var dueDate: String
        var estimateDate: String?
        var overdue: Bool?
        var feesCents: Int64
        var paidCents: Int64
        var closeReason: String?
        var explanation: Explanation?
        var history: [HistoryItem]?
    }

    struct Requests: Decodable {
        var ok: Bool
        var requests: [Request]
    }

    static func requestEntries(_ database: ScratchDatabase) async throws -> Int64 {
        try await database.count("SELECT count(*) FROM ledger_entries WHERE stream LIKE 'requests/%'")
    }

    @Test("open, acknowledge, clarify, answer, fee, close, list, show and log with --json; two refusals exit 1 and write nothing")
    func roundTrip() async throws {
        try await withMigratedCLI { fixture in
            let (database, cli, work) = (fixture.database, fixture.cli, fixture.work)

            let open = try await cli.run([
                "requests", "open", "--channel", "email", "--text", "Every message about the Elm Street permit.", "--requester-name",
                "Jane Citizen", "--requester-contact", "jane@example.org", "--received-at", "2026-11-20T18:00:00Z", "--now",
                "2026-11-20T19:00:00Z", "--json",
            ])
            try #require(open.exitCode == 0, "\(open.transcript)")
            let opened = try open.json(Request.self)
            #expect(opened.request == "PRR-2026-0001" && opened.status == "open" && opened.dueDate == "2026-12-01")
            #expect(opened.requester?.name == "Jane Citizen")
            let explanation = try #require(opened.explanation)
            #expect(explanation.receiptDay == "2026-11-20" && explanation.timeZone == "America/Los_Angeles")
            #expect(explanation.steps.first { $0.day == "2026-11-27" }?.note == "skipped, holiday: Native American Heritage Day")

            // Without --json, for people: the due date and where to see its arithmetic.
            let second = try await cli.run([
                "requests", "open", "--channel", "in-person", "--text", "Minutes of the 3 November meeting.", "--now", "2026-11-23T17:00:00Z",
            ])
            try #require(second.exitCode == 0, "\(second.transcript)")
            #expect(second.stdout.contains("Opened PRR-2026-0002 (in_person), received Monday 2026-11-23."), "\(second.transcript)")
            #expect(second.stdout.contains("Response due Wednesday 2026-12-02"), "\(second.transcript)")

            let entries = try await Self.requestEntries(database)
            #expect(entries == 2)

            // Refused: an agent may not act; the estimate is in the past. Nothing written.
            let agent = try await cli.run([
                "requests", "acknowledge", "PRR-2026-0001", "--estimate", "2026-12-15", "--reason", "search", "--role", "agent", "--json",
                "--now", "2026-11-23T17:00:00Z",
            ])
            #expect(agent.exitCode == 1, "\(agent.transcript)")
            #expect(
                agent.stderr.contains("recordkeeper requests acknowledge: the role agent may not acknowledge requests"), "\(agent.transcript)")
            #expect(try agent.json(CLIRefusal.self).ok == false)
            let past = try await cli.run([
                "requests", "acknowledge", "PRR-2026-0001", "--estimate", "2026-11-20", "--reason", "search", "--now", "2026-11-23T17:00:00Z",
            ])
            #expect(past.exitCode == 1, "\(past.transcript)")
            #expect(
                past.stderr.contains("recordkeeper requests acknowledge: the estimate 2026-11-20 is before today (2026-11-23): give a date from today on"),
                "\(past.transcript)")
            let transition = try await cli.run(["requests", "status", "PRR-2026-0001", "in_progress", "--now", "2026-11-23T17:00:00Z"])
            #expect(transition.exitCode == 1, "\(transition.transcript)")
            #expect(transition.stderr.contains("PRR-2026-0001 cannot go from open to in_progress"), "\(transition.transcript)")
            #expect(try await Self.requestEntries(database) == entries, "a refusal wrote an entry")

            // The lifecycle.
            for arguments in [
                ["acknowledge", "PRR-2026-0001", "--estimate", "2026-12-15", "--reason", "two teams to search", "--now", "2026-11-23T17:00:00Z"],
                ["clarify", "PRR-2026-0001", "--question", "Which permit number?", "--now", "2026-11-24T17:00:00Z"],
                ["answer", "PRR-2026-0001", "--answer", "Permit 22.", "--now", "2026-11-25T17:00:00Z"],
                ["fee", "PRR-2026-0001", "--assess", "12.50", "--deposit", "1.25", "--basis", "250 pages at $0.05", "--now", "2026-12-01T17:00:00Z"],
                ["fee", "PRR-2026-0001", "--paid", "$12.50", "--note", "check 1042", "--now", "2026-12-02T17:00:00Z"],
                [
                    "close", "PRR-2026-0001", "--reason", "partially_denied", "--produced", "52 messages", "--withheld",
                    "1 photo of a driver's licence: RCW 42.56.230(7)", "--now", "2026-12-10T17:00:00Z",
                ],
            ] {
                let result = try await cli.run(["requests"] + arguments + ["--json"])
                #expect(result.exitCode == 0, "\(result.transcript)")
            }

            // PRR-2026-0002 was never answered: overdue after Wednesday 2026-12-02 in Seattle.
            let overdue = try await cli.run(["requests", "list", "--overdue", "--now", "2026-12-03T12:00:00Z", "--json"])
            try #require(overdue.exitCode == 0, "\(overdue.transcript)")
            #expect(try overdue.json(Requests.self).requests.map(\.request) == ["PRR-2026-0002"])
            let closed = try await cli.run(["requests", "list", "--status", "closed", "--role", "auditor", "--json"])
            #expect(try closed.json(Requests.self).requests.map(\.request) == ["PRR-2026-0001"])

            let show = try await cli.run(["requests", "show", "PRR-2026-0001", "--role", "auditor", "--json"])
            try #require(show.exitCode == 0, "\(show.transcript)")
            let shown = try show.json(Request.self)
            #expect(shown.status == "closed" && shown.closeReason == "partially_denied" && shown.feesCents == 1250 && shown.paidCents == 1250)
            #expect(shown.estimateDate == "2026-12-15")
            #expect(shown.content == "present" && shown.text == "Every message about the Elm Street permit.", "read from the payload")
            #expect(try closed.json(Requests.self).requests.allSatisfy { $0.content == "not_read" && $0.text == nil }, "lists carry no content")
            #expect(
                shown.history?.map(\.type) == [
                    "request.received", "request.acknowledged", "request.clarification_requested", "request.clarification_answered",
                    "request.fee_assessed", "request.deposit_paid", "request.closed",
                ])
            #expect(shown.history?[1].details["reason"] == "two teams to search")
            let text = try await cli.run(["requests", "show", "PRR-2026-0002"])
            #expect(text.stdout.contains("Due: Wednesday 2026-12-02, by the end of the day in America/Los_Angeles."), "\(text.transcript)")

            let html = work.appendingPathComponent("log.html").path
            let log = try await cli.run(["requests", "log", "--format", "html", "--from", "2026-11-01", "--to", "2026-11-30", "--output", html])
            try #require(log.exitCode == 0, "\(log.transcript)")
            let page = try String(contentsOfFile: html, encoding: .utf8)
            #expect(page.contains("<th scope=\"row\">PRR-2026-0001</th>") && page.contains("<th scope=\"row\">PRR-2026-0002</th>"))
            #expect(page.contains("1 photo of a driver&#39;s licence: RCW 42.56.230(7)"))
            let csv = try await cli.run(["requests", "log", "--role", "auditor"])
            #expect(csv.stdout.contains("PRR-2026-0001,2026-11-20,email,\"Jane Citizen, jane@example.org\",Every message about the Elm Street permit."))
            let none = try await cli.run(["requests", "log", "--from", "2026-12-01", "--json"])
            #expect(none.exitCode == 0 && none.stdout.contains("\"requests\":[]"), "\(none.transcript)")
        }
    }
}
