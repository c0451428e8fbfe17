public import Access
public import Events
import RecordkeeperCore
import WhatsApp

/// Who sends a request to Meta through Recordkeeper: the actor of its events, the way it came
/// (`via`) and, for the recording proxy, the integration's name.
public struct OutboundCaller: Sendable, Equatable {
    public var actor: String
    public var via: OutboundVia
    public var integration: String?

    public init(actor: String, via: OutboundVia, integration: String? = nil) {
        self.actor = actor
        self.via = via
        self.integration = integration
    }

    /// An integration of the recording proxy: actor `integration:<name>`, via `proxy`.
    public static func integration(_ name: String) -> OutboundCaller {
        OutboundCaller(actor: "integration:\(name)", via: .proxy, integration: name)
    }

    /// A staff member through the `/v1` API: actor `staff:<name>` (``StaffPrincipal/actor``), via `api`.
    public static func staff(_ principal: StaffPrincipal) -> OutboundCaller {
        OutboundCaller(actor: principal.actor, via: .api)
    }

    /// The header members naming the caller: `via`, and `integration` when there is one.
    var headerMembers: [String: JSONValue] {
        var members: [String: JSONValue] = ["via": .string(via.rawValue)]
        if let integration { members["integration"] = .string(integration) }
        return members
    }
}
