import Events

/// The rows of the conversations projection that one batch of entries reads and writes, held in
/// memory while the batch's entries are applied one by one, in position order, with exactly the
/// rules the per-entry statements had (docs: ``ConversationsProjection``). The batch reads these
/// rows with a few statements before (``ConversationBatchReader``) and writes what changed with
/// one multi-row statement per table after (``ConversationBatchWriter``), so a batch costs the
/// same few round trips however many entries it holds.
///
/// What it holds: every stream, citizen key and conversation the batch's entries name; the
/// delivery statuses of the message ids they name; the outbound messages their statuses and
/// outcomes may change. Merges (``ConversationLinker``) are recorded as `mergedInto` and applied
/// to the rows the batch did not read (other streams, identities and messages of a merged
/// conversation) by one remapping statement per table.
struct ConversationBatch {
    /// Live conversations by id: read, created or merged into by the batch.
    var conversations: [String: ConversationRow] = [:]
    /// The conversations as read, to write only those that changed and delete those merged away.
    var readConversations: [String: ConversationRow] = [:]
    /// Conversation id → the conversation it was merged into by this batch.
    var mergedInto: [String: String] = [:]
    /// Stream → the conversation id it was read or linked with (resolve it through `mergedInto`).
    var streams: [String: String] = [:]
    var newStreams: [NewLink<String>] = []
    /// Citizen key → the conversation id it was read or linked with.
    var identities: [IdentityKey: String] = [:]
    var newIdentities: [NewLink<IdentityKey>] = []
    /// Best status by message id, as read or as set by the batch.
    var statuses: [String: StatusRow] = [:]
    var changedStatuses: Set<String> = []
    /// Messages by position: read (outbound messages a status or outcome may change) or inserted.
    var messages: [Int64: MessageRow] = [:]
    var readMessages: [Int64: MessageRow] = [:]
    var newMessages: [Int64] = []
    /// Positions of the outbound messages of each message id, and of the messages of each request id.
    var outboundByMessageID: [String: [Int64]] = [:]
    var byRequestID: [String: [Int64]] = [:]

    /// The conversation `id` is now part of (itself unless the batch merged it).
    func resolved(_ id: String) -> String {
        var id = id
        while let next = mergedInto[id] { id = next }
        return id
    }

    // MARK: Reading

    mutating func read(conversation row: ConversationRow) {
        conversations[row.id] = row
        readConversations[row.id] = row
    }

    mutating func read(message row: MessageRow) {
        guard messages[row.position] == nil else { return }
        messages[row.position] = row
        readMessages[row.position] = row
        index(row)
    }

    private mutating func index(_ row: MessageRow) {
        if row.direction == "outbound" { outboundByMessageID[row.messageId, default: []].append(row.position) }
        if let request = row.requestId { byRequestID[request, default: []].append(row.position) }
    }

    // MARK: Applying entries

    /// Applies one entry, as the per-entry statements did.
    mutating func apply(_ entry: ConversationEntry) {
        switch entry.kind {
        case .message(let header): applyMessage(header, entry)
        case .status(let header): applyStatus(header, entry)
        case .request(let header): applyRequest(header, entry)
        case .outcome(let header, let accepted): applyOutcome(header, accepted: accepted, entry)
        }
    }

    /// An outbound request: on the timeline at once, with its request id standing in for the
    /// wamid until Meta's answer is recorded.
    private mutating func applyRequest(_ header: ContractEvent.SendRequestHeader, _ entry: ConversationEntry) {
        let id = link(entry, phoneNumberID: header.phoneNumberId, keys: header.citizen?.keys ?? [])
        insert(
            MessageRow(
                position: entry.position, conversationId: id, stream: entry.stream, messageId: SendRequestReference.callbackPrefix + header.requestId,
                direction: "outbound", messageType: header.kind, occurredAtUs: entry.occurredAtUs, status: "requested",
                statusAtUs: entry.occurredAtUs, requestId: header.requestId, errorCode: nil))
        touch(id, entry, citizen: header.citizen, messageAtUs: entry.occurredAtUs, inboundAtUs: nil)
    }

