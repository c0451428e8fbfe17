import Events
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// What one staff access showed or was refused, for ``AccessEvents``.
public struct AccessRecord: Sendable, Hashable {
    /// The action (``StaffAction``) of the route.
    public var action: StaffAction
    /// The route (`GET /v1/conversations/{id}/messages`).
    public var route: String
    /// The records shown: `conversation:<id>`, `media:<media id>`, `message:<position>`, `search`.
    public var records: [String]
    /// Positions of messages shown masked (above the caller's clearance).
    public var maskedPositions: [Int64]
    /// The reason the caller gave (`X-Recordkeeper-Access-Reason`), if any.
    public var reason: String?
    /// Whether only the stated reason allowed the access (admin break-glass).
    public var breakGlass: Bool
    /// What was asked (search terms, filters): kept in the encrypted payload, never the header.
    public var query: String?

    public init(
        action: StaffAction, route: String, records: [String], maskedPositions: [Int64] = [], reason: String? = nil,
        breakGlass: Bool = false, query: String? = nil
    ) {
        self.action = action
        self.route = route
        self.records = records
        self.maskedPositions = maskedPositions
        self.reason = reason
        self.breakGlass = breakGlass
        self.query = query
    }
}

/// The ledger events of staff access (docs/access.md, "Read audit").
///
/// - `access.viewed`: a staff member was shown message content, notes, a search's results or a
///   download (and every use of the bootstrap admin token).
/// - `access.denied`: a content route was refused to an authenticated staff member.
///
/// Stream `access/<user>`; the actor is the user (``StaffPrincipal/actor``). The header names
/// who, what (records, route, action), the reason and the credential; never content. The
/// payload adds the query (search terms can hold anything a citizen wrote).
public enum AccessEvents {
    public static let viewed = EventType.Access.viewed
    public static let denied = EventType.Access.denied

    /// The stream of a user's accesses.
    public static func stream(user: String) -> String { "access/\(user)" }

    /// One access event of `principal`.
    public static func event(type: String, _ access: AccessRecord, by principal: StaffPrincipal, at time: LedgerTimestamp = .now()) throws -> NewEvent {
        var header: [String: JSONValue] = [
            "v": .integer(1),
            "user": .string(principal.name),
            "action": .string(access.action.rawValue),
            "route": .string(access.route),
            "records": .array(access.records.map { .string($0) }),
            "credential": .string(credentialName(principal.credential)),
        ]
        if !access.maskedPositions.isEmpty { header["masked"] = .array(access.maskedPositions.map { .integer($0) }) }
        if let reason = access.reason { header["reason"] = .string(reason) }
        if access.breakGlass { header["break_glass"] = .bool(true) }
        var payload = header
        if let query = access.query { payload["query"] = .string(query) }
        return NewEvent(
            stream: stream(user: principal.name), eventType: type, occurredAt: time, actor: principal.actor,
            header: String(decoding: try JSONValue.object(header).encoded(), as: UTF8.self),
            payload: try JSONValue.object(payload).encoded())
    }

    /// `session`, `token:<id>` or `bootstrap`.
    public static func credentialName(_ credential: StaffPrincipal.Credential) -> String {
        switch credential {
        case .session: "session"
        case .token(let id): "token:\(id)"
        case .bootstrap: "bootstrap"
        }
    }
}
