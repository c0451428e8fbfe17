import Crypto
import Foundation

/// Meta's subscription handshake: `GET /webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=…
/// &hub.challenge=…` is answered 200 with the challenge as plain text when the token matches the
/// configured `WHATSAPP_VERIFY_TOKEN`, and 403 otherwise
/// (`../shared/reference/whatsapp-webhooks.md` §1).
public struct WebhookHandshake: Sendable {
    /// The outcome of one handshake request.
    public enum Outcome: Equatable, Sendable {
        /// Answer 200 with this body (the challenge, unchanged).
        case accept(challenge: String)
        /// Answer 403; the reason is for the log, never for the caller.
        case reject(reason: String)
    }

    let verifyToken: String

    /// - Parameter verifyToken: the token typed into the App Dashboard's Verify Token field.
    public init(verifyToken: String) {
        self.verifyToken = verifyToken
    }

    /// Decides a handshake from its three query parameters (nil when absent).
    public func answer(mode: String?, verifyToken given: String?, challenge: String?) -> Outcome {
        guard mode == "subscribe" else { return .reject(reason: "hub.mode is not \"subscribe\"") }
        guard let given, Self.constantTimeEqual(given, verifyToken) else {
            return .reject(reason: "hub.verify_token does not match WHATSAPP_VERIFY_TOKEN")
        }
        guard let challenge, !challenge.isEmpty, challenge.utf8.count <= 256 else {
            return .reject(reason: "hub.challenge is missing or too long")
        }
        return .accept(challenge: challenge)
    }

    /// Compares two strings without leaking where they differ: both are hashed first, so the
    /// comparison takes the same time whatever their contents and lengths.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(SHA256.hash(data: Array(a.utf8)))
        let right = Array(SHA256.hash(data: Array(b.utf8)))
        var difference: UInt8 = 0
        for i in 0..<left.count { difference |= left[i] ^ right[i] }
        return difference == 0
    }
}
