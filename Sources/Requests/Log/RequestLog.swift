public import Deadlines
import Events
public import Foundation
public import RecordkeeperCore

/// The request log of RCW 40.14.026(4): for each request, the requester's identity if given, the
/// date received, the text of the request, the records produced, the records withheld and why,
/// and the dates of the agency's responses and final disposition (docs/public-records.md, "The
/// request log"). Written as CSV, JSON or an accessible HTML page.
public struct RequestLog: Sendable {
    /// One request's line of the log.
    public struct Entry: Sendable, Hashable {
        public var request: RecordsRequest
        /// Each response after receipt: its day (agency time zone) and what it was.
        public var responses: [(day: CivilDay, what: String)]
        /// The records produced: each installment's description and the closure's.
        public var produced: [String]
        /// The records withheld and why (a denial's description).
        public var withheld: [String]

        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.request == rhs.request && lhs.produced == rhs.produced && lhs.withheld == rhs.withheld
                && lhs.responses.map { "\($0.day) \($0.what)" } == rhs.responses.map { "\($0.day) \($0.what)" }
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(request.id) }

        /// The day of the final disposition (closure), if any.
        public var finalDay: CivilDay? { request.status.isFinal ? request.closedAt.map { CivilDay($0, in: request.timeZone) } : nil }

        /// The entry of `request` with its `history`.
        public init(request: RecordsRequest, history: [RequestHistoryItem]) {
            self.request = request
            var responses: [(day: CivilDay, what: String)] = []
            var produced: [String] = []
            var withheld: [String] = []
            for item in history where item.eventType != EventType.Requests.received {
                let day = CivilDay(item.occurredAt, in: request.timeZone)
                responses.append((day, Self.describe(item)))
                if item.eventType == EventType.Requests.statusChanged, item.status == .installmentProduced, let note = item.details["note"] {
                    produced.append("\(day): \(note)")
                }
                if item.eventType == EventType.Requests.closed {
                    if let text = item.details["produced"] { produced.append("\(day): \(text)") }
                    if let text = item.details["withheld"] { withheld.append("\(day): \(text)") }
                }
            }
            self.responses = responses
            self.produced = produced
            self.withheld = withheld
        }

