public import Access
public import Classification
public import Foundation
import Ledger
public import LedgerStore
import Messaging
import PostgresNIO
import RecordkeeperCore

/// The team each conversation is routed to, for the caller's scope (agents see their teams'
/// conversations only). The server gives the team lookup of its other conversation routes.
public protocol ConversationTeamLookup: Sendable {
    /// The team of each of `conversations` that is routed; an unrouted one is absent.
    func teams(ledger: LedgerRef, conversations: Set<String>) async throws -> [String: String]
}

/// Why a search cannot be run.
public enum ContentSearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `q` holds no word of at least two letters or digits.
    case noTerms
    /// `q` is too long or has too many words.
    case queryTooLong
    /// The cursor is not one this search gave.
    case invalidCursor
    /// The store has no master key: the index cannot be read or written.
    case unavailable

    public var description: String {
        switch self {
        case .noTerms: "the query \"q\" must hold at least one word of \(SearchTerms.minLength) or more letters or digits"
        case .queryTooLong:
            "the query \"q\" may be at most \(ContentSearch.maxQueryLength) characters and \(ContentSearch.maxQueryTerms) words"
        case .invalidCursor: "the cursor is not valid: use the next_cursor of the previous page"
        case .unavailable:
            "content search needs the master key (RECORDKEEPER_MASTER_KEY or RECORDKEEPER_MASTER_KEY_FILE), and this server has none"
        }
    }
}

/// One message a search found.
public struct SearchHit: Sendable, Hashable {
    public var position: Int64
    public var conversationID: String
    public var direction: String
    public var occurredAt: Date
    /// The message's text: masked when its category is above the caller's clearance; nil
    /// (withheld) when the caller may see no content (no clearance), or when a text above the
    /// clearance is category 4 or was raised by staff (as ``ContentMasking`` does).
    public var text: String?
    /// Whether the text was masked or withheld because of its category.
    public var masked: Bool
    /// The message's data category (category 4 while classification is pending: fail closed).
    public var category: DataCategory
}

/// A page of hits, newest first.
public struct SearchPage: Sendable, Hashable {
    public var hits: [SearchHit]
    public var nextCursor: String?
}

/// Content search over the blind index (docs/api.md, "Search"): every word of the query must
/// be in the message (after the same folding as indexing). Results are limited to the caller's
/// scope here, in one place, and masked above the caller's clearance.
public struct ContentSearch: Sendable {
    public let store: LedgerStore
    public let ledger: String
    let teams: any ConversationTeamLookup
    let key: BlindIndexKey?

    public static let maxQueryLength = 200
    public static let maxQueryTerms = 10
    public static let maxLimit = 100
    /// The most index candidates one request looks at (scope filtering can discard many).
    static let maxScanned = 2000

    public init(store: LedgerStore, ledger: String, teams: any ConversationTeamLookup) {
        self.store = store
        self.ledger = ledger
        self.teams = teams
        self.key = Self.indexKey(store)
    }

    /// The blind-index key of a store: nil without a master key.
    static func indexKey(_ store: LedgerStore) -> BlindIndexKey? {
        store.masterKey.map { BlindIndexKey(master: $0, purpose: "search-terms") }
    }

    /// The searchable text of a message entry's payload: an inbound message document's
    /// `message`, or an outbound Graph body (``ClassifiableText``).
    static func text(of payload: JSONValue) -> String {
        ClassifiableText.extract(from: payload["message"] ?? payload)
    }

