import NIOConcurrencyHelpers

/// What a content route showed (or refused as outside the caller's scope), told by its handler:
/// the access control records it as `access.viewed` (or `access.denied`) before the response
/// leaves.
public final class AccessNote: Sendable {
    private struct State {
        var records: [String] = []
        var masked: [Int64] = []
        var query: String?
        var refused: [String] = []
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// A record shown: `conversation:<id>`, `media:<id>`, `message:<position>`.
    public func viewed(_ record: String) {
        state.withLockedValue { if !$0.records.contains(record) { $0.records.append(record) } }
    }

    /// Records shown.
    public func viewed(_ records: some Sequence<String>) {
        for record in records { viewed(record) }
    }

    /// A message shown masked, by its ledger position.
    public func masked(_ position: Int64) {
        state.withLockedValue { $0.masked.append(position) }
    }

    /// What was asked (search terms, filters).
    public func query(_ text: String) {
        state.withLockedValue { $0.query = text }
    }

    /// A record the caller asked for outside their scope (answered as if it did not exist):
    /// recorded as `access.denied`.
    public func refused(_ record: String) {
        state.withLockedValue { if !$0.refused.contains(record) { $0.refused.append(record) } }
    }

    /// The records refused so far.
    public var refusedRecords: [String] { state.withLockedValue { $0.refused } }

    /// What was shown: records, masked positions, the query.
    public var snapshot: (records: [String], masked: [Int64], query: String?) {
        state.withLockedValue { ($0.records, $0.masked, $0.query) }
    }
}
