import Deadlines
import Foundation
import Requests
import Testing

/// The request log's formats without a database: what a records clerk opens in a spreadsheet or
/// a browser.
@Suite("Request log formats")
struct RequestLogTests {
    static func request(text: String, requester: Requester) throws -> RecordsRequest {
        let zone = try #require(TimeZone(identifier: "America/Los_Angeles"))
        let closedAt: Date = try #require(ISO8601DateFormatter().date(from: "2026-11-25T18:00:00Z"))
        return RecordsRequest(
            id: "PRR-2026-0007", status: .closed, channel: .inPerson, requester: requester, text: text, content: .present,
            receivedAt: try #require(ISO8601DateFormatter().date(from: "2026-11-20T18:00:00Z")), receivedBy: "cli:clerk", position: 3,
            dueDate: try #require(CivilDay("2026-12-01")), explanation: nil, timeZone: zone, firstResponseAt: nil, estimateDate: nil,
            closeReason: .denied, closedAt: closedAt, lastPosition: 9)
    }

    static func closed() throws -> RequestHistoryItem {
        RequestHistoryItem(
            position: 9, eventType: "request.closed", status: .closed,
            occurredAt: try #require(ISO8601DateFormatter().date(from: "2026-11-25T18:00:00Z")), actor: "cli:clerk",
            details: ["reason": "denied", "withheld": "all 3 messages: RCW 42.56.230(5), card numbers"])
    }

    @Test("CSV: quotes, line breaks and commas are kept; a cell a spreadsheet would run as a formula is defused")
    func csv() throws {
        let request = try Self.request(
            text: "=HYPERLINK(\"http://evil\")\nand \"quoted\", text", requester: Requester(name: "O'Brien, Pat", contact: nil))
        let log = RequestLog(
            ledger: "main", from: nil, to: nil, generatedAt: Date(timeIntervalSince1970: 0),
            entries: [RequestLog.Entry(request: request, history: [try Self.closed()])])
        let lines = log.csv()
        #expect(lines.hasPrefix("request,received,channel,requester,request text,status,response due,estimate,records produced,"))
        #expect(
            lines.contains(
                "PRR-2026-0007,2026-11-20,in person,\"O'Brien, Pat\",\"'=HYPERLINK(\"\"http://evil\"\")\nand \"\"quoted\"\", text\",closed,2026-12-01,"))
        #expect(lines.contains("\"2026-11-25: all 3 messages: RCW 42.56.230(5), card numbers\""))
        #expect(lines.hasSuffix(",2026-11-25 denied\r\n"))
    }

    @Test("HTML: one h1, a language, a title, column and row headers, and the citizen's text escaped")
    func html() throws {
        let request = try Self.request(text: "<script>alert(1)</script> & more", requester: Requester())
        let page = RequestLog(
            ledger: "main", from: nil, to: nil, generatedAt: Date(timeIntervalSince1970: 0),
            entries: [RequestLog.Entry(request: request, history: [try Self.closed()])]
        ).html()
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.components(separatedBy: "<h1>").count == 2)
        #expect(page.contains("<title>Public records request log: main</title>"))
        #expect(page.components(separatedBy: "<th scope=\"col\">").count == RequestLog.columns.count + 1)
        #expect(page.contains("<th scope=\"row\">PRR-2026-0007</th>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") && !page.contains("<script>"))
        #expect(page.contains("<td>not given</td>"))
        let empty = RequestLog(ledger: "main", from: nil, to: nil, generatedAt: Date(timeIntervalSince1970: 0), entries: []).html()
        #expect(empty.contains("<p>No request was received in this period.</p>") && !empty.contains("<table>"))
    }
}
