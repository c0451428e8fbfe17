public import Foundation
public import RecordkeeperCore

/// What a legal hold covers. The members given combine with AND; the values of one member with
/// OR. A member left empty (or nil) does not restrict. The scope is evaluated when asked, so a
/// hold covers records that arrive after it was placed.
public struct LegalHoldScope: Sendable, Hashable {
    /// Conversation ids (a conversation's first stream, `wa/<phone_number_id>/<citizen key>`).
    public var conversations: [String]
    /// Citizen keys, `p:<wa_id>` or `u:<user_id>` (``citizenKey(_:)`` makes one from a phone
    /// number or a BSUID): every conversation linked to the citizen, on any business number.
    public var citizens: [String]
    /// Business numbers (`phone_number_id`).
    public var businessNumbers: [String]
    /// Teams: conversations ever routed to one of them.
    public var teams: [String]
    /// Records whose last entry is at or after this instant.
    public var from: Date?
    /// Records whose first entry is before this instant (exclusive: `--to 2026-03-31` is given
    /// as 2026-04-01T00:00:00Z).
    public var to: Date?

    public init(
        conversations: [String] = [], citizens: [String] = [], businessNumbers: [String] = [], teams: [String] = [], from: Date? = nil,
        to: Date? = nil
    ) {
        self.conversations = conversations
        self.citizens = citizens
        self.businessNumbers = businessNumbers
        self.teams = teams
        self.from = from
        self.to = to
    }

    /// The names of the members given, in a fixed order: what the retained header names.
    public var memberNames: [String] {
        var names: [String] = []
        if !conversations.isEmpty { names.append("conversations") }
        if !citizens.isEmpty { names.append("citizens") }
        if !businessNumbers.isEmpty { names.append("business_numbers") }
        if !teams.isEmpty { names.append("teams") }
        if from != nil { names.append("from") }
        if to != nil { names.append("to") }
        return names
    }

    /// Whether no member is given: such a hold would cover nothing (or, read loosely,
    /// everything), so it is refused.
    public var isEmpty: Bool { memberNames.isEmpty }

    /// The citizen key of `text`: `p:<digits>` for a phone number (`+1 555-123-4567`; the
    /// WhatsApp id is the digits with the country code), `u:<id>` for a BSUID
    /// (`US.13491208655302741918`), or the key itself when given as `p:…` / `u:…`. Nil when it
    /// is neither.
    public static func citizenKey(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("p:") || trimmed.hasPrefix("u:") {
            return trimmed.count > 2 && !trimmed.contains(where: \.isWhitespace) ? trimmed : nil
        }
        let phoneCharacters = Set("+0123456789 -().")
        if !trimmed.isEmpty, trimmed.allSatisfy(phoneCharacters.contains) {
            let digits = trimmed.filter(\.isNumber)
            return (5...20).contains(digits.count) ? "p:\(digits)" : nil
        }
        let bsuidCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        if trimmed.count >= 3, trimmed.count <= 128, trimmed.allSatisfy(bsuidCharacters.contains) { return "u:\(trimmed)" }
        return nil
    }

    /// The scope as the payload of `retention.hold.placed` holds it (dates in ISO 8601).
    public var json: JSONValue {
        var members: [String: JSONValue] = [:]
        if !conversations.isEmpty { members["conversations"] = .array(conversations.map(JSONValue.string)) }
        if !citizens.isEmpty { members["citizens"] = .array(citizens.map(JSONValue.string)) }
        if !businessNumbers.isEmpty { members["business_numbers"] = .array(businessNumbers.map(JSONValue.string)) }
        if !teams.isEmpty { members["teams"] = .array(teams.map(JSONValue.string)) }
        if let from { members["from"] = .string(Self.iso(from)) }
        if let to { members["to"] = .string(Self.iso(to)) }
        return .object(members)
    }

    /// Reads ``json``; nil when a member does not fit.
    public init?(json: JSONValue) {
        guard json.object != nil else { return nil }
        func strings(_ key: String) -> [String]? {
            guard let value = json[key] else { return [] }
            guard let array = value.array else { return nil }
            let texts = array.compactMap(\.string)
            return texts.count == array.count ? texts : nil
        }
        func date(_ key: String) -> Date?? {
            guard let value = json[key] else { return .some(nil) }
            guard let text = value.string, let date = Self.date(text) else { return nil }
            return .some(date)
        }
        guard let conversations = strings("conversations"), let citizens = strings("citizens"),
            let businessNumbers = strings("business_numbers"), let teams = strings("teams"), let from = date("from"), let to = date("to")
        else { return nil }
        self.init(conversations: conversations, citizens: citizens, businessNumbers: businessNumbers, teams: teams, from: from, to: to)
    }

    /// ISO 8601 in UTC, with fractional seconds only when there are some.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        if date.timeIntervalSince1970.rounded(.down) != date.timeIntervalSince1970 {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        }
        return formatter.string(from: date)
    }

    /// Parses ISO 8601 with or without fractional seconds.
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