    /// Meta's answer to a request (found by its request id): the wamid and `accepted` (or a
    /// status a webhook already brought for that wamid), or `failed` with Meta's error code.
    private mutating func applyOutcome(_ header: ContractEvent.SendOutcomeHeader, accepted: Bool, _ entry: ConversationEntry) {
        let positions = byRequestID[header.requestId] ?? []
        for position in positions {
            guard var row = messages[position] else { continue }
            if accepted {
                let known = header.messageId.flatMap { statuses[$0] }
                let messageID = header.messageId ?? row.messageId
                if messageID != row.messageId, row.direction == "outbound" {
                    outboundByMessageID[row.messageId]?.removeAll { $0 == position }
                    outboundByMessageID[messageID, default: []].append(position)
                }
                row.messageId = messageID
                row.status = known?.status ?? header.messageStatus ?? "accepted"
                row.statusAtUs = known?.atUs ?? entry.occurredAtUs
            } else {
                row.status = "failed"
                row.statusAtUs = entry.occurredAtUs
                row.errorCode = header.errorCode
            }
            messages[position] = row
        }
        for id in Set(positions.compactMap { messages[$0].map { resolved($0.conversationId) } }) {
            guard var conversation = conversations[id] else { continue }
            conversation.lastActivityAtUs = max(conversation.lastActivityAtUs, entry.occurredAtUs)
            conversation.lastPosition = entry.position
            conversations[id] = conversation
        }
    }

    private mutating func applyMessage(_ header: ContractEvent.MessageHeader, _ entry: ConversationEntry) {
        let direction = header.direction == "outbound" ? "outbound" : "inbound"
        let id = link(entry, phoneNumberID: header.phoneNumberId, keys: header.citizen?.keys ?? [])
        let known = direction == "outbound" ? statuses[header.messageId] : nil
        insert(
            MessageRow(
                position: entry.position, conversationId: id, stream: entry.stream, messageId: header.messageId, direction: direction,
                messageType: header.messageType, occurredAtUs: entry.occurredAtUs, status: known?.status, statusAtUs: known?.atUs,
                requestId: nil, errorCode: nil))
        touch(
            id, entry, citizen: header.citizen, messageAtUs: entry.occurredAtUs, inboundAtUs: direction == "inbound" ? entry.occurredAtUs : nil)
    }

    /// A status: kept by message id if it ranks above the one kept (``DeliveryStatus``), and then
    /// shown on every outbound message of that id.
    private mutating func applyStatus(_ header: ContractEvent.StatusHeader, _ entry: ConversationEntry) {
        let rank = DeliveryStatus.rank(of: header.status)
        let id = link(entry, phoneNumberID: header.phoneNumberId, keys: header.citizen?.keys ?? [])
        if statuses[header.messageId].map({ rank > $0.rank }) ?? true {
            statuses[header.messageId] = StatusRow(status: header.status, rank: rank, atUs: entry.occurredAtUs, position: entry.position)
            changedStatuses.insert(header.messageId)
            for position in outboundByMessageID[header.messageId] ?? [] {
                messages[position]?.status = header.status
                messages[position]?.statusAtUs = entry.occurredAtUs
            }
        }
        touch(id, entry, citizen: header.citizen, messageAtUs: nil, inboundAtUs: nil)
    }

    private mutating func insert(_ row: MessageRow) {
        messages[row.position] = row
        newMessages.append(row.position)
        index(row)
    }

    /// A conversation's counters and identity after one of its entries: a message
    /// (`messageAtUs` set, `inboundAtUs` too when inbound) or a status (both nil). Times only
    /// move forward; the newest known name and identifiers win.
    private mutating func touch(
        _ id: String, _ entry: ConversationEntry, citizen: ContractEvent.Citizen?, messageAtUs: Int64?, inboundAtUs: Int64?
    ) {
        guard var row = conversations[id] else { return }
        if messageAtUs != nil { row.messageCount += 1 }
        row.firstMessageAtUs = least(row.firstMessageAtUs, messageAtUs)
        row.lastMessageAtUs = greatest(row.lastMessageAtUs, messageAtUs)
        row.lastInboundAtUs = greatest(row.lastInboundAtUs, inboundAtUs)
        row.lastActivityAtUs = max(row.lastActivityAtUs, entry.occurredAtUs)
        row.lastPosition = entry.position
        row.displayPhoneNumber = entry.displayPhoneNumber ?? row.displayPhoneNumber
        row.profileName = entry.profileName ?? row.profileName
        row.userId = citizen?.userId ?? row.userId
        row.waId = citizen?.waId ?? row.waId
        conversations[id] = row
    }
}

/// SQL's `LEAST`: the smaller value, ignoring NULLs.
func least(_ a: Int64?, _ b: Int64?) -> Int64? { a.map { a in b.map { min(a, $0) } ?? a } ?? b }

/// SQL's `GREATEST`: the larger value, ignoring NULLs.
func greatest(_ a: Int64?, _ b: Int64?) -> Int64? { a.map { a in b.map { max(a, $0) } ?? a } ?? b }
