/// The delivery-status rule of the conversations projection: a status never downgrades.
///
/// Ranks: `sent` 1 < `failed` 2 < `delivered` 3 < `read` 4 < `played` 5; any other status
/// (a value Meta adds later) ranks 0. A status replaces the stored one only if it ranks higher,
/// so, whatever order the webhooks arrive in:
/// - `read` after `sent` skips `delivered` (read implies delivered);
/// - `delivered` arriving after `read` changes nothing;
/// - `failed` is recorded as failed over `sent` (or nothing), but not over `delivered`, `read` or
///   `played`, which prove the message reached the citizen; a later-ranked status arriving after
///   `failed` replaces it for the same reason, and a late `sent` does not hide a failure;
/// - an unknown status is shown only until a known one arrives.
/// Equal ranks keep the first recorded (and its time).
public enum DeliveryStatus {
    /// The rank of a status value of `statuses[].status`.
    public static func rank(of status: String) -> Int16 {
        switch status {
        case "sent": 1
        case "failed": 2
        case "delivered": 3
        case "read": 4
        case "played": 5
        default: 0
        }
    }
}
