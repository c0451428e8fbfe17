public import Foundation
public import RecordkeeperCore

/// How a due date was computed, so that anyone can recompute it: recorded in the request's
/// `request.received` payload and shown by `recordkeeper requests show`.
public struct DueDateExplanation: Sendable, Hashable {
    /// One day between receipt and the due date.
    public struct Step: Sendable, Hashable {
        public var day: CivilDay
        /// Its number among the business days counted; nil for a day not counted.
        public var counted: Int?
        /// `day of receipt, not counted`, `business day 3`, `skipped, holiday: Thanksgiving Day`.
        public var note: String

        public init(day: CivilDay, counted: Int?, note: String) {
            self.day = day
            self.counted = counted
            self.note = note
        }
    }

    public var receivedAt: Date
    /// The agency's time zone (IANA name) the receipt day is taken in.
    public var timeZone: String
    /// The holiday calendar's name.
    public var calendar: String
    public var receiptDay: CivilDay
    public var businessDays: Int
    public var steps: [Step]
    public var dueDate: CivilDay

    public init(
        receivedAt: Date, timeZone: String, calendar: String, receiptDay: CivilDay, businessDays: Int, steps: [Step], dueDate: CivilDay
    ) {
        self.receivedAt = receivedAt
        self.timeZone = timeZone
        self.calendar = calendar
        self.receiptDay = receiptDay
        self.businessDays = businessDays
        self.steps = steps
        self.dueDate = dueDate
    }

    /// The explanation for people, one line each.
    public var lines: [String] {
        var lines = [
            "Received \(Self.iso(receivedAt)), which is \(receiptDay.weekday.name) \(receiptDay) in \(timeZone).",
            "RCW 42.56.520: respond within \(businessDays) business days, the day of receipt not counted; weekends and holidays (\(calendar)) skipped.",
        ]
        for step in steps { lines.append("  \(step.day.weekday.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(step.day)  \(step.note)") }
        lines.append("Due: \(dueDate.weekday.name) \(dueDate), by the end of the day in \(timeZone).")
        return lines
    }

    /// The explanation as JSON (`received_at`, `time_zone`, `calendar`, `receipt_day`,
    /// `business_days`, `steps` of `day`, `counted`, `note`, `due_date`).
    public var json: JSONValue {
        .object([
            "received_at": .string(Self.iso(receivedAt)), "time_zone": .string(timeZone), "calendar": .string(calendar),
            "receipt_day": .string(receiptDay.description), "business_days": .integer(Int64(businessDays)),
            "steps": .array(
                steps.map { step in
                    var object: [String: JSONValue] = ["day": .string(step.day.description), "note": .string(step.note)]
                    if let counted = step.counted { object["counted"] = .integer(Int64(counted)) }
                    return .object(object)
                }),
            "due_date": .string(dueDate.description),
        ])
    }

    /// Reads ``json`` back; nil when it does not fit.
    public init?(json: JSONValue) {
        guard let received = json.text("received_at").flatMap(Self.date), let timeZone = json.text("time_zone"),
            let calendar = json.text("calendar"), let receipt = json.text("receipt_day").flatMap(CivilDay.init),
            let businessDays = json["business_days"]?.integer, let due = json.text("due_date").flatMap(CivilDay.init),
            let steps = json["steps"]?.array
        else { return nil }
        var parsed: [Step] = []
        for step in steps {
            guard let day = step.text("day").flatMap(CivilDay.init), let note = step.text("note") else { return nil }
            parsed.append(Step(day: day, counted: step["counted"]?.integer.map(Int.init), note: note))
        }
        self.init(
            receivedAt: received, timeZone: timeZone, calendar: calendar, receiptDay: receipt, businessDays: Int(businessDays), steps: parsed,
            dueDate: due)
    }

    /// `date` in ISO 8601 (UTC), with fractional seconds only when there are any.
    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = formatter.string(from: date)
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }

    /// The time an ISO 8601 text gives, with or without fractional seconds; nil when it is not one.
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
