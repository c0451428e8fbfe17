/// Names from Meta's webhook reference.
public enum WebhookFields {
    /// Message types that carry a media object with an `id`.
    public static let mediaTypes: Set<String> = ["image", "audio", "video", "document", "sticker"]

    /// The webhook fields of a WhatsApp Business Account other than `messages` (Meta's
    /// "Webhooks overview"): archived as notifications, not parsed as messages. A field not in
    /// this list is archived raw and flagged for review.
    public static let known: Set<String> = [
        "account_alerts", "account_review_update", "account_settings_update", "account_update",
        "automatic_events", "business_capability_update", "business_status_update", "calls", "flows",
        "group_lifecycle_update", "group_participants_update", "group_settings_update", "group_status_update",
        "history", "message_echoes", "message_template_components_update", "message_template_quality_update",
        "message_template_status_update", "partner_solutions", "payment_configuration_update",
        "phone_number_name_update", "phone_number_quality_update", "security", "smb_app_state_sync",
        "smb_message_echoes", "template_category_update", "template_correct_category_detection",
        "tracking_events", "user_preferences",
    ]
}