    /// Searches messages holding every word of `query`.
    /// - Parameters:
    ///   - conversation: only this conversation's messages (its id, not the path form).
    ///   - scope: the caller's conversations (``StaffPrincipal/scope``).
    ///   - clearance: the highest category shown unmasked; nil: no text at all.
    ///   - cursor: the `nextCursor` of the previous page.
    /// - Throws: ``ContentSearchError``.
    public func search(
        _ query: String, conversation: String? = nil, scope: ConversationScope, clearance: DataCategory?, limit: Int = 20,
        cursor: String? = nil
    ) async throws -> SearchPage {
        guard query.count <= Self.maxQueryLength else { throw ContentSearchError.queryTooLong }
        let words = SearchTerms.terms(in: query)
        guard !words.isEmpty else { throw ContentSearchError.noTerms }
        guard words.count <= Self.maxQueryTerms else { throw ContentSearchError.queryTooLong }
        guard let key else { throw ContentSearchError.unavailable }
        var before = Int64.max
        if let cursor {
            guard let fields = try? OpaqueToken.fields(of: cursor, kind: "search", count: 1), let position = Int64(fields[0]) else {
                throw ContentSearchError.invalidCursor
            }
            before = position
        }
        let ref: LedgerRef
        do {
            ref = try await store.ledger(named: ledger, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return SearchPage(hits: [], nextCursor: nil)
        }
        if case .teams(let allowed) = scope, allowed.isEmpty { return SearchPage(hits: [], nextCursor: nil) }
        let limit = min(max(1, limit), Self.maxLimit)
        let tags = words.map { SearchTags.stored(key.tag($0)) }
        let pageSize = min(max(limit + 1, 50), 500)
        var hits: [SearchHit] = []
        var scanned = 0
        var exhausted = false
        while hits.count <= limit, !exhausted, scanned < Self.maxScanned {
            let candidates = try await candidates(ref, tags: tags, conversation: conversation, before: before, limit: pageSize)
            exhausted = candidates.count < pageSize
            let visible = try await inScope(candidates, scope: scope, ledger: ref)
            for candidate in candidates {
                before = candidate.position
                scanned += 1
                guard visible.contains(candidate.conversationID),
                    let hit = try await hit(candidate, ledger: ref, clearance: clearance)
                else { continue }
                hits.append(hit)
                if hits.count > limit { break }
            }
        }
        var next: String?
        if hits.count > limit {
            hits.removeLast(hits.count - limit)
            next = OpaqueToken.cursor(kind: "search", [String(hits[limit - 1].position)])
        } else if !exhausted {
            next = OpaqueToken.cursor(kind: "search", [String(before)])  // looked at enough for one request: go on from here
        }
        return SearchPage(hits: hits, nextCursor: next)
    }

    struct Candidate: Sendable {
        var position: Int64
        var conversationID: String
        var direction: String
        var occurredUs: Int64
        var category: Int16?
        /// Who decided the category (`automatic`, `staff`); nil while classification is pending.
        var source: String?
    }

    /// Messages holding every tag (their `search_tags` row contains them all), newest first,
    /// before `before`.
    private func candidates(_ ref: LedgerRef, tags: [Int64], conversation: String?, before: Int64, limit: Int) async throws -> [Candidate] {
        let rows = try await store.client.query(
            """
            SELECT m.position, m.conversation_id, m.direction, m.occurred_at_us, c.category, c.source
            FROM search_tags s
            JOIN conversation_messages m ON m.ledger_id = \(ref.id) AND m.position = s.message_position
            LEFT JOIN message_classifications c ON c.ledger_id = \(ref.id) AND c.message_position = s.message_position AND c.state = 'classified'
            WHERE s.ledger_id = \(ref.id) AND s.tags @> \(tags)::int8[] AND s.message_position < \(before)
              AND (\(conversation)::text IS NULL OR m.conversation_id = \(conversation))
            ORDER BY s.message_position DESC LIMIT \(limit)
            """, logger: store.logger)
        var found: [Candidate] = []
        for try await (position, conversation, direction, occurred, category, source) in rows.decode((Int64, String, String, Int64, Int16?, String?).self) {
            found.append(
                Candidate(
                    position: position, conversationID: conversation, direction: direction, occurredUs: occurred, category: category, source: source))
        }
        return found
    }

    /// The caller's scope, in one place: the candidates' conversations the caller may see.
    private func inScope(_ candidates: [Candidate], scope: ConversationScope, ledger: LedgerRef) async throws -> Set<String> {
        let conversations = Set(candidates.map(\.conversationID))
        guard case .teams = scope, !conversations.isEmpty else { return conversations }
        let routed = try await teams.teams(ledger: ledger, conversations: conversations)
        return conversations.filter { scope.includes(team: routed[$0]) }
    }

    /// A candidate with its text, masked above `clearance`; nil when its payload is gone.
    private func hit(_ candidate: Candidate, ledger: LedgerRef, clearance: DataCategory?) async throws -> SearchHit? {
        guard let record = try await store.record(ledger: ledger.name, position: candidate.position) else { return nil }
        let text: String
        switch record.payload {
        case .bytes(let bytes):
            guard let json = try? JSONValue.parse(bytes) else { return nil }
            text = Self.text(of: json)
        case .destroyed:
            // Lawfully destroyed: its words must not be findable any more.
            try await store.client.perform(
                "DELETE FROM search_tags WHERE ledger_id = \(ledger.id) AND message_position = \(candidate.position)", logger: store.logger)
            return nil
        default:
            return nil
        }
        // The same rule as the timeline (``ContentMasking``): above the clearance, the detectors'
        // findings are masked; a category staff raised by hand, or category 4, is withheld whole.
        // While classification is pending, the message counts as the highest category (fail closed).
        let detected = SensitiveDataClassifier.classify(text)
        let category = candidate.category.flatMap { DataCategory(rawValue: Int($0)) } ?? ContentMasking.unclassifiedCategory
        let decidedByDetectors = candidate.source == "automatic"
        var shown: String? = text
        var masked = false
        if let clearance {
            if category > clearance {
                masked = true
                shown =
                    decidedByDetectors && category != .specialHandling && !detected.findings.isEmpty
                    ? SensitiveDataMasker.mask(text, findings: detected.findings) : nil
            }
        } else {
            shown = nil
            masked = true
        }
        return SearchHit(
            position: candidate.position, conversationID: candidate.conversationID, direction: candidate.direction,
            occurredAt: LedgerTimestamp(microseconds: candidate.occurredUs).date, text: shown, masked: masked, category: category)
    }
}
