import COpenSSL

/// OpenSSL's per-thread error queue, read into text for ``TimestampError`` messages.
///
/// Every function of this module that calls OpenSSL does so synchronously (no suspension point
/// in between), so the queue it reads is the one its own calls filled. It clears the queue
/// before it starts and after it finishes, so nothing is left for other OpenSSL users on the thread.
enum OpenSSLErrorQueue {
    /// One queued error: its library and reason codes, and readable text.
    struct Entry: Sendable {
        var library: Int32
        var reason: Int32
        /// The reason text, e.g. `certificate verify error`.
        var reasonText: String
        /// Extra data OpenSSL attached, e.g. `Verify error:unable to get local issuer certificate`.
        var data: String?

        var text: String {
            data.map { "\(reasonText) (\($0))" } ?? reasonText
        }
    }

    /// Discards every queued error.
    static func clear() {
        ERR_clear_error()
    }

    /// Takes every queued error, oldest first, leaving the queue empty.
    static func drain() -> [Entry] {
        var entries: [Entry] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            let reasonText = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error code \(code)"
            var extra: String?
            if let data, flags & ERR_TXT_STRING != 0 {
                let text = String(cString: data)
                if !text.isEmpty { extra = text }
            }
            entries.append(Entry(library: ERR_GET_LIB(code), reason: ERR_GET_REASON(code), reasonText: reasonText, data: extra))
        }
        return entries
    }

    /// Takes every queued error and joins their texts; `fallback` when the queue is empty.
    static func drainText(fallback: String) -> String {
        text(of: drain(), fallback: fallback)
    }

    /// Joins the texts of `entries` as `OpenSSL: a; b`; `fallback` when there are none.
    static func text(of entries: [Entry], fallback: String) -> String {
        guard !entries.isEmpty else { return fallback }
        return "OpenSSL: " + entries.map(\.text).joined(separator: "; ")
    }
}
