import Foundation
import Testing

@testable import Access

/// The second factor's codes against RFC 6238's own test values, and the enrolment URL an
/// authenticator app reads.
@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 Appendix B, SHA-1 rows: the secret "12345678901234567890"; 8-digit codes there,
    /// whose last 6 digits are the 6-digit codes apps show.
    @Test(
        "the RFC 6238 SHA-1 test vectors, as 6-digit codes",
        arguments: [
            (59.0, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
            (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ])
    func rfcVectors(time: Double, code: String) {
        #expect(TOTPEnrollment.code(secret: "12345678901234567890", at: Date(timeIntervalSince1970: time)) == code)
    }

    @Test("a code matches its own step and the steps either side (clock drift), nothing further")
    func drift() {
        let secret = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefgh"
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = TOTP.step(now)
        for offset in [-1, 0, 1] {
            let code = TOTP(secret: secret).code(step: step + Int64(offset))
            #expect(TOTPEnrollment.matchingStep(secret: secret, code: code, at: now) == step + Int64(offset))
        }
        #expect(TOTPEnrollment.matchingStep(secret: secret, code: TOTP(secret: secret).code(step: step + 2), at: now) == nil)
    }

    @Test("the otpauth URL carries the secret base32-encoded (RFC 4648 vectors) with the label and issuer")
    func enrolmentURL() {
        for (text, encoded) in [("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")] {
            #expect(TOTP.base32(Array(text.utf8)) == encoded)
        }
        let url = TOTP(secret: "foobar").authenticatorURL(label: "Recordkeeper:ana lopez", issuer: "Recordkeeper")
        #expect(url == "otpauth://totp/Recordkeeper:ana%20lopez?secret=MZXW6YTBOI&issuer=Recordkeeper")
    }
}
