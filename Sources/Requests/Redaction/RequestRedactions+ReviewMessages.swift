public import Access
import LedgerStore

/// One message of a request's search results as the redaction review shows it: its text (when
/// it can be read), its media, and the redactions suggested for it.
public struct ReviewMessage: Sendable, Hashable {
    public var position: Int64
    /// The redactable text (``RedactableText``); nil when it cannot be read (``why``).
    public var text: String?
    /// Why the text cannot be read (sealed, destroyed, unavailable).
    public var why: String?
    /// The WhatsApp media ids of the message.
    public var media: [String]
    /// The suggestions for its text, in text order (``RedactionSuggester``).
    public var suggestions: [RedactionSuggestion]
}

extension RequestRedactions {
    /// The messages search `search` of `request` found, in position order, with their texts and
    /// the redactions suggested for them: what the redaction review page shows (the suggestions
    /// of ``suggest(_:search:role:)`` with the texts they are in). At most `limit` messages,
    /// from the first; `total` counts them all. Nothing is written: the caller records the view.
    /// - Throws: ``RecordsRequestError`` for a role that may not act or an unknown request,
    ///   ``RedactionError/noSuchSearch(request:search:)``.
    public func reviewMessages(
        _ request: String, search: Int, limit: Int, role: StaffRole
    ) async throws -> (messages: [ReviewMessage], total: Int) {
        try RecordsRequests.require(role, acting: true, "see redaction suggestions")
        let ref = try await requireRequest(request)
        let positions = try await store.withTransaction { connection in
            try await Self.searchResults(request, search: search, ledger: ref, store: store, on: connection, logger: store.logger)
        }
        guard let positions else { throw RedactionError.noSuchSearch(request: request, search: search) }
        var messages: [ReviewMessage] = []
        for position in positions.prefix(max(0, limit)) {
            let message = try await message(at: position)
            let suggestions = message.text.map { RedactionSuggester.suggestions(in: $0, position: position, list: exemptions) } ?? []
            messages.append(ReviewMessage(position: position, text: message.text, why: message.why, media: message.media, suggestions: suggestions))
        }
        return (messages, positions.count)
    }
}
