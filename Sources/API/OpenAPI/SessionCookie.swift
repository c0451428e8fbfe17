import Foundation
public import HTTPTypes

/// The browser session's cookie: its name, and how a cookie's value is read from a request.
public enum SessionCookie {
    /// The session cookie's name.
    public static let name = "rk_session"

    /// A cookie's value from the `Cookie` header fields; nil when absent or empty.
    public static func cookie(_ name: String, in fields: HTTPFields) -> String? {
        for header in fields[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}
