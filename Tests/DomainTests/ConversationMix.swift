import Foundation
import Ledger
import LedgerStore
import TestSupport

/// A seeded, realistic mix of the conversations projection's entries: a burst of inbound
/// messages from many citizens (a few of them writing again and again), sends with their
/// outcomes (accepted, accepted with Meta's `message_status` or without a wamid, failed with
/// and without an error code), statuses in any order (before their message, after a failure,
/// two unknown values of equal rank, for messages never seen), outbound echoes, citizens seen by phone number,
/// by BSUID and by both (so conversations merge, across and within batches), two business
/// numbers, requests naming no citizen, and headers that do not fit the contract.
struct ConversationMix {
    typealias F = WhatsAppFixtures
    static let numbers = [F.phoneNumberID, "106540352242999"]

    private var random: SplitMix
    private let citizens: Int
    private var time: Int64 = 0
    private var serial = 0
    /// Accepted wamids and their citizens and numbers.
    private var sent: [(wamid: String, citizen: Int, number: String)] = []
    /// Requests without an outcome yet, with the wamid Meta will give them.
    private var pending: [(request: String, wamid: String, citizen: Int, number: String)] = []

    init(seed: UInt64, citizens: Int) {
        self.random = SplitMix(state: seed)
        self.citizens = citizens
    }

    /// `count` events, in the order they are appended.
    static func events(count: Int, seed: UInt64, citizens: Int = 400) -> [NewEvent] {
        var mix = ConversationMix(seed: seed, citizens: citizens)
        return (0..<count).map { _ in mix.next() }
    }

    mutating func next() -> NewEvent {
        time += 1
        serial += 1
        let roll = Int(random.next() % 100)
        switch roll {
        case 0..<45: return inbound()
        case 45..<57: return request()
        case 57..<69: return outcome() ?? inbound()
        case 69..<87: return status()
        case 87..<92: return echo()
        case 92..<95: return requestWithoutCitizen(longStream: roll == 94)
        case 95..<97: return unfit(roll == 95 ? "whatsapp.message.received" : "whatsapp.status.updated")
        default: return inbound(number: Self.numbers[1])
        }
    }

    // MARK: Events

    private mutating func inbound(number: String? = nil) -> NewEvent {
        let index = citizen()
        let names: [String?] = [nil, "Name \(index)", "Name \(index) (new)", "Sheena Nelson"]
        return F.message(
            "wamid.in.\(serial)", from: form(of: index), at: time, type: pick(["text", "text", "image", "location"]),
            profileName: pick(names), number: number ?? pick(Self.numbers))
    }

    private mutating func request() -> NewEvent {
        let index = citizen()
        let number = pick(Self.numbers)
        let request = "req-\(serial)"
        pending.append((request, "wamid.out.\(serial)", index, number))
        let form = form(of: index)
        return NewEvent(
            stream: F.stream(form, number: number), eventType: "message.send.requested", occurredAt: F.time(time), actor: "agent:test",
            dedupeKey: "send:req:\(request)",
            header: Self.json([
                "v": 1, "request_id": request, "kind": pick(["text", "template", "image"]), "direction": "outbound", "phone_number_id": number,
                "citizen": Self.citizenObject(form), "via": "api",
            ]), payload: Array("{\"type\":\"text\"}".utf8))
    }

    private mutating func outcome() -> NewEvent? {
        guard !pending.isEmpty else { return nil }
        let (request, wamid, index, number) = pending.remove(at: Int(random.next() % UInt64(pending.count)))
        let form = form(of: index)
        var header: [String: Any] = [
            "v": 1, "request_id": request, "request_position": 0, "kind": "text", "direction": "outbound", "phone_number_id": number,
            "citizen": Self.citizenObject(form), "attempt": 1,
        ]
        let accepted = random.next() % 10 < 7
        if accepted {
            let withWamid = random.next() % 5 != 0
            header["message_id"] = withWamid ? wamid : NSNull()
            header["message_status"] = pick([NSNull(), "accepted", "held_for_quality_assessment"] as [Any])
            if withWamid { sent.append((wamid, index, number)) }
        } else {
            header["error_code"] = random.next() % 2 == 0 ? 131026 : NSNull()
            header["reason"] = "refused"
        }
        return NewEvent(
            stream: F.stream(form, number: number), eventType: accepted ? "message.send.accepted" : "message.send.failed",
            occurredAt: F.time(time), actor: "agent:test", dedupeKey: "send:outcome:\(request)", header: Self.json(header),
            payload: Array("{}".utf8))
    }

