import Foundation
public import LedgerStore
public import Retention

/// The automatic holds of public-records requests (docs/public-records.md, "Holds";
/// RCW 42.56.100: a record requested may not be destroyed until the request is resolved).
///
/// Opening a request places nothing: there is nothing to hold until a search selects records.
/// Each logged search places a hold of type `public_records_request` (matter: the request id) on
/// the conversations of its results that the request's active holds do not cover yet, so the
/// request's holds together cover every conversation any of its searches selected. A hold on a
/// conversation covers all of its records, including later ones, while it is active: broader
/// than the messages selected, which is the safe side. Closing, withdrawing or abandoning the
/// request releases them after a grace period (``RequestHoldReleaser``).
public struct RequestHolds: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// The active holds of request `id` (type public records request, matter `id`), oldest first.
    public func active(for id: String) async throws -> [LegalHold] {
        try await LegalHolds(store: store, ledger: ledger).list(active: true).filter { $0.type == .publicRecordsRequest && $0.matter == id }
    }

    /// Places a hold on the conversations among `conversations` that request `id`'s active holds
    /// do not cover yet, for its search `number`; nothing when they are all covered.
    /// - Returns: the id of the hold placed, or nil.
    func cover(
        request id: String, search number: Int, conversations: Set<String>, actor: String, role: String, now: Date
    ) async throws -> String? {
        guard !conversations.isEmpty else { return nil }
        var covered: Set<String> = []
        for hold in try await active(for: id)
        where hold.scope.citizens.isEmpty && hold.scope.businessNumbers.isEmpty && hold.scope.teams.isEmpty
            && hold.scope.from == nil && hold.scope.to == nil
        {
            covered.formUnion(hold.scope.conversations)
        }
        let uncovered = conversations.subtracting(covered).sorted()
        guard !uncovered.isEmpty else { return nil }
        let request = LegalHoldRequest(
            type: .publicRecordsRequest, matter: id, custodian: actor,
            reason:
                "public records request \(id), search \(number): the conversations of its results, held until the request is resolved (RCW 42.56.100)",
            scope: LegalHoldScope(conversations: uncovered))
        return try await LegalHolds(store: store, ledger: ledger).place(request, actor: actor, role: role, now: now).id
    }
}
