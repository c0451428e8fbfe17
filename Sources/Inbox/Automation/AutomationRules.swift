import Events
public import Foundation
public import Ledger
public import LedgerStore
public import Logging
public import PostgresNIO
import RecordkeeperCore

/// The event type of automation configuration (docs/operations.md, "Automation").
public enum AutomationEventType {
    /// The whole rule set (rules and business hours), as set by its actor.
    public static let rulesSet = EventType.Automation.rulesSet
}

/// Builds `automation.rules.set`: stream `config/automation`, the actor who set it, header
/// `{"v":1,"rules":N,"enabled":[ids]}` (no reply text), payload the whole rule set document.
public enum AutomationEvents {
    public static let stream = "config/automation"

    public static func rulesSet(_ set: AutomationRuleSet, actor: String, occurredAt: LedgerTimestamp = .now()) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "rules": .integer(Int64(set.rules.count)),
            "enabled": .array(set.rules.filter(\.enabled).map { .string($0.id) }),
        ])
        var payload = set.json
        if case .object(var members) = payload {
            members["v"] = .integer(1)
            payload = .object(members)
        }
        return NewEvent(
            stream: stream, eventType: AutomationEventType.rulesSet, occurredAt: occurredAt, actor: actor,
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try payload.encoded())
    }
}

/// The rule set in force, with who set it and when.
public struct RecordedAutomationRules: Sendable, Hashable {
    public var rules: AutomationRuleSet
    /// The `automation.rules.set` entry.
    public var position: Int64
    public var setAt: Date
    public var setBy: String
}

/// Reads and records a ledger's automation rules. Recording appends `automation.rules.set`
/// and updates the `automation_rule_sets` row at once (exactly as the projection
/// ``AutomationRulesProjection`` does when it reaches the entry), so the next read sees it.
public struct AutomationRules: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// The rule set in force; nil when none was ever set (no automation).
    public func current() async throws -> RecordedAutomationRules? {
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return nil
        }
        return try await Self.current(ledger: ref, on: store.client, logger: store.logger)
    }

    static func current(ledger: LedgerRef, on client: PostgresClient, logger: Logger) async throws -> RecordedAutomationRules? {
        let rows = try await client.query(
            "SELECT position, set_at_us, actor, rules FROM automation_rule_sets WHERE ledger_id = \(ledger.id)", logger: logger)
        for try await (position, setAt, actor, text) in rows.decode((Int64, Int64, String, String).self) {
            let set = try AutomationRuleSet(json: try JSONValue.parse(Array(text.utf8)).withoutVersion)
            return RecordedAutomationRules(rules: set, position: position, setAt: LedgerTimestamp(microseconds: setAt).date, setBy: actor)
        }
        return nil
    }

    /// Records `set` as the rule set in force, set by `actor`.
    @discardableResult
    public func set(_ set: AutomationRuleSet, actor: String, now: Date = Date()) async throws -> RecordedAutomationRules {
        let time = LedgerTimestamp(now)
        let receipt = try await store.append(try AutomationEvents.rulesSet(set, actor: actor, occurredAt: time), to: ledger)
        let ref = try await store.ledger(named: ledger, create: false)
        try await Self.apply(set, position: receipt.position, setAtUs: time.microseconds, actor: actor, ledger: ref) { query in
            try await store.client.perform(query, logger: store.logger)
        }
        return RecordedAutomationRules(rules: set, position: receipt.position, setAt: time.date, setBy: actor)
    }

    /// Stores a rule set unless a later one is already stored.
    static func apply(
        _ set: AutomationRuleSet, position: Int64, setAtUs: Int64, actor: String, ledger: LedgerRef,
        perform: (PostgresQuery) async throws -> Void
    ) async throws {
        let text = String(decoding: try set.json.encoded(), as: UTF8.self)
        try await perform(
            """
            INSERT INTO automation_rule_sets (ledger_id, position, set_at_us, actor, rules)
            VALUES (\(ledger.id), \(position), \(setAtUs), \(actor), \(text))
            ON CONFLICT (ledger_id) DO UPDATE SET position = EXCLUDED.position, set_at_us = EXCLUDED.set_at_us,
                actor = EXCLUDED.actor, rules = EXCLUDED.rules
            WHERE automation_rule_sets.position < EXCLUDED.position
            """)
    }
}

/// The `automation_rules` projection: the latest `automation.rules.set` of each ledger, in
/// table `automation_rule_sets` (the rule set as JSON: reply texts and hours, never a citizen's words).
public struct AutomationRulesProjection: Projection {
    public let name = "automation_rules"
    public let version = 1
    public let eventTypes: Set<String> = [AutomationEventType.rulesSet]
    public let payloadTypes: Set<String> = [AutomationEventType.rulesSet]

    public init() {}

    public func apply(_ records: [SelectedRecord], ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        for record in records {
            let fields = record.entry.fields
            guard case .bytes(let bytes)? = record.payload, let json = try? JSONValue.parse(bytes),
                let set = try? AutomationRuleSet(json: json.withoutVersion)
            else {
                logger.warning("skipping an automation.rules.set whose payload cannot be read", metadata: ["position": "\(fields.position)"])
                continue
            }
            try await AutomationRules.apply(
                set, position: fields.position, setAtUs: fields.occurredAt.microseconds, actor: fields.actor, ledger: ledger
            ) { query in
                try await connection.perform(query, logger: logger)
            }
        }
    }

    public func reset(ledger: LedgerRef, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.perform("DELETE FROM automation_rule_sets WHERE ledger_id = \(ledger.id)", logger: logger)
    }
}

extension JSONValue {
    /// The document without its `"v"` member (event payloads carry one, the API body does not).
    var withoutVersion: JSONValue {
        guard case .object(var members) = self else { return self }
        members["v"] = nil
        return .object(members)
    }
}