        /// One response, for people: `acknowledged, estimate 2026-12-15`.
        static func describe(_ item: RequestHistoryItem) -> String {
            let d = item.details
            switch item.eventType {
            case EventType.Requests.acknowledged: return "acknowledged, estimate \(d["estimate_date"] ?? "?")"
            case EventType.Requests.estimateRevised: return "estimate revised to \(d["estimate_date"] ?? "?")"
            case EventType.Requests.clarificationRequested: return "clarification requested"
            case EventType.Requests.clarificationAnswered: return "clarification answered"
            case EventType.Requests.statusChanged: return "status \(item.status.rawValue.replacingOccurrences(of: "_", with: " "))"
            case EventType.Requests.closed: return "\(item.status.rawValue): \((d["reason"] ?? "").replacingOccurrences(of: "_", with: " "))"
            case EventType.Requests.appealed: return "appeal received"
            case EventType.Requests.appealDecided: return "appeal decided: \((d["outcome"] ?? "").replacingOccurrences(of: "_", with: " "))"
            case EventType.Requests.feeAssessed:
                return "fee assessed \(RecordsRequestError.money(Int64(d["amount_cents"] ?? "") ?? 0))"
                    + ((Int64(d["deposit_cents"] ?? "") ?? 0) > 0 ? ", deposit \(RecordsRequestError.money(Int64(d["deposit_cents"] ?? "") ?? 0))" : "")
            case EventType.Requests.depositPaid: return "payment \(RecordsRequestError.money(Int64(d["amount_cents"] ?? "") ?? 0)) received"
            default: return item.label
            }
        }
    }

    /// The ledger it is the log of.
    public var ledger: String
    /// The receipt times it covers (nil: unbounded).
    public var from: Date?
    public var to: Date?
    public var generatedAt: Date
    public var entries: [Entry]

    public init(ledger: String, from: Date?, to: Date?, generatedAt: Date, entries: [Entry]) {
        self.ledger = ledger
        self.from = from
        self.to = to
        self.generatedAt = generatedAt
        self.entries = entries
    }

    /// The columns of the CSV and the HTML table.
    public static let columns = [
        "request", "received", "channel", "requester", "request text", "status", "response due", "estimate", "records produced",
        "records withheld and why", "responses", "final disposition",
    ]

    /// The cells of one entry, in ``columns`` order.
    static func cells(_ entry: Entry) -> [String] {
        let r = entry.request
        let requester =
            r.content != .present
            ? r.content.placeholder
            : r.requester.isAnonymous ? "not given" : [r.requester.name, r.requester.contact].compactMap { $0 }.joined(separator: ", ")
        let final = entry.finalDay.map { "\($0) \(r.closeReason?.rawValue.replacingOccurrences(of: "_", with: " ") ?? r.status.rawValue)" } ?? ""
        return [
            r.id, CivilDay(r.receivedAt, in: r.timeZone).description, r.channel.rawValue.replacingOccurrences(of: "_", with: " "), requester,
            r.text ?? r.content.placeholder,
            r.status.rawValue.replacingOccurrences(of: "_", with: " "), r.dueDate.description, r.estimateDate?.description ?? "",
            entry.produced.joined(separator: "; "), entry.withheld.joined(separator: "; "),
            entry.responses.map { "\($0.day) \($0.what)" }.joined(separator: "; "), final,
        ]
    }

    /// RFC 4180 CSV with a header line. A cell that a spreadsheet would run as a formula (`=`,
    /// `+`, `-`, `@` first) is written with a leading apostrophe.
    public func csv() -> String {
        func cell(_ text: String) -> String {
            var text = text
            if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
            guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = [Self.columns.map(cell).joined(separator: ",")]
        for entry in entries { lines.append(Self.cells(entry).map(cell).joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The log as JSON: `ledger`, `from`, `to`, `generated_at`, `requests` (each with its fields).
    public var json: JSONValue {
        func iso(_ date: Date?) -> JSONValue { date.map { .string(DueDateExplanation.iso($0)) } ?? .null }
        return .object([
            "ledger": .string(ledger), "from": iso(from), "to": iso(to), "generated_at": iso(generatedAt),
            "requests": .array(
                entries.map { entry in
                    let r = entry.request
                    var requester: [String: JSONValue] = [:]
                    if let name = r.requester.name { requester["name"] = .string(name) }
                    if let contact = r.requester.contact { requester["contact"] = .string(contact) }
                    return .object([
                        "request": .string(r.id), "received_at": iso(r.receivedAt), "received_day": .string(CivilDay(r.receivedAt, in: r.timeZone).description),
                        "channel": .string(r.channel.rawValue), "requester": requester.isEmpty ? .null : .object(requester),
                        "text": r.text.map(JSONValue.string) ?? .null, "content": .string(r.content.code),
                        "status": .string(r.status.rawValue), "due_date": .string(r.dueDate.description),
                        "estimate_date": r.estimateDate.map { .string($0.description) } ?? .null,
                        "records_produced": .array(entry.produced.map(JSONValue.string)), "records_withheld": .array(entry.withheld.map(JSONValue.string)),
                        "responses": .array(entry.responses.map { .object(["day": .string($0.day.description), "what": .string($0.what)]) }),
                        "final_disposition_day": entry.finalDay.map { .string($0.description) } ?? .null,
                        "close_reason": r.closeReason.map { .string($0.rawValue) } ?? .null,
                    ])
                }),
        ])
    }

    /// A printable, accessible HTML page: `lang`, a title, one `h1`, the table with a caption and
    /// `th scope` headers (a row header per request).
    public func html() -> String {
        func escape(_ text: String) -> String {
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: out.append(character)
                }
            }
            return out
        }
        let range = [from.map { "received from \(DueDateExplanation.iso($0))" }, to.map { "before \(DueDateExplanation.iso($0))" }]
            .compactMap { $0 }.joined(separator: ", ")
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Public records request log: \(escape(ledger))</title>
            <style>
            body { font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 1.5rem; line-height: 1.4; }
            table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
            caption { text-align: left; font-weight: bold; padding: 0.5rem 0; }
            th, td { border: 1px solid #555; padding: 0.3rem 0.45rem; vertical-align: top; text-align: left; }
            thead th { background: #e8e8e8; }
            td.text { white-space: pre-wrap; }
            @media print { body { margin: 0; } thead { display: table-header-group; } tr { break-inside: avoid; } }
            </style>
            </head>
            <body>
            <main>
            <h1>Public records request log</h1>
            <p>The request log of RCW 40.14.026(4) for ledger \(escape(ledger))\(range.isEmpty ? "" : ", \(escape(range))"); generated \(escape(DueDateExplanation.iso(generatedAt))). \(entries.count) request\(entries.count == 1 ? "" : "s").</p>

            """
        if entries.isEmpty {
            html += "<p>No request was received in this period.</p>\n"
        } else {
            html += "<table>\n<caption>Requests in order of receipt</caption>\n<thead>\n<tr>"
            for column in Self.columns { html += "<th scope=\"col\">\(escape(column.prefix(1).uppercased() + column.dropFirst()))</th>" }
            html += "</tr>\n</thead>\n<tbody>\n"
            for entry in entries {
                let cells = Self.cells(entry)
                html += "<tr><th scope=\"row\">\(escape(cells[0]))</th>"
                for (index, cell) in cells.enumerated().dropFirst() {
                    html += index == 4 ? "<td class=\"text\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
                }
                html += "</tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return html
    }
}
