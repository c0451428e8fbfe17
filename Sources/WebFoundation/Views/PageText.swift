package import Foundation

/// How every area's pages write times and codes as text a person reads (the inbox, the request
/// pages, the administration and audit pages alike).
package enum PageText {
    /// `2026-12-07 14:05 UTC`.
    package static func timeText(_ date: Date) -> String {
        let iso = date.ISO8601Format()
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }

    /// A date and time as `2026-12-07 14:05 UTC` with its ISO form for `<time datetime>`.
    package static func time(_ date: Date) -> [String: Any] { ["text": timeText(date), "iso": date.ISO8601Format()] }

    /// `in_person` → `in person`.
    package static func words(_ code: String) -> String { code.replacingOccurrences(of: "_", with: " ") }
}