    private mutating func status() -> NewEvent {
        let value = pick(["sent", "delivered", "read", "failed", "played", "deleted", "warning"])
        let at = time - Int64(random.next() % 5)
        let which = random.next() % 20
        if which < 14, !sent.isEmpty {
            let (wamid, index, number) = sent[Int(random.next() % UInt64(sent.count))]
            return F.status(value, of: wamid, to: form(of: index), at: at, number: number)
        }
        if which < 17, !pending.isEmpty {
            // Before its acceptance is recorded: the status waits for the wamid.
            let (_, wamid, index, number) = pending[Int(random.next() % UInt64(pending.count))]
            return F.status(value, of: wamid, to: form(of: index), at: at, number: number)
        }
        return F.status(value, of: "wamid.ghost.\(random.next() % 50)", to: form(of: citizen()), at: at, number: pick(Self.numbers))
    }

    /// An outbound message recorded as a message (an echo): a wamid that may already have statuses.
    private mutating func echo() -> NewEvent {
        let index = citizen()
        let form = form(of: index)
        let number = pick(Self.numbers)
        let wamid = random.next() % 2 == 0 ? "wamid.ghost.\(random.next() % 50)" : "wamid.echo.\(serial)"
        return NewEvent(
            stream: F.stream(form, number: number), eventType: "whatsapp.message.received", occurredAt: F.time(time), actor: F.actor,
            dedupeKey: "wa:echo:\(serial)",
            header: Self.json([
                "v": 1, "direction": "outbound", "message_id": wamid, "message_type": "text", "phone_number_id": number,
                "citizen": Self.citizenObject(form),
            ]),
            payload: Array(Self.json(["v": 1, "envelope": ["display_phone_number": F.displayPhoneNumber]]).utf8))
    }

    /// A proxied request naming no citizen: in a business number's stream it has no
    /// conversation; in a conversation's stream it joins that one by its stream alone.
    private mutating func requestWithoutCitizen(longStream: Bool) -> NewEvent {
        let number = pick(Self.numbers)
        let request = "req-\(serial)"
        if longStream { pending.append((request, "wamid.out.\(serial)", citizen(), number)) }
        return NewEvent(
            stream: longStream ? F.stream(form(of: citizen()), number: number) : "wa/\(number)", eventType: "message.send.requested",
            occurredAt: F.time(time), actor: "integration:proxy", dedupeKey: "send:req:\(request)",
            header: Self.json([
                "v": 1, "request_id": request, "kind": "mark_read", "direction": "outbound", "phone_number_id": number, "citizen": [:],
                "via": "proxy",
            ]), payload: Array("{}".utf8))
    }

    private mutating func unfit(_ eventType: String) -> NewEvent {
        NewEvent(
            stream: F.stream(form(of: citizen())), eventType: eventType, occurredAt: F.time(time), actor: F.actor,
            dedupeKey: "unfit:\(serial)", header: "{\"v\":1}", payload: Array("{}".utf8))
    }

    // MARK: Choices

    /// A citizen: half the time one of the few who write often.
    private mutating func citizen() -> Int {
        random.next() % 2 == 0 ? Int(random.next() % UInt64(max(1, citizens / 10))) : Int(random.next() % UInt64(citizens))
    }

    /// How a delivery names citizen `index`: by phone number (half), BSUID, or both (linking).
    private mutating func form(of index: Int) -> FixtureCitizen {
        let waID = "1555\(1_000_000 + index)"
        let userID = "US.\(index)"
        switch random.next() % 10 {
        case 0..<5: return FixtureCitizen(waID: waID)
        case 5..<8: return FixtureCitizen(userID: userID)
        default: return FixtureCitizen(userID: userID, waID: waID)
        }
    }

    private mutating func pick<T>(_ choices: [T]) -> T { choices[Int(random.next() % UInt64(choices.count))] }

    private static func citizenObject(_ citizen: FixtureCitizen) -> [String: Any] {
        var object: [String: Any] = [:]
        if let userID = citizen.userID { object["user_id"] = userID }
        if let waID = citizen.waID { object["wa_id"] = waID }
        return object
    }

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// SplitMix64: a small seeded generator, so a failing mix can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
