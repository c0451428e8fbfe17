import HTTPTypes

// The limits every request body is read within, by the `/v1` operations (`RequestBodyMiddleware`)
// and the hand-written routes of `Server` alike.

/// How long a client may take to send a request body that a route reads (the `/v1` operations,
/// and `Server`'s hand-written routes through `Request.collectBody`).
public enum RequestBodyDeadline {
    /// The time allowed for any body, from when the route starts reading it; a larger limit adds
    /// one second per 64 KiB (a 100 MB upload gets about 27 minutes). A body still incomplete
    /// then (a client that announced more bytes than it sends) is answered 408 `body_timeout`.
    /// Task-local, so that a test can shorten it.
    @TaskLocal public static var base: Duration = .seconds(30)

    /// The deadline for a body of at most `limit` bytes.
    public static func deadline(forLimit limit: Int) -> Duration {
        base + .seconds(limit / (64 * 1024))
    }

    /// 408 `body_timeout`, closing the connection.
    public static func timeout(_ deadline: Duration) -> ProblemDetails {
        var timeout = ProblemDetails(
            status: .requestTimeout, code: "body_timeout", title: "Body not received",
            detail: "the request body did not arrive within \(deadline.components.seconds) s: send exactly the bytes Content-Length announces")
        timeout.headers[.connection] = "close"
        return timeout
    }
}

/// JSON request bodies as text.
public enum JSONBodyText {
    /// Refuses JSON text that holds NUL: a raw 0x00 byte, or the escape `\u0000` (any case of
    /// hex digits) inside a string. PostgreSQL cannot store NUL in text or `jsonb`, and no name,
    /// rule or message needs it. An escaped backslash followed by `u0000` (the six characters
    /// `\u0000` as text) is not NUL and passes.
    /// - Throws: 400 `invalid_text`.
    public static func refuseNUL(inJSON bytes: [UInt8]) throws {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0:
                throw nulInBody
            case UInt8(ascii: "\\"):
                let escape = bytes[(index + 1)...].prefix(5)
                if escape.count == 5, escape.first == UInt8(ascii: "u"), escape.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    throw nulInBody
                }
                index += 2
            default:
                index += 1
            }
        }
    }

    private static var nulInBody: ProblemDetails {
        ProblemDetails(
            status: .badRequest, code: "invalid_text", title: "Invalid text",
            detail: "the JSON body contains a NUL character (\\u0000): text may not contain NUL", extensions: ["field": "body"])
    }
}
