import Events
import Foundation
import Inbox
import Ledger
import LedgerStore
import Messaging
import TestSupport
import Testing
import WhatsApp

/// A known two-day scenario (docs/api.md, "Analytics"): five conversations, two teams and one
/// never routed, with controlled timestamps.
enum AnalyticsScenario {
    /// 2026-03-02T00:00:00Z.
    static let day1 = LedgerTimestamp(microseconds: 1_772_409_600_000_000)
    /// Day 1 is 2026-03-02, day 2 2026-03-03 (UTC).
    static func at(day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> LedgerTimestamp {
        day1.plus(seconds: Double((day - 1) * 86_400 + hour * 3_600 + minute * 60 + second))
    }
    /// Well after both days: their backlogs are taken at their ends.
    static let now = Date(timeIntervalSince1970: Double(at(day: 4, 12).microseconds) / 1_000_000)

    static func stream(_ citizen: String) -> String { "wa/1065/p:\(citizen)" }

    static func inbound(_ citizen: String, _ id: String, at time: LedgerTimestamp) throws -> [NewEvent] {
        try SendFixture.inbound(at: time, id: id, citizen: citizen)
    }

    static func outbound(_ citizen: String, via: OutboundVia, at time: LedgerTimestamp, markRead: Bool = false) throws -> [NewEvent] {
        let json =
            markRead
            ? #"{"messaging_product":"whatsapp","status":"read","message_id":"wamid.any"}"#
            : #"{"messaging_product":"whatsapp","to":"\#(citizen)","type":"text","text":{"body":"Thank you"}}"#
        let body = Array(json.utf8)
        return [
            try OutboundEvents.requested(
                requestID: UUID().uuidString.lowercased(), body: body, message: try OutboundMessage(body: body), phoneNumberID: "1065",
                stream: stream(citizen), via: via, actor: via == .automation ? "automation:ack" : "staff:robin", occurredAt: time)
        ]
    }

    /// An inbox contract event, header exactly as docs/issue6 contract says.
    static func inbox(_ type: String, _ citizen: String, team: String? = nil, at time: LedgerTimestamp) -> [NewEvent] {
        var header = #"{"v":1,"conversation":"\#(stream(citizen))""#
        if let team { header += #","team":"\#(team)","rule":"default""# }
        if type == "conversation.reopened" { header += #","automatic":true"# }
        header += "}"
        return [
            NewEvent(
                stream: "inbox/\(stream(citizen))", eventType: type, occurredAt: time, actor: "system:router", header: header,
                payload: Array(#"{"v":1}"#.utf8))
        ]
    }

    /// Appends the scenario, conversation by conversation, each in time order.
    static func record(_ store: LedgerStore) async throws {
        let a = "100"
        let b = "200"
        let c = "300"
        let d = "400"
        let e = "500"
        var events: [NewEvent] = []
        // A (permits): routed just after its first message; an automated acknowledgement and a
        // proxied mark-as-read are no response; 600 s; closed; reopened by the citizen on day 2, 1800 s.
        events += try inbound(a, "wamid.a1", at: at(day: 1, 9))
        events += inbox("conversation.routed", a, team: "permits", at: at(day: 1, 9, 0, 1))
        events += try outbound(a, via: .automation, at: at(day: 1, 9, 0, 2))
        events += try inbound(a, "wamid.a2", at: at(day: 1, 9, 1))
        events += try outbound(a, via: .proxy, at: at(day: 1, 9, 5), markRead: true)
        events += try outbound(a, via: .api, at: at(day: 1, 9, 10))
        events += inbox("conversation.closed", a, at: at(day: 1, 10))
        events += try inbound(a, "wamid.a3", at: at(day: 2, 8))
        events += inbox("conversation.reopened", a, at: at(day: 2, 8, 0, 1))
        events += try outbound(a, via: .proxy, at: at(day: 2, 8, 30))
        // B (permits): 1200 s; then waits from 12:00 through the night (75 600 s); pending on day 2.
        events += try inbound(b, "wamid.b1", at: at(day: 1, 11))
        events += inbox("conversation.routed", b, team: "permits", at: at(day: 1, 11, 0, 1))
        events += try outbound(b, via: .api, at: at(day: 1, 11, 20))
        events += try inbound(b, "wamid.b2", at: at(day: 1, 12))
        events += try outbound(b, via: .api, at: at(day: 2, 9))
        events += inbox("conversation.pending", b, at: at(day: 2, 9, 5))
        // C (benefits, transferred to permits): 60 s for benefits, then 1800 s for permits; closed on day 2.
        events += try inbound(c, "wamid.c1", at: at(day: 1, 14))
        events += inbox("conversation.routed", c, team: "benefits", at: at(day: 1, 14, 0, 1))
        events += try outbound(c, via: .api, at: at(day: 1, 14, 1))
        events += inbox("conversation.routed", c, team: "permits", at: at(day: 1, 15))
        events += try inbound(c, "wamid.c2", at: at(day: 1, 16))
        events += try outbound(c, via: .api, at: at(day: 1, 16, 30))
        events += inbox("conversation.closed", c, at: at(day: 2, 10))
        // D (benefits): only an automated reply; waits from 20:00 on day 2.
        events += try inbound(d, "wamid.d1", at: at(day: 2, 20))
        events += inbox("conversation.routed", d, team: "benefits", at: at(day: 2, 20, 0, 1))
        events += try outbound(d, via: .automation, at: at(day: 2, 20, 0, 2))
        // E: never routed; waits from 13:00 on day 2.
        events += try inbound(e, "wamid.e1", at: at(day: 2, 13))
        for event in events { _ = try await store.append([event], to: mediaLedger) }
    }

    static func day(
        _ date: String, _ team: String, inbound: Int, outbound: Int, responses: Int, p50: Double?, p90: Double?, open: Int, oldest: Double?
    ) -> AnalyticsDay {
        AnalyticsDay(
            date: date, team: team, inbound: inbound, outbound: outbound,
            firstResponse: .init(count: responses, p50Seconds: p50, p90Seconds: p90), backlog: .init(open: open, oldestAgeSeconds: oldest))
    }

    /// The figures the scenario must give, in UTC.
    static let expectedUTC: [AnalyticsDay] = [
        day("2026-03-02", "benefits", inbound: 1, outbound: 1, responses: 1, p50: 60, p90: 60, open: 0, oldest: nil),
        // A 600, B 1200, C 1800, B 75600 (answered the next morning, counted on the day it was asked).
        day("2026-03-02", "permits", inbound: 5, outbound: 4, responses: 4, p50: 1200, p90: 75_600, open: 2, oldest: 43_200),
        day("2026-03-02", "unrouted", inbound: 0, outbound: 0, responses: 0, p50: nil, p90: nil, open: 0, oldest: nil),
        day("2026-03-03", "benefits", inbound: 1, outbound: 1, responses: 0, p50: nil, p90: nil, open: 1, oldest: 14_400),
        day("2026-03-03", "permits", inbound: 1, outbound: 2, responses: 1, p50: 1800, p90: 1800, open: 2, oldest: nil),
        day("2026-03-03", "unrouted", inbound: 1, outbound: 0, responses: 0, p50: nil, p90: nil, open: 1, oldest: 39_600),
    ]
}

@Suite("Analytics")
struct AnalyticsTests {
    @Test("a known scenario gives exact volumes, first-response p50/p90 and backlog per team and day; rebuild equals live")
    func knownScenario() async throws {
        try await withMigratedDatabase { database in
            try await database.withStore { client, store in
                try await AnalyticsScenario.record(store)
                let runner = makeRunner(store)
                try await runner.catchUpAll()
                let queries = AnalyticsQueries(store: store, logger: ScratchDatabase.logger)

                let report = try await queries.report(ledger: mediaLedger, from: "2026-03-02", to: "2026-03-03", now: AnalyticsScenario.now)
                #expect(report.timezone == "UTC")
                #expect(report.days == AnalyticsScenario.expectedUTC)

                let benefits = try await queries.report(
                    ledger: mediaLedger, from: "2026-03-01", to: "2026-03-03", team: "benefits", now: AnalyticsScenario.now)
                #expect(benefits.days.map(\.date) == ["2026-03-01", "2026-03-02", "2026-03-03"], "every day for one team")
                #expect(Array(benefits.days.dropFirst()) == AnalyticsScenario.expectedUTC.filter { $0.team == "benefits" })
                #expect(benefits.days.first?.inbound == 0)

                // In Los Angeles (UTC-8), 2026-03-03 ends at 08:00Z on the 4th: D has waited 12 h, E 19 h.
                let losAngeles = try #require(AnalyticsCalendar(timeZone: "America/Los_Angeles"))
                let pacific = try await queries.report(
                    ledger: mediaLedger, from: "2026-03-03", to: "2026-03-03", calendar: losAngeles, now: AnalyticsScenario.now)
                #expect(pacific.timezone == "America/Los_Angeles")
                #expect(pacific.days.first { $0.team == "benefits" }?.backlog == .init(open: 1, oldestAgeSeconds: 43_200))
                #expect(pacific.days.first { $0.team == "unrouted" }?.backlog == .init(open: 1, oldestAgeSeconds: 68_400))
                #expect(pacific.days.first { $0.team == "permits" }?.inbound == 1)
                #expect(pacific.days.first { $0.team == "permits" }?.outbound == 2)

                // Today: the backlog is taken now, and days after today are not listed.
                let midday = Date(timeIntervalSince1970: Double(AnalyticsScenario.at(day: 2, 21).microseconds) / 1_000_000)
                let today = try await queries.report(ledger: mediaLedger, from: "2026-03-03", to: "2026-03-05", now: midday)
                #expect(Set(today.days.map(\.date)) == ["2026-03-03"])
                #expect(today.days.first { $0.team == "benefits" }?.backlog == .init(open: 1, oldestAgeSeconds: 3_600))

                let live = try await dumpProjections(client)
                #expect(live.contains { $0.hasPrefix("analytics_messages ") } && live.contains { $0.hasPrefix("analytics_conversation_events ") })
                _ = try await runner.rebuild(AnalyticsProjection(), ledger: mediaLedger)
                _ = try await runner.rebuild(ConversationsProjection(), ledger: mediaLedger)
                #expect(try await dumpProjections(client) == live)
                #expect(
                    try await queries.report(ledger: mediaLedger, from: "2026-03-02", to: "2026-03-03", now: AnalyticsScenario.now).days
                        == AnalyticsScenario.expectedUTC)
            }
        }
    }

    @Test("bad ranges are refused with a message naming the parameter")
    func badRanges() throws {
        let calendar = AnalyticsCalendar.utc
        #expect(throws: AnalyticsRequestError.badDate(parameter: "from", value: "2026-02-30")) {
            try AnalyticsQueries.validate(from: "2026-02-30", to: "2026-03-01", team: nil, calendar: calendar)
        }
        #expect(throws: AnalyticsRequestError.badDate(parameter: "to", value: "3/1/2026")) {
            try AnalyticsQueries.validate(from: "2026-02-01", to: "3/1/2026", team: nil, calendar: calendar)
        }
        #expect(throws: AnalyticsRequestError.reversed(from: "2026-03-02", to: "2026-03-01")) {
            try AnalyticsQueries.validate(from: "2026-03-02", to: "2026-03-01", team: nil, calendar: calendar)
        }
        #expect(throws: AnalyticsRequestError.tooLong(days: 367)) {
            try AnalyticsQueries.validate(from: "2024-01-01", to: "2025-01-01", team: nil, calendar: calendar)
        }
        #expect(try AnalyticsQueries.validate(from: "2024-01-01", to: "2024-12-31", team: nil, calendar: calendar).days == 366)
        #expect(AnalyticsCalendar(timeZone: "Mars/Olympus") == nil)
    }
}
