import Access
import Classification
import Foundation
import Inbox
import Ledger
import LedgerStore
import TestSupport

/// A seeded mix of the entries of the analytics, classification, access log and inbox
/// projections (issue 17's set-based tests): the conversations mix (messages, sends, statuses,
/// echoes, unfit headers) plus sends of every `via` and mark-as-read requests; inbox events
/// on a few conversations (so one batch holds several events of one conversation: routings
/// with and without team or rule, assignments and unassignments, state changes, notes, read
/// marks of a few readers, rule sets and unreadable ones, headers that do not fit); decisions on
/// a few recent messages (automatic and staff, in any order, no source, unknown and later
/// targets, unfit headers); access events with any strings in their `records`.
///
/// Positions are `base + index`: the ledger must hold `base - 1` entries before the mix, and
/// no event of the mix carries a dedupe key that could repeat.
struct ProjectionsMix {
    typealias F = WhatsAppFixtures

    private var random: SplitMix
    private var conversations: ConversationMix
    private let base: Int64
    private var index: Int64 = 0
    private var time: Int64 = 0
    /// Positions of the messages so far (each has a classification row).
    private var messages: [Int64] = []

    init(seed: UInt64, base: Int64) {
        self.random = SplitMix(state: seed ^ 0x5EED)
        self.conversations = ConversationMix(seed: seed, citizens: 60)
        self.base = base
    }

    /// `count` events, in the order they are appended, the first at position `base`.
    static func events(count: Int, seed: UInt64, base: Int64) -> [NewEvent] {
        var mix = ProjectionsMix(seed: seed, base: base)
        return (0..<count).map { _ in mix.next() }
    }

    mutating func next() -> NewEvent {
        defer { index += 1 }
        time += 1
        var event: NewEvent
        switch random.next() % 100 {
        case 0..<35: event = conversations.next()
        case 35..<42: event = send()
        case 42..<64: event = inbox()
        case 64..<82: event = decision()
        default: event = access()
        }
        // A repeated dedupe key would be recorded once and move every later position.
        event.dedupeKey = nil
        if event.eventType == "whatsapp.message.received" || event.eventType == "message.send.requested" { messages.append(base + index) }
        return event
    }

    // MARK: Sends

    private mutating func send() -> NewEvent {
        let via = pick(["api", "automation", "staff_ui", "Web", "", "x-y", String(repeating: "a", count: 33), String(repeating: "b", count: 32), "é"])
        let kind = pick(["text", "text", "mark_read", "template"])
        var header: [String: Any] = ["v": 1, "request_id": "req-mix-\(index)", "kind": kind, "phone_number_id": F.phoneNumberID, "via": via]
        let stream: String
        switch random.next() % 4 {
        case 0: stream = "wa/\(F.phoneNumberID)"  // no citizen, no conversation
        case 1:
            header["citizen"] = [String: Any]()
            stream = "wa/\(F.phoneNumberID)/p:1555000\(random.next() % 9)"
        default:
            header["citizen"] = ["wa_id": "1555000\(random.next() % 9)"]
            stream = "wa/\(F.phoneNumberID)"
        }
        if random.next() % 20 == 0 { header.removeValue(forKey: "via") }  // does not fit
        return NewEvent(
            stream: stream, eventType: "message.send.requested", occurredAt: F.time(time), actor: "agent:test", header: Self.json(header),
            payload: Array("{}".utf8))
    }

    // MARK: Inbox

    private mutating func inbox() -> NewEvent {
        let conversation = pick(["c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "", "wa/1065/p:1555,\"x\""])
        var header: [String: Any] = ["v": 1, "conversation": conversation]
        var type: String
        switch random.next() % 20 {
        case 0..<3:
            type = InboxEventType.routed
            header["team"] = pick(["north", "south", "", nil] as [String?]) ?? NSNull()
            if header["team"] is NSNull { header.removeValue(forKey: "team") }
            if random.next() % 4 != 0 { header["rule"] = pick(["default", "transfer", "r-1"]) }
        case 3..<5:
            type = InboxEventType.assigned
            if random.next() % 3 != 0 { header["assignee"] = pick(["robin", "sam", "kim"]) }
        case 5..<7: type = InboxEventType.pending
        case 7..<9: type = InboxEventType.closed
        case 9..<11:
            type = InboxEventType.reopened
            header["automatic"] = true
        case 11..<14:
            type = InboxEventType.noteAdded
            if random.next() % 8 != 0 { header["note_id"] = "note-\(random.next() % 40)" }
        case 14..<18:
            type = InboxEventType.readMarked
            if random.next() % 10 != 0 { header["user"] = pick(["robin", "sam", "kim"]) }
            header["position"] = pick([Int64(0), base + index - 3, base + index, -1, 99_999] as [Int64])
        case 18:
            return rules()
        default:
            // Headers that do not fit: no conversation, or not a string.
            type = pick([InboxEventType.routed, InboxEventType.closed, InboxEventType.noteAdded, InboxEventType.readMarked])
            header = random.next() % 2 == 0 ? ["v": 1] : ["v": 1, "conversation": 7, "team": "north"]
        }
        return NewEvent(
            stream: "inbox/\(conversation)", eventType: type, occurredAt: F.time(time), actor: pick(["staff:robin", "system:router"]),
            header: Self.json(header), payload: Array(Self.json(header).utf8))
    }

