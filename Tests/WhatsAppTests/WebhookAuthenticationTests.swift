import Foundation
import Testing
import WhatsApp

/// The webhook's two gates: the subscription handshake and `X-Hub-Signature-256`.
@Suite("Webhook authentication")
struct WebhookAuthenticationTests {
    /// RFC 4231 test case 2: HMAC-SHA256 with key "Jefe" over "what do ya want for nothing?".
    static let rfc4231Body = Array("what do ya want for nothing?".utf8)
    static let rfc4231Header = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

    @Test("the published HMAC-SHA256 vector verifies, and names the app whose secret signed it")
    func publishedVector() throws {
        #expect(WebhookSignatureVerifier.signatureHeader(for: Self.rfc4231Body, secret: "Jefe") == Self.rfc4231Header)
        let verifier = WebhookSignatureVerifier(secrets: [.init(app: "app-a", secret: "other"), .init(app: "app-b", secret: "Jefe")])
        #expect(try verifier.verify(signatureHeader: Self.rfc4231Header, body: Self.rfc4231Body) == "app-b")
        #expect(
            try verifier.verify(
                signatureHeader: Self.rfc4231Header.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="),
                body: Self.rfc4231Body) == "app-b", "hex case does not matter")
    }

    @Test("the exact bytes are signed: Meta's escaped form and a re-serialised form differ")
    func exactBytes() throws {
        let escaped = Array(#"{"text":{"body":"\u00e4\u00f6\u00e5"},"mime_type":"image\/jpeg"}"#.utf8)
        let decoded = Array(#"{"text":{"body":"äöå"},"mime_type":"image/jpeg"}"#.utf8)
        let header = WebhookSignatureVerifier.signatureHeader(for: escaped, secret: "app-secret")
        let verifier = WebhookSignatureVerifier(secrets: [.init(app: "app", secret: "app-secret")])
        #expect(try verifier.verify(signatureHeader: header, body: escaped) == "app")
        #expect(throws: WebhookSignatureVerifier.Rejection.signatureMismatch) {
            try verifier.verify(signatureHeader: header, body: decoded)
        }
    }

    @Test(
        "missing, malformed and wrong signatures are rejected with their reason",
        arguments: [
            (nil, WebhookSignatureVerifier.Rejection.missingSignature),
            ("", .malformedSignature),
            ("sha1=5bdcc146bf60754e6a042426089575c75a003f08", .malformedSignature),
            ("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384", .malformedSignature),
            ("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384z", .malformedSignature),
            ("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", .malformedSignature),
            ("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844", .signatureMismatch),
        ] as [(String?, WebhookSignatureVerifier.Rejection)])
    func rejections(header: String?, expected: WebhookSignatureVerifier.Rejection) {
        let verifier = WebhookSignatureVerifier(secrets: [.init(app: "app", secret: "Jefe")])
        #expect(throws: expected) { try verifier.verify(signatureHeader: header, body: Self.rfc4231Body) }
    }

    @Test("a changed body or another secret does not verify")
    func tampered() {
        let verifier = WebhookSignatureVerifier(secrets: [.init(app: "app", secret: "not-jefe")])
        #expect(throws: WebhookSignatureVerifier.Rejection.signatureMismatch) {
            try verifier.verify(signatureHeader: Self.rfc4231Header, body: Self.rfc4231Body)
        }
        let right = WebhookSignatureVerifier(secrets: [.init(app: "app", secret: "Jefe")])
        #expect(throws: WebhookSignatureVerifier.Rejection.signatureMismatch) {
            try right.verify(signatureHeader: Self.rfc4231Header, body: Self.rfc4231Body + [0x20])
        }
    }

    @Test("the handshake echoes the challenge only for subscribe with the right token")
    func handshake() {
        let handshake = WebhookHandshake(verifyToken: "s3cret-token")
        #expect(handshake.answer(mode: "subscribe", verifyToken: "s3cret-token", challenge: "1158201444") == .accept(challenge: "1158201444"))
        for (mode, token, challenge) in [
            ("subscribe", "wrong", "1"), ("subscribe", nil, "1"), ("unsubscribe", "s3cret-token", "1"), (nil, "s3cret-token", "1"),
            ("subscribe", "s3cret-token", nil), ("subscribe", "s3cret-token", ""), ("subscribe", "s3cret-token ", "1"),
        ] as [(String?, String?, String?)] {
            guard case .reject = handshake.answer(mode: mode, verifyToken: token, challenge: challenge) else {
                Issue.record("accepted mode \(String(describing: mode)), token \(String(describing: token)), challenge \(String(describing: challenge))")
                continue
            }
        }
    }
}
