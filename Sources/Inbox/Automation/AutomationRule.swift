import Foundation
public import RecordkeeperCore

/// One automation rule (docs/operations.md, "Automation"): an automatic reply to citizens,
/// sent through the normal send path with the rule as actor (`rule:<id>`).
public struct AutomationRule: Sendable, Hashable {
    /// What a rule answers.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The first inbound message of a conversation, and the first after it was closed.
        case acknowledgement
        /// An inbound message outside business hours, at most once per conversation per 12 hours.
        case outOfHours = "out_of_hours"
    }

    /// `[a-z0-9-]+`, at most 64 characters; unique in its set.
    public var id: String
    public var kind: Kind
    /// The reply (a WhatsApp text: 1 to 4096 characters).
    public var text: String
    /// Only conversations with this business number; nil: every number.
    public var phoneNumberID: String?
    public var enabled: Bool

    public init(id: String, kind: Kind, text: String, phoneNumberID: String? = nil, enabled: Bool = true) {
        self.id = id
        self.kind = kind
        self.text = text
        self.phoneNumberID = phoneNumberID
        self.enabled = enabled
    }

    /// The ledger actor of what the rule does.
    public var actor: String { "rule:\(id)" }

    /// Whether the rule applies to conversations of the business number `phoneNumberID`.
    public func applies(toNumber number: String) -> Bool {
        enabled && (phoneNumberID == nil || phoneNumberID == number)
    }

    /// The Graph body of the reply.
    public var replyBody: [UInt8] {
        (try? JSONValue.object(["type": .string("text"), "text": .object(["body": .string(text)])]).encoded()) ?? []
    }
}

/// The whole automation configuration of a ledger: the rules and the business hours that
/// out-of-hours rules use. Recorded whole by each `automation.rules.set`.
public struct AutomationRuleSet: Sendable, Hashable {
    public var rules: [AutomationRule]
    /// Required when an enabled `out_of_hours` rule exists.
    public var businessHours: BusinessHours?

    public init(rules: [AutomationRule] = [], businessHours: BusinessHours? = nil) {
        self.rules = rules
        self.businessHours = businessHours
    }

    /// The most rules a set may hold.
    public static let maxRules = 50
    /// The longest reply text, in characters (WhatsApp's text limit).
    public static let maxTextLength = 4096

    /// The rule of `kind` that answers a conversation of business number `number`: an enabled
    /// rule naming that number wins over one for every number; among equals, the first listed.
    public func rule(_ kind: AutomationRule.Kind, forNumber number: String) -> AutomationRule? {
        let candidates = rules.filter { $0.kind == kind && $0.applies(toNumber: number) }
        return candidates.first { $0.phoneNumberID != nil } ?? candidates.first
    }

    /// Whether any rule is enabled (otherwise the automation service has nothing to do).
    public var hasEnabledRules: Bool { rules.contains(where: \.enabled) }

    // MARK: JSON

    /// The JSON document (docs/api.md, "Automation rules"): the event payload and the API body.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "rules": .array(
                rules.map { rule in
                    var object: [String: JSONValue] = [
                        "id": .string(rule.id), "kind": .string(rule.kind.rawValue), "text": .string(rule.text), "enabled": .bool(rule.enabled),
                    ]
                    object["phone_number_id"] = rule.phoneNumberID.map { .string($0) } ?? .null
                    return .object(object)
                })
        ]
        members["business_hours"] = businessHours?.json ?? .null
        return .object(members)
    }

    /// Parses and checks a rule set document.
    /// - Throws: ``AutomationRuleError`` naming the first field that is wrong.
    public init(json: JSONValue) throws {
        guard let members = json.object else { throw AutomationRuleError(field: "", "the body must be a JSON object with \"rules\"") }
        try Self.refuseUnknown(members, allowed: ["rules", "business_hours"], at: "")
        guard let list = members["rules"]?.array else {
            throw AutomationRuleError(field: "rules", "\"rules\" must be an array of rules (it may be empty)")
        }
        guard list.count <= Self.maxRules else {
            throw AutomationRuleError(field: "rules", "a rule set holds at most \(Self.maxRules) rules, got \(list.count)")
        }
        var rules: [AutomationRule] = []
        var seen: Set<String> = []
        for (index, element) in list.enumerated() {
            let rule = try Self.rule(element, at: "rules[\(index)]")
            guard seen.insert(rule.id).inserted else {
                throw AutomationRuleError(field: "rules[\(index)].id", "rule id \"\(rule.id)\" is used twice: ids must be unique")
            }
            rules.append(rule)
        }
        var hours: BusinessHours?
        if let value = members["business_hours"], value != .null {
            hours = try BusinessHours(json: value, at: "business_hours")
        }
        if hours == nil, rules.contains(where: { $0.kind == .outOfHours && $0.enabled }) {
            throw AutomationRuleError(
                field: "business_hours", "an enabled out_of_hours rule needs \"business_hours\" (a timezone and the weekly opening hours)")
        }
        self.init(rules: rules, businessHours: hours)
    }

    private static func rule(_ value: JSONValue, at path: String) throws -> AutomationRule {
        guard let members = value.object else { throw AutomationRuleError(field: path, "each rule must be a JSON object") }
        try refuseUnknown(members, allowed: ["id", "kind", "text", "phone_number_id", "enabled"], at: path)
        guard let id = members["id"]?.string, isRuleID(id) else {
            throw AutomationRuleError(field: "\(path).id", "\"id\" must be 1 to 64 characters of a-z, 0-9 and -")
        }
        guard let kindName = members["kind"]?.string, let kind = AutomationRule.Kind(rawValue: kindName) else {
            let kinds = AutomationRule.Kind.allCases.map(\.rawValue).joined(separator: " or ")
            throw AutomationRuleError(field: "\(path).kind", "\"kind\" must be \(kinds)")
        }
        guard let text = members["text"]?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AutomationRuleError(field: "\(path).text", "\"text\" must be the reply, a non-blank string")
        }
        guard text.count <= maxTextLength else {
            throw AutomationRuleError(field: "\(path).text", "\"text\" may be at most \(maxTextLength) characters, got \(text.count)")
        }
        var number: String?
        if let value = members["phone_number_id"], value != .null {
            guard let text = value.string, (1...64).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw AutomationRuleError(
                    field: "\(path).phone_number_id", "\"phone_number_id\" must be a business number's Meta id (digits), or null for every number")
            }
            number = text
        }
        var enabled = true
        if let value = members["enabled"] {
            guard let flag = value.bool else { throw AutomationRuleError(field: "\(path).enabled", "\"enabled\" must be true or false") }
            enabled = flag
        }
        return AutomationRule(id: id, kind: kind, text: text, phoneNumberID: number, enabled: enabled)
    }

    static func isRuleID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
    }

    static func refuseUnknown(_ members: [String: JSONValue], allowed: Set<String>, at path: String) throws {
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            let field = path.isEmpty ? unknown : "\(path).\(unknown)"
            throw AutomationRuleError(field: field, "unknown field \"\(unknown)\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

/// A rule set that cannot be recorded: the field (`rules[1].text`, `business_hours.timezone`)
/// and what is wrong with it.
public struct AutomationRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { reason }
}