    private mutating func rules() -> NewEvent {
        if random.next() % 3 == 0 {
            return NewEvent(
                stream: InboxEvents.rulesStream, eventType: InboxEventType.rulesSet, occurredAt: F.time(time), actor: "staff:admin",
                header: #"{"v":1}"#, payload: Array(#"{"not":"rules"#.utf8))
        }
        let rules = RoutingRuleSet(
            defaultTeam: pick(["general", "north"]), rules: [RoutingRule(id: "r-\(index)", team: "south", keywords: ["permit", "tax"])])
        return (try? InboxEvents.rulesSet(rules, actor: "staff:admin", at: F.time(time)))!
    }

    // MARK: Decisions

    private mutating func decision() -> NewEvent {
        let recent = messages.suffix(6)
        var target: Int64 = recent.isEmpty ? base : pick(Array(recent))
        switch random.next() % 20 {
        case 0: target = base + index + 2  // later than the decision
        case 1: target = base + index  // the decision itself
        case 2: target = 1_000_000  // no such message
        case 3 where messages.count > 10: target = messages[Int(random.next() % UInt64(messages.count))]
        default: break
        }
        var header: [String: Any] = [
            "v": 1, "target_position": target, "category": Int(random.next() % 4) + 1,
            "reasons": pick([[], [["kind": "ssn"]], [["kind": "ssn"], ["kind": "health"], ["x": 1]]] as [[[String: Any]]]),
            "detector_version": pick(["d-1", "d-2"]),
        ]
        switch random.next() % 10 {
        case 0..<4: header["source"] = "automatic"
        case 4..<8: header["source"] = "staff"
        case 8: header["source"] = 3
        default: header.removeValue(forKey: "detector_version")
        }
        if random.next() % 25 == 0 { header.removeValue(forKey: "category") }  // does not fit
        return NewEvent(
            stream: "classification/\(target)", eventType: "record.classified", occurredAt: F.time(time), actor: "system:classifier",
            header: Self.json(header), payload: Array("{}".utf8))
    }

    // MARK: Access

    private mutating func access() -> NewEvent {
        let user = pick(["robin", "sam", "kim"])
        var header: [String: Any] = [
            "v": 1, "user": user, "action": pick(["search", "view"]), "route": "GET /v1/records", "credential": pick(["session", "token:7"]),
        ]
        let strings = ["r-1", "", "a,b", "{x}", "\"quoted\"", "back\\slash", "NULL", "null", "é ∑ 😀", " spaced ", "new\nline"]
        header["records"] = (0..<Int(random.next() % 5)).map { _ in pick(strings) as Any } + (random.next() % 4 == 0 ? [7, NSNull()] : [])
        switch random.next() % 4 {
        case 0: header["masked"] = [Int64(3), Int64.max, -1, 4_000_000_000]
        case 1: header["masked"] = ["5", 6]
        case 2: break
        default: header["masked"] = [Int64]()
        }
        if random.next() % 2 == 0 { header["reason"] = pick(["audit", "", "request 12"]) }
        header["break_glass"] = pick([true, false, "true"] as [Any])
        if random.next() % 15 == 0 { header.removeValue(forKey: pick(["user", "action", "route", "credential"])) }  // does not fit
        return NewEvent(
            stream: AccessEvents.stream(user: user), eventType: pick([AccessEvents.viewed, AccessEvents.denied]), occurredAt: F.time(time),
            actor: "staff:\(user)", header: Self.json(header), payload: Array("{}".utf8))
    }

    // MARK: Helpers

    private mutating func pick<T>(_ choices: [T]) -> T { choices[Int(random.next() % UInt64(choices.count))] }

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
