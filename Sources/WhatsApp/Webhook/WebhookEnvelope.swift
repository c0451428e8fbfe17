/// Where an item of a webhook delivery came from: the account, the business number and the place
/// of its change in the delivery.
public struct WebhookEnvelope: Sendable, Hashable {
    /// The delivery's `object`, `whatsapp_business_account` for WhatsApp.
    public var object: String
    /// `entry[].id`: the WhatsApp Business Account id.
    public var wabaID: String?
    /// `entry[].time` where Meta sends it (non-`messages` fields).
    public var entryTime: Int64?
    /// `changes[].field`, e.g. `messages`.
    public var field: String
    /// `value.messaging_product`, `whatsapp`.
    public var messagingProduct: String?
    /// `value.metadata.phone_number_id`: the business number the item belongs to.
    public var phoneNumberID: String?
    /// `value.metadata.display_phone_number`: digits without `+`.
    public var displayPhoneNumber: String?
    /// The index of the entry in `entry[]`.
    public var entryIndex: Int
    /// The index of the change in `entry[].changes[]`.
    public var changeIndex: Int

    public init(
        object: String, wabaID: String?, entryTime: Int64?, field: String, messagingProduct: String?,
        phoneNumberID: String?, displayPhoneNumber: String?, entryIndex: Int, changeIndex: Int
    ) {
        self.object = object
        self.wabaID = wabaID
        self.entryTime = entryTime
        self.field = field
        self.messagingProduct = messagingProduct
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.entryIndex = entryIndex
        self.changeIndex = changeIndex
    }
}

/// Who a citizen is: the business-scoped user id (BSUID) and/or the phone-number id `wa_id`.
///
/// Since 2026 either may be missing; when an item carries both, they name the same person.
public struct CitizenIdentity: Sendable, Hashable {
    /// `user_id` / `from_user_id` / `recipient_user_id`.
    public var userID: String?
    /// `wa_id` / `from` / `recipient_id`.
    public var waID: String?

    public init(userID: String?, waID: String?) {
        self.userID = userID
        self.waID = waID
    }

    /// False when neither identifier is known.
    public var isKnown: Bool { userID != nil || waID != nil }

    /// The key the archive uses for this citizen: `u:<user_id>` when a BSUID is known,
    /// `p:<wa_id>` otherwise (docs/whatsapp-ingest.md).
    public var key: String? {
        if let userID { return "u:" + userID }
        if let waID { return "p:" + waID }
        return nil
    }
}
