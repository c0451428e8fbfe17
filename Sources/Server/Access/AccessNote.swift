import NIOConcurrencyHelpers

/// What a content route showed, told by its handler: the access control records it as
/// `access.viewed` before the response leaves.
public final class AccessNote: Sendable {
    private struct State {
        var records: [String] = []
        var masked: [Int64] = []
        var query: String?
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

    var snapshot: (records: [String], masked: [Int64], query: String?) {
        state.withLockedValue { ($0.records, $0.masked, $0.query) }
    }
}
