/// Finds (or creates) the conversation of a message or status, merging conversations that an
/// entry links: the entry's stream and every citizen key it names (`u:<user_id>`, `p:<wa_id>`)
/// belong to one conversation. The merged conversation keeps the id of the one that started
/// first (the first stream of the merged set, by ledger position), so the result depends only
/// on the order of the entries: rebuilding gives the same ids.
///
/// It works on the batch's rows in memory (``ConversationBatch``): a stream or key seen earlier
/// in the batch costs nothing, and the batch's writer applies the merges to the rows it did not
/// read.
extension ConversationBatch {
    /// The id of the conversation the entry belongs to, after linking its stream and the
    /// citizen's keys.
    mutating func link(_ entry: ConversationEntry, phoneNumberID: String, keys: [String]) -> String {
        var found: [ConversationRow] = []
        func consider(_ linked: String?) {
            guard let linked, let row = conversations[resolved(linked)], !found.contains(where: { $0.id == row.id }) else { return }
            found.append(row)
        }
        consider(streams[entry.stream])
        for key in keys { consider(identities[IdentityKey(phoneNumberId: phoneNumberID, citizenKey: key)]) }
        found.sort { ($0.firstPosition, $0.id) < ($1.firstPosition, $1.id) }

        let target: String
        if let first = found.first {
            target = first.id
            if found.count > 1 { merge(found.dropFirst().map(\.id), into: target) }
        } else {
            target = entry.stream
            conversations[target] = ConversationRow(
                id: target, phoneNumberId: phoneNumberID, displayPhoneNumber: nil, userId: nil, waId: nil, profileName: nil,
                firstPosition: entry.position, lastPosition: entry.position, firstMessageAtUs: nil, lastMessageAtUs: nil, lastInboundAtUs: nil,
                lastActivityAtUs: entry.occurredAtUs, messageCount: 0)
        }
        if streams[entry.stream] == nil {
            streams[entry.stream] = target
            newStreams.append(NewLink(key: entry.stream, conversationId: target, firstPosition: entry.position))
        }
        for key in keys {
            let identity = IdentityKey(phoneNumberId: phoneNumberID, citizenKey: key)
            guard identities[identity] == nil else { continue }
            identities[identity] = target
            newIdentities.append(NewLink(key: identity, conversationId: target, firstPosition: entry.position))
        }
        return target
    }

    /// Moves `others` into `target`: their counters combine (the newest known name and
    /// identifiers win, by last position), and their streams, identities and timeline follow
    /// (`mergedInto`).
    private mutating func merge(_ others: [String], into target: String) {
        let all = ([target] + others).compactMap { conversations[$0] }
        guard var row = conversations[target] else { return }
        let newestFirst = all.sorted { $0.lastPosition > $1.lastPosition }
        row.displayPhoneNumber = newestFirst.lazy.compactMap(\.displayPhoneNumber).first
        row.userId = newestFirst.lazy.compactMap(\.userId).first
        row.waId = newestFirst.lazy.compactMap(\.waId).first
        row.profileName = newestFirst.lazy.compactMap(\.profileName).first
        row.firstPosition = all.map(\.firstPosition).min() ?? row.firstPosition
        row.lastPosition = all.map(\.lastPosition).max() ?? row.lastPosition
        row.firstMessageAtUs = all.compactMap(\.firstMessageAtUs).min()
        row.lastMessageAtUs = all.compactMap(\.lastMessageAtUs).max()
        row.lastInboundAtUs = all.compactMap(\.lastInboundAtUs).max()
        row.lastActivityAtUs = all.map(\.lastActivityAtUs).max() ?? row.lastActivityAtUs
        row.messageCount = all.reduce(0) { $0 + $1.messageCount }
        conversations[target] = row
        for other in others {
            conversations[other] = nil
            mergedInto[other] = target
        }
    }
}
